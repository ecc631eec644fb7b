// The compose engine against an in-memory Engine API (no daemon, no root): convergence order,
// labels, idempotence, recreate on change, scale, orphans, depends_on conditions, down, and
// that requests within a dependency level go out in parallel.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../src/client/index.js';
import { createProgress, down, limitClient, up, type Ctx } from '../../src/compose/engine/index.js';
import { project, svc } from '../../src/compose/engine/fixtures.test-util.js';
import { startFakeEngine, type FakeEngine } from './fake-engine.js';

const started = { condition: 'service_started' as const, required: true, restart: false };
const healthy = { condition: 'service_healthy' as const, required: true, restart: false };

describe('compose engine on a fake Engine API', () => {
  let fe: FakeEngine;
  let lines: string[];
  let ctx: Ctx;
  before(async () => {
    fe = await startFakeEngine();
  });
  after(async () => fe.close());
  beforeEach(() => {
    fe.containers.clear();
    fe.networks.clear();
    fe.volumes.clear();
    fe.requests.length = 0;
    fe.health.clear();
    fe.exitOnStart.clear();
    fe.peak.create = fe.peak.start = 0;
    fe.delayMs = 0;
    lines = [];
    const client = createClient({ env: {} }, { host: fe.host });
    ctx = { deps: { client, progress: createProgress({ write: (t) => lines.push(...t.split('\n').filter(Boolean)), mode: 'plain', color: false }) }, options: { pollMs: 5 } };
  });
  const names = () => [...fe.containers.values()].map((c) => c.Name.slice(1)).sort();

  test('up: network, volume, then services in dependency order, labelled; a second up changes nothing', async () => {
    const p = project([
      svc('web', { depends_on: { kv: started }, ports: [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }] }),
      svc('kv', { volumes: [{ type: 'volume', source: 'data', target: '/data' }] }),
    ], { volumes: { data: { name: 'proj_data', labels: {} } } });
    await up(ctx, p, { services: [] });
    assert.deepEqual(names(), ['proj-kv-1', 'proj-web-1']);
    const order = fe.requests.filter((r) => /^POST \/(networks|volumes)\/create|^POST \/containers\/(create|[0-9a-f]+\/start)/.test(r));
    assert.match(order[0]!, /networks\/create/);
    assert.match(order[1]!, /volumes\/create/);
    assert.equal(order[2], 'POST /containers/create?name=proj-kv-1');
    assert.equal(order[4], 'POST /containers/create?name=proj-web-1');
    assert.deepEqual(fe.networks.get('proj_default')!.Labels, { 'com.docker.compose.network': 'default', 'com.docker.compose.project': 'proj', 'com.docker.compose.version': '2.29.7' });
    assert.equal(fe.volumes.get('proj_data')!.Labels['com.docker.compose.volume'], 'data');
    const web = [...fe.containers.values()].find((c) => c.Name === '/proj-web-1')!;
    assert.equal(web.State.Status, 'running');
    assert.equal(web.Config.Labels!['com.docker.compose.service'], 'web');
    assert.deepEqual(web.NetworkingConfig, { EndpointsConfig: { proj_default: { Aliases: ['proj-web-1', 'web'] } } });
    assert.ok(lines.includes(' Network proj_default  Created'));
    assert.ok(lines.includes(' Container proj-web-1  Started'));
    fe.requests.length = 0;
    lines = [];
    await up(ctx, p, { services: [] });
    assert.deepEqual(fe.requests.filter((r) => r.startsWith('POST') || r.startsWith('DELETE')), []);
    assert.deepEqual(lines.sort(), [' Container proj-kv-1  Running', ' Container proj-web-1  Running']);
  });

  test('a changed service is recreated (same name), others kept; --force-recreate recreates all', async () => {
    const p = project([svc('a'), svc('b')]);
    await up(ctx, p, { services: [] });
    const idsBefore = new Map([...fe.containers.values()].map((c) => [c.Name, c.Id]));
    const p2 = project([svc('a', { environment: { X: '1' } }), svc('b')]);
    await up(ctx, p2, { services: [] });
    const idsAfter = new Map([...fe.containers.values()].map((c) => [c.Name, c.Id]));
    assert.notEqual(idsAfter.get('/proj-a-1'), idsBefore.get('/proj-a-1'));
    assert.equal(idsAfter.get('/proj-b-1'), idsBefore.get('/proj-b-1'));
    assert.ok(lines.includes(' Container proj-a-1  Recreated'));
    await up(ctx, p2, { services: [], recreate: 'force' });
    assert.notEqual(new Map([...fe.containers.values()].map((c) => [c.Name, c.Id])).get('/proj-b-1'), idsBefore.get('/proj-b-1'));
    assert.deepEqual(names(), ['proj-a-1', 'proj-b-1']);
  });

  test('scale up and down (--scale, deploy.replicas)', async () => {
    const p = project([svc('w', { deploy: { replicas: 3 } })]);
    await up(ctx, p, { services: [] });
    assert.deepEqual(names(), ['proj-w-1', 'proj-w-2', 'proj-w-3']);
    await up(ctx, p, { services: [], scale: { w: 1 } });
    assert.deepEqual(names(), ['proj-w-1']);
    await up(ctx, p, { services: [], scale: { w: 2 } });
    assert.deepEqual(names(), ['proj-w-1', 'proj-w-2']);
  });

  test('orphans: warned about, removed with removeOrphans and by down --remove-orphans', async () => {
    await up(ctx, project([svc('a'), svc('old')]), { services: [] });
    const p = project([svc('a')]);
    await up(ctx, p, { services: [] });
    assert.ok(lines.some((l) => l.includes('Found orphan containers ([proj-old-1])')));
    assert.deepEqual(names(), ['proj-a-1', 'proj-old-1']);
    await up(ctx, p, { services: [], removeOrphans: true });
    assert.deepEqual(names(), ['proj-a-1']);
    await up(ctx, project([svc('a'), svc('old')]), { services: [] });
    await down(ctx, p, { removeOrphans: true });
    assert.deepEqual(names(), []);
  });

  test('depends_on service_healthy: waits, and an unhealthy dependency fails with compose wording; down removes what was made', async () => {
    const p = project([svc('web', { depends_on: { db: healthy } }), svc('db', { healthcheck: { test: ['CMD', 'true'] } })]);
    await up(ctx, p, { services: [] });
    assert.ok(lines.includes(' Container proj-db-1  Healthy'));
    await down(ctx, p, {});
    fe.health.set('proj-db-1', 'unhealthy');
    await assert.rejects(up(ctx, p, { services: [] }), /dependency failed to start: container proj-db-1 is unhealthy/);
    // As in Compose v2 the dependent is created but never started.
    assert.equal([...fe.containers.values()].find((c) => c.Name === '/proj-web-1')?.State.Status, 'created');
    await down(ctx, p, { volumes: true });
    assert.deepEqual(names(), []);
    assert.equal(fe.networks.size, 0);
    const nohc = project([svc('web', { depends_on: { db: healthy } }), svc('db')]);
    await assert.rejects(up(ctx, nohc, { services: [] }), /dependency failed to start: container proj-db-1 has no healthcheck configured/);
  });

  test('depends_on service_completed_successfully: a non-zero exit fails', async () => {
    fe.exitOnStart.set('proj-init-1', 3);
    const p = project([svc('app', { depends_on: { init: { condition: 'service_completed_successfully', required: true, restart: false } } }), svc('init')]);
    await assert.rejects(up(ctx, p, { services: [] }), /service "init" didn't complete successfully: exit 3/);
    fe.exitOnStart.set('proj-init-1', 0);
    await down(ctx, p, {});
    await up(ctx, p, { services: [] });
    assert.ok(lines.includes(' Container proj-init-1  Exited'));
  });

  test('selection: named services bring their dependencies unless noDeps', async () => {
    const p = project([svc('web', { depends_on: { db: started } }), svc('db'), svc('other')]);
    await up(ctx, p, { services: ['web'] });
    assert.deepEqual(names(), ['proj-db-1', 'proj-web-1']);
    await down(ctx, p, {});
    await up(ctx, p, { services: ['web'], noDeps: true });
    assert.deepEqual(names(), ['proj-web-1']);
    await assert.rejects(up(ctx, p, { services: ['nope'] }), /no such service: nope/);
  });

  test('down: reverse order, networks removed, volumes only with -v; external ones kept', async () => {
    const p = project([svc('web', { depends_on: { db: started } }), svc('db', { volumes: [{ type: 'volume', source: 'data', target: '/d' }] })], {
      volumes: { data: { name: 'proj_data', labels: {} } },
    });
    await up(ctx, p, { services: [] });
    fe.requests.length = 0;
    await down(ctx, p, {});
    const stops = fe.requests.filter((r) => r.endsWith('/stop'));
    const webId = fe.requests.indexOf(stops[0]!);
    assert.equal(stops.length, 2);
    assert.ok(webId >= 0);
    assert.deepEqual(names(), []);
    assert.equal(fe.networks.size, 0);
    assert.equal(fe.volumes.size, 1);
    await up(ctx, p, { services: [] });
    await down(ctx, p, { volumes: true });
    assert.equal(fe.volumes.size, 0);
    const ext = project([svc('a', { networks: { shared: null } })], { networks: { shared: { name: 'shared', external: true, labels: {} } } });
    await assert.rejects(up(ctx, ext, { services: [] }), /network shared declared as external, but could not be found/);
  });

  test('parallel: five independent services and three replicas are created and started concurrently', async () => {
    fe.delayMs = 40;
    const p = project(['a', 'b', 'c', 'd', 'e'].map((n) => svc(n)));
    await up(ctx, p, { services: [] });
    // The peaks prove the concurrency (no wall-clock assertion: tests never time things).
    assert.equal(fe.peak.create, 5);
    assert.equal(fe.peak.start, 5);
    await down(ctx, p, {});
    fe.peak.create = 0;
    await up(ctx, project([svc('w', { scale: 3 })]), { services: [] });
    assert.equal(fe.peak.create, 3);
    await down(ctx, project([svc('w')]), {});
    fe.peak.create = 0;
    const limited: Ctx = { ...ctx, deps: { ...ctx.deps, client: limitClient(ctx.deps.client, 2) } };
    await up(limited, p, { services: [] });
    assert.equal(fe.peak.create, 2, '--parallel 2');
  });
  test('dry run changes nothing; compatibility names use underscores; a named profile-disabled service is started', async () => {
    const p = project([svc('a', { volumes: [{ type: 'volume', source: 'v', target: '/v' }] })], { volumes: { v: { name: 'proj_v', labels: {} } } });
    await up({ ...ctx, options: { ...ctx.options, dryRun: true } }, p, { services: [] });
    assert.deepEqual(fe.requests.filter((r) => !r.startsWith('GET') && !r.startsWith('HEAD')), []);
    assert.ok(lines.includes(' Container proj-a-1  Started'));
    await up({ ...ctx, options: { ...ctx.options, compatibility: true } }, p, { services: [] });
    assert.deepEqual(names(), ['proj_a_1']);
    await down(ctx, p, { volumes: true });
    const withProfile = { ...project([svc('a')]), disabledServices: { debug: svc('debug', { profiles: ['dbg'] }) } };
    await up(ctx, withProfile, { services: [] });
    assert.deepEqual(names(), ['proj-a-1']);
    await up(ctx, withProfile, { services: ['debug'] });
    assert.deepEqual(names(), ['proj-a-1', 'proj-debug-1']);
    await down(ctx, withProfile, {});
    assert.deepEqual(names(), []);
  });

  test('--wait: waits for healthy containers; an unhealthy one fails', async () => {
    const p = project([svc('a', { healthcheck: { test: ['CMD', 'true'] } }), svc('b')]);
    await up(ctx, p, { services: [], wait: true });
    assert.ok(lines.includes(' Container proj-a-1  Healthy'));
    await down(ctx, p, {});
    fe.health.set('proj-a-1', 'unhealthy');
    await assert.rejects(up(ctx, p, { services: [], wait: true }), /container proj-a-1 is unhealthy/);
  });
});
