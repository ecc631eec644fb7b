// Integration: healthchecks through the real docker CLI against pierd — starting → unhealthy →
// healthy with a short interval, the log of at most 5 probes, ps Status and the health filter,
// health_status events, probe timeout, output truncation, --no-healthcheck, and the status
// after the container stops.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runDocker, type TestDaemon, startBusyboxDaemon } from '../../harness/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

describe('healthchecks (pierd, docker CLI)', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  before(async (t) => {
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'sup-hc' }));
  });
  after(async () => {
    await d?.stop();
  });
  const docker = (args: string[]) => runDocker(d, args);
  const health = async (name: string): Promise<Health> => JSON.parse((await docker(['inspect', '-f', '{{json .State.Health}}', name])).stdout) as Health;
  const until = async (what: string, fn: () => Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await fn()) return;
      await sleep(150);
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  test('starting → unhealthy → healthy, log, ps, filter, events', async (t) => {
    if (skip) return t.skip();
    const since = Math.floor(Date.now() / 1000) - 1;
    const r = await docker(['run', '-d', '--name', 'hc', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '1s', '--health-retries', '2', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await health('hc')).Status, 'starting');
    assert.match((await docker(['ps', '--filter', 'name=hc', '--format', '{{.Status}}'])).stdout, /^Up .* \(health: starting\)$/m);
    await until('unhealthy', async () => (await health('hc')).Status === 'unhealthy');
    const h1 = await health('hc');
    assert.ok(h1.FailingStreak >= 2);
    assert.equal(h1.Log.at(-1)!.ExitCode, 1);
    assert.match(h1.Log[0]!.Start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    assert.match((await docker(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}} {{.Status}}'])).stdout, /^hc Up .* \(unhealthy\)$/m);
    assert.equal((await docker(['exec', 'hc', 'touch', '/tmp/ok'])).code, 0);
    await until('healthy', async () => (await health('hc')).Status === 'healthy');
    assert.equal((await health('hc')).FailingStreak, 0);
    assert.match((await docker(['ps', '--filter', 'health=healthy', '--format', '{{.Names}} {{.Status}}'])).stdout, /^hc Up .* \(healthy\)$/m);
    assert.equal((await docker(['ps', '--filter', 'health=unhealthy', '-q'])).stdout.trim(), '');
    await until('6 probes', async () => (await health('hc')).Log.length === 5 && (await health('hc')).Log.at(-1)!.ExitCode === 0, 10_000);
    await sleep(1500);
    assert.equal((await health('hc')).Log.length, 5);
    const ev = await docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'container=hc', '--format', '{{.Action}}']);
    const actions = ev.stdout.trim().split('\n');
    assert.deepEqual(actions.filter((a) => a.startsWith('health_status')), ['health_status: unhealthy', 'health_status: healthy']);
    assert.ok(actions.includes('exec_start: /bin/sh -c test -f /tmp/ok'), ev.stdout);
    // Probes stop with the container; Docker then reports it unhealthy.
    assert.equal((await docker(['stop', '-t', '0', 'hc'])).code, 0);
    assert.equal((await health('hc')).Status, 'unhealthy');
    const n = (await health('hc')).Log.length;
    await sleep(1500);
    assert.equal((await health('hc')).Log.length, n);
    // The status survives a daemon restart (persisted).
    await d.restart();
    assert.equal((await health('hc')).Status, 'unhealthy');
    await docker(['rm', 'hc']);
  });

  test('probe timeout, CMD form, output truncated to 4096 bytes', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'hto', '--health-cmd', 'echo hi; sleep 5', '--health-interval', '1s', '--health-timeout', '300ms', 'busybox', 'sleep', '1000']);
    await docker(['run', '-d', '--name', 'hbig', '--health-cmd', 'yes | head -c 6000', '--health-interval', '1s', 'busybox', 'sleep', '1000']);
    await until('timeout probe', async () => (await health('hto')).Log.length > 0);
    const e = (await health('hto')).Log[0]!;
    assert.equal(e.ExitCode, -1);
    assert.match(e.Output, /^Health check exceeded timeout \(300ms\)/);
    assert.ok(Date.parse(e.End) - Date.parse(e.Start) < 3000);
    await until('big probe', async () => (await health('hbig')).Log.length > 0);
    const b = (await health('hbig')).Log[0]!;
    assert.equal(b.ExitCode, 0);
    assert.equal(b.Output.length, 4096);
    await docker(['rm', '-f', 'hto', 'hbig']);
  });

  test('start period: failures do not count while starting', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'hsp', '--health-cmd', 'false', '--health-interval', '500ms', '--health-retries', '1', '--health-start-period', '30s', '--health-start-interval', '500ms', 'busybox', 'sleep', '1000']);
    await until('two probes', async () => (await health('hsp')).Log.length >= 2);
    const h = await health('hsp');
    assert.equal(h.Status, 'starting');
    assert.equal(h.FailingStreak, 0);
    await docker(['rm', '-f', 'hsp']);
  });

  test("the image's HEALTHCHECK is used, create flags override its parts", async (t) => {
    if (skip) return t.skip();
    await docker(['create', '--name', 'hbase', 'busybox', 'sleep', '1000']);
    assert.equal((await docker(['commit', '--change', 'HEALTHCHECK --interval=1s CMD echo imagehc', 'hbase', 'hcimg:1'])).code, 0);
    await docker(['run', '-d', '--name', 'himg', 'hcimg:1']);
    await until('healthy', async () => (await health('himg')).Status === 'healthy');
    assert.equal((await health('himg')).Log[0]!.Output, 'imagehc\n');
    await docker(['create', '--name', 'himg2', '--health-interval', '2s', 'hcimg:1']);
    assert.equal((await docker(['inspect', '-f', '{{json .Config.Healthcheck}}', 'himg2'])).stdout.trim(), '{"Test":["CMD-SHELL","echo imagehc"],"Interval":2000000000}');
    await docker(['rm', '-f', 'himg', 'himg2', 'hbase']);
    await docker(['rmi', 'hcimg:1']);
  });

  test('--no-healthcheck and containers without a healthcheck have no Health', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'hno', '--no-healthcheck', 'busybox', 'sleep', '1000']);
    assert.equal((await docker(['inspect', '-f', '{{.State.Health}}', 'hno'])).stdout.trim(), '<nil>');
    assert.match((await docker(['ps', '--filter', 'health=none', '--format', '{{.Names}} {{.Status}}'])).stdout, /^hno Up [^(]*$/m);
    await docker(['rm', '-f', 'hno']);
  });
});
