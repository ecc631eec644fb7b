import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Project, ServiceConfig } from '../model.js';
import { ComposeError } from '../model.js';
import { applyProfiles, dependencyLevels } from './graph.js';

function svc(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return { name, image: 'x', environment: {}, ports: [], expose: [], volumes: [], networks: {}, depends_on: {}, labels: {}, ...extra };
}
const dep = { condition: 'service_started' as const, required: true, restart: false };
function project(services: ServiceConfig[]): Project {
  return {
    name: 'p', workingDir: '/p', configFiles: [], services: Object.fromEntries(services.map((s) => [s.name, s])), disabledServices: {},
    networks: {}, volumes: {}, secrets: {}, configs: {}, environment: {}, profiles: [],
  };
}

test('order: levels over depends_on, links, volumes_from, network_mode', () => {
  const p = project([
    svc('web', { depends_on: { api: dep } }),
    svc('api', { depends_on: { db: dep }, links: ['cache:c'] }),
    svc('db'),
    svc('cache'),
    svc('sidecar', { network_mode: 'service:web', volumes_from: ['db:ro', 'container:foo'] }),
  ]);
  assert.deepEqual(dependencyLevels(p), [['cache', 'db'], ['api'], ['web'], ['sidecar']]);
  assert.deepEqual(dependencyLevels(p, ['api']), [['cache', 'db'], ['api']]);
  assert.throws(() => dependencyLevels(p, ['nope']), { message: 'no such service: nope' });
});

test('order: cycles are refused', () => {
  const p = project([svc('a', { depends_on: { b: dep } }), svc('b', { depends_on: { a: dep } }), svc('c')]);
  assert.throws(() => dependencyLevels(p), (e: unknown) => e instanceof ComposeError && e.message === 'dependency cycle detected: a -> b -> a');
  const q = project([svc('a', { depends_on: { a: dep } })]);
  assert.throws(() => dependencyLevels(q), { message: 'dependency cycle detected: a -> a' });
});

test('profiles: active, wildcard, explicit services and their dependencies', () => {
  const all = {
    web: svc('web'),
    debug: svc('debug', { profiles: ['debug'], depends_on: { tools: dep } }),
    tools: svc('tools', { profiles: ['tools'] }),
  };
  assert.deepEqual(Object.keys(applyProfiles(all, []).enabled), ['web']);
  assert.deepEqual(Object.keys(applyProfiles(all, []).disabled), ['debug', 'tools']);
  assert.deepEqual(Object.keys(applyProfiles(all, ['debug']).enabled), ['web', 'debug']);
  assert.deepEqual(Object.keys(applyProfiles(all, ['*']).enabled), ['web', 'debug', 'tools']);
  assert.deepEqual(Object.keys(applyProfiles(all, [], ['debug']).enabled), ['web', 'debug', 'tools']);
});
