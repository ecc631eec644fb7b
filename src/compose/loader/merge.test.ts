import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeFiles, mergeService } from './merge.js';
import { parseComposeYaml } from './yaml-source.js';

test('merge: mappings merged, command replaced, environment by key', () => {
  const m = mergeService(
    { image: 'a', command: ['x', 'y'], environment: ['A=1', 'B=2'], labels: { l: '1' }, healthcheck: { test: ['CMD', 'a'], interval: '5s' } },
    { command: 'z', environment: { B: '3', C: '4' }, labels: ['m=2'], healthcheck: { test: ['CMD', 'b'] } },
  );
  assert.deepEqual(m, {
    image: 'a',
    command: 'z',
    environment: { A: '1', B: '3', C: '4' },
    labels: { l: '1', m: '2' },
    healthcheck: { test: ['CMD', 'b'], interval: '5s' },
  });
});

test('merge: sequences by their keys', () => {
  const m = mergeService(
    { ports: ['80:80', '443:443'], volumes: ['./a:/data', 'logs:/logs'], secrets: ['s1'], dns: '1.1.1.1', cap_add: ['NET_ADMIN'], depends_on: ['db'], networks: ['front'] },
    {
      ports: ['443:443', '8080:8080'],
      volumes: [{ type: 'bind', source: './b', target: '/data' }, '/extra'],
      secrets: [{ source: 's1', target: 'x' }, 's2', { source: 'other', target: '/run/secrets/s1' }],
      dns: ['8.8.8.8'],
      cap_add: ['NET_ADMIN', 'SYS_TIME'],
      depends_on: { cache: { condition: 'service_healthy' } },
      networks: { back: { aliases: ['b'] } },
    },
  );
  assert.deepEqual(m.ports, ['80:80', '443:443', '8080:8080']);
  assert.deepEqual(m.volumes, [{ type: 'bind', source: './b', target: '/data' }, 'logs:/logs', '/extra']);
  assert.deepEqual(m.secrets, [{ source: 'other', target: '/run/secrets/s1' }, { source: 's1', target: 'x' }, 's2']);
  assert.deepEqual(m.dns, ['1.1.1.1', '8.8.8.8']);
  assert.deepEqual(m.cap_add, ['NET_ADMIN', 'SYS_TIME']);
  assert.deepEqual(m.depends_on, { db: { condition: 'service_started' }, cache: { condition: 'service_healthy' } });
  assert.deepEqual(m.networks, { front: null, back: { aliases: ['b'] } });
});

test('merge: build string and logging drivers', () => {
  assert.deepEqual(mergeService({ build: '.' }, { build: { dockerfile: 'D' } }).build, { context: '.', dockerfile: 'D' });
  assert.deepEqual(mergeService({ logging: { driver: 'json-file', options: { a: '1' } } }, { logging: { driver: 'syslog' } }).logging, { driver: 'syslog' });
  assert.deepEqual(mergeService({ logging: { driver: 'json-file', options: { a: '1' } } }, { logging: { options: { b: '2' } } }).logging, {
    driver: 'json-file', options: { a: '1', b: '2' },
  });
});

test('merge: files, with !reset and !override', () => {
  const base = parseComposeYaml('services:\n  web:\n    image: a\n    ports: ["80:80"]\n    environment: {A: "1"}\n  db:\n    image: d\nvolumes:\n  v: {driver: local}\n', '/b.yaml');
  const over = parseComposeYaml('services:\n  web:\n    ports: !reset []\n    environment: !override {B: "2"}\n  cache:\n    image: c\nvolumes:\n  v: {labels: {x: "1"}}\n', '/o.yaml');
  const m = mergeFiles(base.data, over.data, { reset: over.resetPaths, override: over.overridePaths });
  assert.deepEqual(m, {
    services: { web: { image: 'a', environment: { B: '2' } }, db: { image: 'd' }, cache: { image: 'c' } },
    volumes: { v: { driver: 'local', labels: { x: '1' } } },
  });
});
