import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComposeError } from '../model.js';
import { normalizeVolumes, parseVolumeSpec } from './volumes.js';

const ctx = { workingDir: '/proj', home: '/home/u' };

test('volumes: short syntax decides named vs bind', () => {
  assert.deepEqual(parseVolumeSpec('/data', 'p', ctx), { type: 'volume', target: '/data', volume: {} });
  assert.deepEqual(parseVolumeSpec('data:/data', 'p', ctx), { type: 'volume', source: 'data', target: '/data', volume: {} });
  assert.deepEqual(parseVolumeSpec('./data:/data:ro', 'p', ctx), { type: 'bind', source: '/proj/data', target: '/data', read_only: true, bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('../x:/x', 'p', ctx), { type: 'bind', source: '/x', target: '/x', bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('.:/code', 'p', ctx), { type: 'bind', source: '/proj', target: '/code', bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('~/cfg:/cfg', 'p', ctx), { type: 'bind', source: '/home/u/cfg', target: '/cfg', bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('/var/run/docker.sock:/var/run/docker.sock:rw,z', 'p', ctx), {
    type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', bind: { create_host_path: true, selinux: 'z' },
  });
  assert.deepEqual(parseVolumeSpec('data:/data:nocopy', 'p', ctx), { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } });
  assert.throws(() => parseVolumeSpec('a:/b:bogus', 'p', ctx), ComposeError);
  assert.throws(() => parseVolumeSpec(':/b', 'p', ctx), ComposeError);
});

test('volumes: long syntax', () => {
  const v = normalizeVolumes(
    [
      { type: 'bind', source: './src', target: '/src', read_only: true, bind: { propagation: 'rshared' } },
      { type: 'volume', source: 'db', target: '/var/lib/db', volume: { nocopy: true } },
      { type: 'tmpfs', target: '/tmp', tmpfs: { size: '64m' } },
    ],
    'services.web.volumes',
    ctx,
  );
  assert.deepEqual(v, [
    { type: 'bind', source: '/proj/src', target: '/src', read_only: true, bind: { propagation: 'rshared' } },
    { type: 'volume', source: 'db', target: '/var/lib/db', volume: { nocopy: true } },
    { type: 'tmpfs', target: '/tmp', tmpfs: { size: 67108864 } },
  ]);
});
