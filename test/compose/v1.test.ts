// Integration: Debian's docker-compose 1.29.2 (the Python "v1") against a private daemon —
// pierd by default, real dockerd with PIER_TEST_ENGINE=docker — with a v2.4 and a v3.8 file:
// up -d, ps, logs, exec -T (it shells out to the docker CLI), run --rm, depends_on with
// service_healthy, a published port fetched from the host, service-name DNS, --scale with DNS
// round robin, stop/start/restart, down -v. Fixtures: test/compose/v1-fixtures/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { apiRequest, engineUnderTest, repoRoot, runCommand, type CliResult, type Skippable, type TestDaemon, skipUnless, startBusyboxDaemon } from '../harness/index.js';

const COMPOSE_V1 = process.env.PIER_TEST_COMPOSE_V1 || '/usr/bin/docker-compose';

/** Why docker-compose v1 cannot run here, or null. */
function composeV1Missing(): string | null {
  return fs.existsSync(COMPOSE_V1) ? null : `docker-compose v1 not installed (${COMPOSE_V1})`;
}

/** Copies the fixture `name` into a fresh temporary project directory and returns its path. */
function projectDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pier-c1-${name}-`));
  fs.cpSync(path.join(repoRoot(), 'test', 'compose', 'v1-fixtures', name), dir, { recursive: true });
  return dir;
}

/** GET http://127.0.0.1:port/ with Node's client; resolves with the body. */
function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET 127.0.0.1:${port}: timeout`)));
    req.on('error', reject);
  });
}

/** The addresses an `nslookup` answer lists for the name (the server's own line excluded). */
function lookedUp(out: string): string[] {
  const after = out.split(/\n\s*\n/).slice(1).join('\n');
  return [...after.matchAll(/^Address(?: \d+)?:\s*([0-9.]+)$/gm)].map((m) => m[1]!).sort();
}

interface Inspected {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; StartedAt: string; Health?: { Status: string } };
  Config: { Labels: Record<string, string> };
  NetworkSettings: { Networks: Record<string, { IPAddress: string; Aliases: string[] | null }> };
}

describe('docker-compose v1 against the engine', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  const dirs: string[] = [];

  before(async (t) => {
    if (skipUnless(t as unknown as Skippable, composeV1Missing())) {
      skip = true;
      return;
    }
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'composev1' }));
  });
  after(async () => {
    await d?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs docker-compose in `dir` with project name `project` against the test daemon. */
  const compose = (dir: string, project: string, args: string[], timeoutMs = 90_000): Promise<CliResult> =>
    runCommand(COMPOSE_V1, ['--ansi', 'never', '-p', project, ...args], d.env, { cwd: dir, timeoutMs, env: { COMPOSE_HTTP_TIMEOUT: '120' } });
  const ok = async (dir: string, project: string, args: string[]): Promise<CliResult> => {
    const r = await compose(dir, project, args);
    assert.equal(r.code, 0, `docker-compose ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
    return r;
  };
  const inspect = async (name: string): Promise<Inspected> => {
    const r = await apiRequest(d.socket, 'GET', `/containers/${name}/json`);
    assert.equal(r.status, 200, `inspect ${name}: ${r.body}`);
    return r.json<Inspected>();
  };
  const exists = async (kind: 'networks' | 'volumes', name: string): Promise<boolean> =>
    (await apiRequest(d.socket, 'GET', `/${kind}/${name}`)).status === 200;
  const projectContainers = async (project: string): Promise<string[]> => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
    const r = await apiRequest(d.socket, 'GET', `/containers/json?all=1&filters=${filters}`);
    return r.json<{ Names: string[] }[]>().map((c) => c.Names[0]!.slice(1)).sort();
  };

  describe('file format 2.4', { concurrency: false }, () => {
    let dir = '';
    const P = 'c1v24';

    test('up -d: network, volume, containers; depends_on waits for service_healthy', async (t) => {
      if (skip) return t.skip();
      dir = projectDir('v24');
      dirs.push(dir);
      await ok(dir, P, ['up', '-d']);
      assert.deepEqual(await projectContainers(P), [`${P}_client_1`, `${P}_web_1`]);
      assert.ok(await exists('networks', `${P}_default`), 'default network created');
      assert.ok(await exists('volumes', `${P}_data`), 'named volume created');
      const web = await inspect(`${P}_web_1`);
      const client = await inspect(`${P}_client_1`);
      assert.equal(web.State.Running, true);
      assert.equal(client.State.Running, true);
      assert.equal(web.Config.Labels['com.docker.compose.service'], 'web');
      assert.equal(web.State.Health?.Status, 'healthy');
      assert.ok(Date.parse(client.State.StartedAt) > Date.parse(web.State.StartedAt), 'client started after web');
      const aliases = web.NetworkSettings.Networks[`${P}_default`]?.Aliases ?? [];
      assert.ok(aliases.includes('web'), `service name among the aliases: ${JSON.stringify(aliases)}`);
    });

    test('ps lists both services Up', async (t) => {
      if (skip) return t.skip();
      const r = await ok(dir, P, ['ps']);
      assert.match(r.stdout, new RegExp(`^${P}_web_1\\s.*\\sUp \\(healthy\\)\\s.*->80/tcp`, 'm'));
      assert.match(r.stdout, new RegExp(`^${P}_client_1\\s.*\\sUp\\s`, 'm'));
      const q = await ok(dir, P, ['ps', '-q']);
      assert.equal(q.stdout.trim().split('\n').length, 2);
    });

    test('logs shows each service with its prefix', async (t) => {
      if (skip) return t.skip();
      // v1 prefixes lines with the container name without the project ("web_1").
      const r = await ok(dir, P, ['logs', '--no-color']);
      assert.match(r.stdout, /^web_1\s+\| web ready$/m);
      assert.match(r.stdout, /^client_1\s+\| client up$/m);
      const one = await ok(dir, P, ['logs', '--no-color', 'client']);
      assert.doesNotMatch(one.stdout, /web ready/);
    });

    test('exec -T: output, environment and exit code (through the docker CLI)', async (t) => {
      if (skip) return t.skip();
      const r = await ok(dir, P, ['exec', '-T', 'client', 'sh', '-c', 'echo hi; echo role=$ROLE']);
      assert.equal(r.stdout, 'hi\nrole=client\n');
      const bad = await compose(dir, P, ['exec', '-T', 'client', 'sh', '-c', 'exit 3']);
      assert.equal(bad.code, 3);
    });

    test('a service reaches another by its service name', async (t) => {
      if (skip) return t.skip();
      const r = await ok(dir, P, ['exec', '-T', 'client', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 web 80']);
      assert.match(r.stdout, /^HTTP\/1\.[01] 200/);
      assert.match(r.stdout, /hello from /);
    });

    test('the published port answers on 127.0.0.1', async (t) => {
      if (skip) return t.skip();
      // The harness runs dockerd with --iptables=false --userland-proxy=false: nothing forwards.
      if (engineUnderTest() === 'docker') return t.skip('reference dockerd runs without iptables and userland proxy');
      const r = await ok(dir, P, ['port', 'web', '80']);
      const port = Number(/:(\d+)\s*$/.exec(r.stdout)?.[1]);
      assert.ok(port > 0, `port: ${r.stdout}`);
      assert.match(await httpGet(port), /^hello from /);
    });

    test('run --rm: a one-off container, removed afterwards', async (t) => {
      if (skip) return t.skip();
      const r = await ok(dir, P, ['run', '--rm', '-T', 'client', 'sh', '-c', 'echo from-run; nslookup web >/dev/null && echo dns-ok']);
      assert.equal(r.stdout, 'from-run\ndns-ok\n');
      const exit = await compose(dir, P, ['run', '--rm', '-T', 'client', 'sh', '-c', 'exit 4']);
      assert.equal(exit.code, 4);
      assert.deepEqual(await projectContainers(P), [`${P}_client_1`, `${P}_web_1`], 'no one-off container left');
    });

    test('a changed service is recreated (others up-to-date); --force-recreate keeps the named volume', async (t) => {
      if (skip) return t.skip();
      const webId = (await inspect(`${P}_web_1`)).Id;
      const clientId = (await inspect(`${P}_client_1`)).Id;
      const file = path.join(dir, 'docker-compose.yml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('ROLE: client', 'ROLE: client2'));
      const r = await ok(dir, P, ['up', '-d']);
      assert.match(r.stderr, new RegExp(`Recreating ${P}_client_1 \\.\\.\\. done`), r.stderr);
      assert.equal((await inspect(`${P}_web_1`)).Id, webId, 'web untouched');
      assert.notEqual((await inspect(`${P}_client_1`)).Id, clientId, 'client recreated');
      assert.deepEqual(await projectContainers(P), [`${P}_client_1`, `${P}_web_1`], 'the renamed predecessor is gone');
      assert.equal((await ok(dir, P, ['exec', '-T', 'client', 'sh', '-c', 'echo $ROLE'])).stdout, 'client2\n');
      await ok(dir, P, ['exec', '-T', 'web', 'sh', '-c', 'echo kept > /data/f']);
      await ok(dir, P, ['up', '-d', '--force-recreate', '--no-deps', 'web']);
      assert.notEqual((await inspect(`${P}_web_1`)).Id, webId, 'web recreated');
      assert.equal((await ok(dir, P, ['exec', '-T', 'web', 'cat', '/data/f'])).stdout, 'kept\n');
    });

    test('pause/unpause, top, kill and rm of one service', async (t) => {
      if (skip) return t.skip();
      await ok(dir, P, ['pause', 'client']);
      assert.equal((await inspect(`${P}_client_1`)).State.Status, 'paused');
      assert.match((await ok(dir, P, ['ps', 'client'])).stdout, /\sPaused\s/);
      await ok(dir, P, ['unpause', 'client']);
      assert.equal((await inspect(`${P}_client_1`)).State.Status, 'running');
      assert.match((await ok(dir, P, ['top', 'client'])).stdout, /sleep 3600/);
      await ok(dir, P, ['kill', 'client']);
      assert.equal((await inspect(`${P}_client_1`)).State.Status, 'exited');
      await ok(dir, P, ['rm', '-f', 'client']);
      assert.deepEqual(await projectContainers(P), [`${P}_web_1`]);
      await ok(dir, P, ['up', '-d']);
      assert.deepEqual(await projectContainers(P), [`${P}_client_1`, `${P}_web_1`]);
    });

    test('up -d --scale web=3: three replicas, DNS round robin over all three', async (t) => {
      if (skip) return t.skip();
      await ok(dir, P, ['up', '-d', '--scale', 'web=3']);
      assert.deepEqual(await projectContainers(P), [`${P}_client_1`, `${P}_web_1`, `${P}_web_2`, `${P}_web_3`]);
      const ips: string[] = [];
      for (const n of [1, 2, 3]) ips.push((await inspect(`${P}_web_${n}`)).NetworkSettings.Networks[`${P}_default`]!.IPAddress);
      const r = await ok(dir, P, ['exec', '-T', 'client', 'nslookup', 'web']);
      assert.deepEqual(lookedUp(r.stdout), ips.sort(), r.stdout);
      const hosts = new Set<string>();
      for (let i = 0; i < 12 && hosts.size < 2; i++) {
        const g = await ok(dir, P, ['exec', '-T', 'client', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 web 80']);
        hosts.add(/hello from (\S+)/.exec(g.stdout)?.[1] ?? '');
      }
      assert.ok(hosts.size >= 2, `requests to "web" reached more than one replica: ${[...hosts].join(',')}`);
    });

    test('stop, start, restart', async (t) => {
      if (skip) return t.skip();
      await ok(dir, P, ['stop', '-t', '2']);
      for (const n of [`${P}_web_1`, `${P}_web_3`, `${P}_client_1`]) assert.equal((await inspect(n)).State.Status, 'exited', n);
      const ps = await ok(dir, P, ['ps']);
      assert.match(ps.stdout, new RegExp(`^${P}_web_1\\s.*\\sExit \\d+`, 'm'));
      await ok(dir, P, ['start']);
      for (const n of [`${P}_web_1`, `${P}_web_2`, `${P}_client_1`]) assert.equal((await inspect(n)).State.Running, true, n);
      const before = (await inspect(`${P}_client_1`)).State.StartedAt;
      await ok(dir, P, ['restart', '-t', '2']);
      const c = await inspect(`${P}_client_1`);
      assert.equal(c.State.Running, true);
      assert.notEqual(c.State.StartedAt, before, 'restarted');
      const r = await ok(dir, P, ['exec', '-T', 'client', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 web 80']);
      assert.match(r.stdout, /hello from /, 'DNS and the network work after a restart');
    });

    test('down -v: containers, network and volume gone', async (t) => {
      if (skip) return t.skip();
      await ok(dir, P, ['down', '-v', '-t', '2']);
      assert.deepEqual(await projectContainers(P), []);
      assert.equal(await exists('networks', `${P}_default`), false, 'network removed');
      assert.equal(await exists('volumes', `${P}_data`), false, 'volume removed');
    });
  });

  describe('file format 3.8', { concurrency: false }, () => {
    let dir = '';
    const P = 'c1v3';

    test('up -d: user network with an alias, shared named volume, depends_on order', async (t) => {
      if (skip) return t.skip();
      dir = projectDir('v3');
      dirs.push(dir);
      await ok(dir, P, ['up', '-d']);
      assert.deepEqual(await projectContainers(P), [`${P}_api_1`, `${P}_worker_1`]);
      assert.ok(await exists('networks', `${P}_back`), 'user network created');
      assert.equal(await exists('networks', `${P}_default`), false, 'no default network when every service names its own');
      assert.ok(await exists('volumes', `${P}_shared`));
      const api = await inspect(`${P}_api_1`);
      const worker = await inspect(`${P}_worker_1`);
      assert.ok(Date.parse(worker.State.StartedAt) >= Date.parse(api.State.StartedAt), 'worker started after api');
      const aliases = api.NetworkSettings.Networks[`${P}_back`]?.Aliases ?? [];
      assert.ok(aliases.includes('api') && aliases.includes('backend'), JSON.stringify(aliases));
    });

    test('the worker reaches the api by service name and by alias; the volume is shared', async (t) => {
      if (skip) return t.skip();
      for (const name of ['api', 'backend']) {
        const r = await ok(dir, P, ['exec', '-T', 'worker', 'sh', '-c', `printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 ${name} 8080`]);
        assert.match(r.stdout, /api-answer/, name);
      }
      const f = await ok(dir, P, ['exec', '-T', 'api', 'cat', '/shared/w']);
      assert.equal(f.stdout, 'from-worker\n');
    });

    test('run --rm joins the user network', async (t) => {
      if (skip) return t.skip();
      const r = await ok(dir, P, ['run', '--rm', '--no-deps', '-T', 'worker', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 api 8080']);
      assert.match(r.stdout, /api-answer/);
    });

    test('down -v removes the user network and the volume', async (t) => {
      if (skip) return t.skip();
      await ok(dir, P, ['down', '-v', '-t', '2']);
      assert.deepEqual(await projectContainers(P), []);
      assert.equal(await exists('networks', `${P}_back`), false);
      assert.equal(await exists('volumes', `${P}_shared`), false);
    });
  });
  describe('build and a foreground up', { concurrency: false }, () => {
    let dir = '';
    const P = 'c1fg';

    test('build (legacy builder), then up --abort-on-container-exit --exit-code-from', async (t) => {
      if (skip) return t.skip();
      dir = projectDir('fg');
      dirs.push(dir);
      const b = await ok(dir, P, ['build']);
      assert.match(b.stdout + b.stderr, /Successfully tagged c1fg-app:test/);
      const r = await compose(dir, P, ['up', '--abort-on-container-exit', '--exit-code-from', 'job']);
      assert.equal(r.code, 5, `${r.stderr}\n${r.stdout}`);
      assert.match(r.stdout, /^app_1\s+\| built-by-compose$/m);
      assert.match(r.stdout, /^job_1\s+\| job-output$/m);
      assert.equal((await inspect(`${P}_app_1`)).State.Running, false, 'the others are stopped on abort');
      await ok(dir, P, ['down', '--rmi', 'local', '-t', '2']);
      assert.deepEqual(await projectContainers(P), []);
      assert.equal((await apiRequest(d.socket, 'GET', '/images/c1fg-app:test/json')).status, 200, '--rmi local keeps an image with a custom name');
    });
  });
});
