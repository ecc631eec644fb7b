import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeFileObjects, normalizeNetworks, normalizeVolumesTop } from './top-level.js';

test('top level: networks get engine names unless name or external', () => {
  assert.deepEqual(
    normalizeNetworks(
      {
        front: null,
        back: { driver: 'bridge', driver_opts: { mtu: 1400 }, internal: true, labels: ['a=1'], ipam: { config: [{ subnet: '10.5.0.0/16', gateway: '10.5.0.1' }] } },
        named: { name: 'custom' },
        ext: { external: true },
        extnamed: { external: true, name: 'shared' },
        legacy: { external: { name: 'old' } },
      },
      'proj',
    ),
    {
      front: { name: 'proj_front', labels: {} },
      back: { name: 'proj_back', labels: { a: '1' }, driver: 'bridge', driver_opts: { mtu: '1400' }, ipam: { config: [{ subnet: '10.5.0.0/16', gateway: '10.5.0.1' }] }, internal: true },
      named: { name: 'custom', labels: {} },
      ext: { name: 'ext', labels: {}, external: true },
      extnamed: { name: 'shared', labels: {}, external: true },
      legacy: { name: 'old', labels: {}, external: true },
    },
  );
});

test('top level: volumes, secrets and configs', () => {
  assert.deepEqual(normalizeVolumesTop({ data: null, db: { driver: 'local', driver_opts: { type: 'tmpfs' } }, ext: { external: true }, n: { name: 'fixed' } }, 'p'), {
    data: { name: 'p_data', labels: {} },
    db: { name: 'p_db', labels: {}, driver: 'local', driver_opts: { type: 'tmpfs' } },
    ext: { name: 'ext', labels: {}, external: true },
    n: { name: 'fixed', labels: {} },
  });
  assert.deepEqual(
    normalizeFileObjects({ s1: { file: './secret.txt' }, s2: { environment: 'TOKEN' }, s3: { external: true } }, 'p', { workingDir: '/proj', home: '/h' }),
    { s1: { name: 'p_s1', file: '/proj/secret.txt' }, s2: { name: 'p_s2', environment: 'TOKEN' }, s3: { name: 's3', external: true } },
  );
});
