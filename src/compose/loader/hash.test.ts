import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceConfig } from '../model.js';
import { configHash } from './hash.js';

const base: ServiceConfig = { name: 'web', image: 'nginx', environment: { A: '1', B: '2' }, ports: [], expose: [], volumes: [], networks: { default: null }, depends_on: {}, labels: {} };

test('hash: stable, key order does not matter, scale and build do not count', () => {
  const h = configHash(base);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(configHash({ ...base, environment: { B: '2', A: '1' } }), h);
  assert.equal(configHash({ ...base, scale: 3, deploy: { replicas: 3 } }), h);
  assert.equal(configHash({ ...base, build: { context: '/x', dockerfile: 'Dockerfile' } }), h);
  assert.equal(configHash({ ...base, depends_on: { db: { condition: 'service_started', required: true, restart: false } } }), h);
  assert.notEqual(configHash({ ...base, environment: { A: '1', B: '3' } }), h);
  assert.notEqual(configHash({ ...base, image: 'nginx:2' }), h);
  assert.notEqual(configHash({ ...base, deploy: { replicas: 3, resources: { limits: { memory: 1 } } } }), h);
});
