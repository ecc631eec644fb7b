import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeBackend, startTestServer, call } from '../testing/fakes.js';
import type { NetworkService } from '../../core/networks/index.js';
import type { NetworkInspect } from '../../api/network-types.js';
import { notFound, permissionDenied } from '../../lib/errors.js';

const NET = { Name: 'n1', Id: 'a'.repeat(64), Scope: 'local', Driver: 'bridge' } as unknown as NetworkInspect;

function fakeNetworks(seen: unknown[]): NetworkService {
  const find = (ref: string) => {
    if (ref !== 'n1' && ref !== NET.Id) throw notFound(`network ${ref} not found`);
    return NET;
  };
  return {
    list: (o: unknown) => (seen.push(['list', o]), [NET]),
    inspect: (ref: string) => find(ref),
    resolve: (ref: string) => ({ id: find(ref).Id, name: 'n1', driver: 'bridge', predefined: false }),
    create: async (req: unknown) => (seen.push(['create', req]), { Id: NET.Id, Warning: '' }),
    remove: async (ref: string) => {
      if (ref === 'bridge') throw permissionDenied('bridge is a pre-defined network and cannot be removed');
      find(ref);
    },
    prune: async () => ({ NetworksDeleted: ['n1'] }),
  } as unknown as NetworkService;
}

test('network routes: list, inspect (scope), create 201, delete 204, prune, connect/disconnect through the containers', async () => {
  const seen: unknown[] = [];
  const backend = fakeBackend({
    containers: {
      connectNetwork: async (c, n, cfg) => void seen.push(['connect', c, n, cfg]),
      disconnectNetwork: async (c, n, f) => void seen.push(['disconnect', c, n, f]),
    },
  });
  backend.networks = fakeNetworks(seen);
  const t = await startTestServer(backend);
  try {
    let r = await call(t.socketPath, 'GET', '/v1.44/networks?filters=' + encodeURIComponent('{"name":{"n1":true}}'));
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text)[0].Name, 'n1');
    r = await call(t.socketPath, 'GET', '/v1.44/networks/n1?verbose=true&scope=local');
    assert.equal(r.status, 200);
    r = await call(t.socketPath, 'GET', '/v1.44/networks/n1?scope=swarm');
    assert.equal(r.status, 404);
    assert.deepEqual(JSON.parse(r.text), { message: 'network n1 not found' });
    r = await call(t.socketPath, 'POST', '/v1.44/networks/create', '{"Name":"n1","Driver":"bridge"}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 201);
    assert.deepEqual(JSON.parse(r.text), { Id: NET.Id, Warning: '' });
    r = await call(t.socketPath, 'DELETE', '/v1.44/networks/bridge');
    assert.equal(r.status, 403);
    r = await call(t.socketPath, 'DELETE', '/v1.44/networks/n1');
    assert.equal(r.status, 204);
    r = await call(t.socketPath, 'POST', '/v1.44/networks/prune');
    assert.deepEqual(JSON.parse(r.text), { NetworksDeleted: ['n1'] });
    r = await call(t.socketPath, 'POST', '/v1.44/networks/n1/connect', '{"Container":"web","EndpointConfig":{"Aliases":["x"]}}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 200);
    r = await call(t.socketPath, 'POST', '/v1.44/networks/nosuch/connect', '{"Container":"web"}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 404);
    r = await call(t.socketPath, 'POST', '/v1.44/networks/n1/disconnect', '{"Container":"web","Force":true}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 200);
    r = await call(t.socketPath, 'POST', '/v1.44/networks/gone/disconnect', '{"Container":"web","Force":true}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 200);
    r = await call(t.socketPath, 'POST', '/v1.44/networks/gone/disconnect', '{"Container":"web"}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 404);
    assert.deepEqual(
      seen.filter((s) => (s as string[])[0] === 'connect' || (s as string[])[0] === 'disconnect'),
      [
        ['connect', 'web', NET.Id, { Aliases: ['x'] }],
        ['disconnect', 'web', NET.Id, true],
        ['disconnect', 'web', 'gone', true],
      ],
    );
  } finally {
    await t.stop();
  }
});
