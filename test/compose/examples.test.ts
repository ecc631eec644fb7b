// Integration: the examples under examples/compose/ through `pier compose` against a private
// pierd with the busybox fixture (root needed): web + kv counter (build, user network, DNS by
// service name, published port, named volume surviving down but not down -v), a service
// scaled to 3 behind one name, depends_on service_healthy, plus a 5-service up/down timing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { repoRoot, runPier, startBusyboxDaemon, type TestDaemon } from '../harness/index.js';

function get(port: number, p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 5000 }, (res) => {
      let s = '';
      res.on('data', (c: Buffer) => (s += c.toString()));
      res.on('end', () => resolve(s));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

describe('compose examples (pierd)', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  const examples = path.join(repoRoot(), 'examples', 'compose');
  const port = 20000 + Math.floor(Math.random() * 20000);
  before(async (t) => {
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'compose' }));
  });
  after(async () => {
    await d?.stop();
  });
  const compose = async (dir: string, args: string[], expectOk = true) => {
    const r = await runPier(d, ['compose', ...args], { cwd: path.join(examples, dir), env: { WEB_PORT: String(port) }, timeoutMs: 120_000 });
    if (expectOk) assert.equal(r.code, 0, `pier compose ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const inspect = async (name: string) => JSON.parse((await runPier(d, ['inspect', name])).stdout)[0] as { State: { StartedAt: string; Health?: { Log: { End: string; ExitCode: number }[] } }; Config: { Labels: Record<string, string> }; NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> } };

  test('counter: web asks kv by name; the count survives down + up, not down -v', async (t) => {
    if (skip) return t.skip();
    const up = await compose('counter', ['up', '-d']);
    assert.match(up.stderr, / Container counter-kv-1 {2}Healthy\n/);
    assert.match(await get(port, '/cgi-bin/count'), /seen 1 times/);
    assert.match(await get(port, '/cgi-bin/count'), /seen 2 times/);
    const kv = await inspect('counter-kv-1');
    assert.equal(kv.Config.Labels['com.docker.compose.project'], 'counter');
    assert.equal(kv.Config.Labels['com.docker.compose.service'], 'kv');
    assert.equal(kv.Config.Labels['com.docker.compose.container-number'], '1');
    assert.equal(kv.Config.Labels['com.docker.compose.oneoff'], 'False');
    assert.ok(kv.NetworkSettings.Networks.counter_back?.Aliases?.includes('kv'));
    // A second up changes nothing.
    const again = await compose('counter', ['up', '-d']);
    assert.doesNotMatch(again.stderr, /Recreate|Creating/);
    await compose('counter', ['down']);
    assert.equal((await runPier(d, ['ps', '-aq'])).stdout, '');
    await compose('counter', ['up', '-d']);
    assert.match(await get(port, '/cgi-bin/count'), /seen 3 times/);
    const down = await compose('counter', ['down', '-v']);
    assert.match(down.stderr, / Volume "counter_counter" {2}Removed\n/);
    await compose('counter', ['up', '-d']);
    assert.match(await get(port, '/cgi-bin/count'), /seen 1 times/);
    await compose('counter', ['down', '-v', '--rmi', 'local']);
    assert.equal((await runPier(d, ['network', 'ls', '-q', '--filter', 'label=com.docker.compose.project=counter'])).stdout.trim(), '');
  });

  test('scaled: three replicas behind one name, the client resolves all three', async (t) => {
    if (skip) return t.skip();
    await compose('scaled', ['up', '-d']);
    const ps = await compose('scaled', ['ps', '--format', 'json']);
    const rows = ps.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Name: string; Service: string });
    assert.deepEqual(rows.map((r) => r.Name), ['scaled-client-1', 'scaled-echo-1', 'scaled-echo-2', 'scaled-echo-3']);
    // nslookup until the answer has `want` addresses (a few tries: DNS records follow container starts).
    const lookup = async (want: number) => {
      let last = '';
      for (let i = 0; i < 10; i++) {
        const r = await compose('scaled', ['exec', '-T', 'client', 'nslookup', 'echo'], false);
        last = `code ${r.code}\n${r.stdout}${r.stderr}`;
        const addrs = new Set([...r.stdout.matchAll(/Name:\s+echo\nAddress:?\s+(\S+)/g)].map((m) => m[1]));
        if (addrs.size === want) return addrs;
        await new Promise((res) => setTimeout(res, 500));
      }
      assert.fail(`nslookup echo never gave ${want} addresses:\n${last}`);
    };
    await lookup(3);
    const scaled = await compose('scaled', ['up', '-d', '--scale', 'echo=1']);
    assert.match(scaled.stderr, / Container scaled-echo-3 {2}Removed\n/);
    assert.equal((await compose('scaled', ['ps', '-q', 'echo'])).stdout.trim().split('\n').length, 1);
  });

  test('scaled: after scaling down, the name resolves to the remaining replica', async (t) => {
    if (skip) return t.skip();
    try {
      const r = await compose('scaled', ['exec', '-T', 'client', 'nslookup', 'echo'], false);
      assert.equal([...r.stdout.matchAll(/Name:\s+echo/g)].length, 1, r.stdout + r.stderr);
    } finally {
      await compose('scaled', ['down']);
    }
  });

  test('healthy: app starts only after db is healthy', async (t) => {
    if (skip) return t.skip();
    const up = await compose('healthy', ['up', '-d']);
    assert.match(up.stderr, / Container healthy-db-1 {2}Waiting\n Container healthy-db-1 {2}Healthy\n[^]* Container healthy-app-1 {2}Started\n/);
    const db = await inspect('healthy-db-1');
    const app = await inspect('healthy-app-1');
    const firstHealthy = db.State.Health!.Log.find((l) => l.ExitCode === 0)!;
    assert.ok(Date.parse(app.State.StartedAt) >= Date.parse(firstHealthy.End) - 5, `app started ${app.State.StartedAt}, db healthy ${firstHealthy.End}`);
    assert.match((await compose('healthy', ['logs', '--no-color', 'app'])).stdout, /^app-1 {2}\| app started\n/);
    await compose('healthy', ['down']);
  });

  test('bad input leaves nothing down cannot remove; a taken port fails clearly', async (t) => {
    if (skip) return t.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-compose-bad-'));
    try {
      const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runPier(d, ['compose', ...args], { cwd: dir, env, timeoutMs: 60_000 });
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  a:\n    image: busybox\n    command: ["sleep", "60"]\n    ports: ["127.0.0.1:${P}:80"]\n');
      const first = await run(['-p', 'one', 'up', '-d'], { P: String(port + 1) });
      assert.equal(first.code, 0, first.stderr);
      const second = await run(['-p', 'two', 'up', '-d'], { P: String(port + 1) });
      assert.notEqual(second.code, 0);
      assert.match(second.stderr, /address already in use|port is already allocated/);
      const down = await run(['-p', 'two', 'down'], { P: String(port + 1) });
      assert.equal(down.code, 0, down.stderr);
      assert.equal((await runPier(d, ['ps', '-aq', '--filter', 'label=com.docker.compose.project=two'])).stdout, '');
      await run(['-p', 'one', 'down'], { P: String(port + 1) });
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  a:\n    image: busybox\n    environment:\n      X: ${NEEDED:?NEEDED must be set}\n');
      const req = await run(['up', '-d']);
      assert.equal(req.code, 1);
      assert.match(req.stderr, /NEEDED must be set/);
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  a:\n    build: ./nope\n');
      const ctxMissing = await run(['up', '-d']);
      assert.equal(ctxMissing.code, 1);
      assert.match(ctxMissing.stderr, /nope/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('timing: up -d and down of a 5-service project', async (t) => {
    if (skip) return t.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-compose-five-'));
    try {
      const svc = (n: string, extra = '') => `  ${n}:\n    image: busybox\n    init: true\n    command: ["sleep", "3600"]\n${extra}`;
      fs.writeFileSync(path.join(dir, 'compose.yaml'), `services:\n${['a', 'b', 'c', 'd'].map((n) => svc(n)).join('')}${svc('e', '    depends_on: [a]\n')}`);
      const times: string[] = [];
      for (let i = 0; i < 3; i++) {
        const u = await runPier(d, ['compose', 'up', '-d'], { cwd: dir });
        assert.equal(u.code, 0, u.stderr);
        const dn = await runPier(d, ['compose', 'down'], { cwd: dir });
        assert.equal(dn.code, 0, dn.stderr);
        times.push(`up ${Math.round(u.ms)} ms, down ${Math.round(dn.ms)} ms`);
      }
      t.diagnostic(`5 services: ${times.join('; ')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
