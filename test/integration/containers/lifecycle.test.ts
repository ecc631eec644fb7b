// Integration: the container service through a real pierd (runc + conmon + overlay) — states,
// exit codes, events, logs, attach before start, auto-remove, re-adoption after a crash.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { apiRequest, runDocker, type TestDaemon, startBusyboxDaemon } from '../../harness/index.js';

const inspect = async (d: TestDaemon, ref: string) => {
  const r = await apiRequest(d.socket, 'GET', `/containers/${ref}/json`);
  assert.equal(r.status, 200, r.body);
  return r.json() as { Id: string; State: Record<string, unknown>; Config: Record<string, unknown>; HostConfig: Record<string, unknown>; NetworkSettings: { Networks: Record<string, unknown> }; Name: string; LogPath: string };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('containers (pierd)', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  before(async (t) => {
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'ctr' }));
  });
  after(async () => {
    await d?.stop();
  });
  const docker = (args: string[], input?: string) => runDocker(d, args, { input });

  test('run: output, exit codes, unknown command (127, Docker wording)', async (t) => {
    if (skip) return t.skip();
    let r = await docker(['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.deepEqual([r.code, r.stdout], [0, 'hi\n']);
    r = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
    r = await docker(['run', '--name', 'nosuchcmd', 'busybox', 'nosuch']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /failed to create task for container: .*exec: "nosuch": executable file not found in \$PATH: unknown/);
    const i = await inspect(d, 'nosuchcmd');
    assert.deepEqual([i.State.Status, i.State.ExitCode], ['created', 127]);
    assert.match(String(i.State.Error), /executable file not found/);
    assert.equal((await docker(['rm', 'nosuchcmd'])).code, 0);
  });

  test('stdin through attach-before-start (docker run -i)', async (t) => {
    if (skip) return t.skip();
    const r = await docker(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'cat; echo done'], 'line1\nline2\n');
    assert.deepEqual([r.code, r.stdout], [0, 'line1\nline2\ndone\n']);
  });

  test('detached: ps status, logs, stop emits kill, die, stop in order', async (t) => {
    if (skip) return t.skip();
    const since = Math.floor(Date.now() / 1000) - 1;
    const id = (await docker(['run', '-d', '--name', 'tick', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; i=0; while true; do i=$((i+1)); echo t$i; sleep 0.2; done'])).stdout.trim();
    await sleep(700);
    assert.match((await docker(['ps', '--format', '{{.Names}} {{.Status}}'])).stdout, /^tick Up /m);
    const logs = await docker(['logs', '--tail', '1', '-t', 'tick']);
    assert.match(logs.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z t\d+\n$/);
    const r = await docker(['stop', 'tick']);
    assert.equal(r.code, 0);
    const i = await inspect(d, id);
    assert.deepEqual([i.State.Status, i.State.ExitCode, i.State.Running], ['exited', 0, false]);
    const ev = await docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${id}`, '--format', '{{.Action}}']);
    const actions = ev.stdout.trim().split('\n');
    assert.deepEqual(actions.filter((a) => ['create', 'start', 'kill', 'die', 'stop'].includes(a)), ['create', 'start', 'kill', 'die', 'stop']);
    await docker(['rm', 'tick']);
  });

  test('logs -f follows until the container exits', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'follow', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo l$i; sleep 0.3; done']);
    const r = await docker(['logs', '-f', 'follow']);
    assert.deepEqual([r.code, r.stdout], [0, 'l1\nl2\nl3\n']);
    await docker(['rm', 'follow']);
  });

  test('--rm containers are gone after exit and after stop', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '--rm', '--name', 'gone', 'busybox', 'true']);
    assert.equal((await apiRequest(d.socket, 'GET', '/containers/gone/json')).status, 404);
    await docker(['run', '-d', '--rm', '--name', 'gone2', 'busybox', 'sleep', '100']);
    await docker(['stop', '-t', '1', 'gone2']);
    assert.equal((await apiRequest(d.socket, 'GET', '/containers/gone2/json')).status, 404);
  });

  test('--rm: the rw layer is mounted volatile, and survives a restart (remounted)', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--rm', '--name', 'vol', 'busybox', 'sleep', '100']);
    const c = (await inspect(d, 'vol')) as unknown as { GraphDriver: { Name: string; Data: { MergedDir?: string } } };
    if (c.GraphDriver.Name === 'overlay2') {
      const dir = c.GraphDriver.Data.MergedDir;
      const line = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.split(' ')[4] === dir);
      assert.match(line ?? '', /volatile/);
    }
    assert.equal((await docker(['restart', '-t', '1', 'vol'])).code, 0);
    assert.equal((await docker(['exec', 'vol', 'sh', '-c', 'echo x > /f; cat /f'])).stdout, 'x\n');
    await docker(['rm', '-f', 'vol']);
    assert.equal((await apiRequest(d.socket, 'GET', '/containers/vol/json')).status, 404);
  });

  test('inspect: network mode none, hostname, etc files, limits', async (t) => {
    if (skip) return t.skip();
    const r = await docker(['run', '--name', 'insp', '--network', 'none', '-m', '64m', '--add-host', 'db:10.9.8.7', '--dns', '10.1.1.1', 'busybox', 'sh', '-c', 'cat /etc/hosts /etc/resolv.conf; hostname; ip -o link | wc -l']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^127\.0\.0\.1\tlocalhost$/m);
    assert.match(r.stdout, /^10\.9\.8\.7\tdb$/m);
    assert.match(r.stdout, /^nameserver 10\.1\.1\.1$/m);
    const i = await inspect(d, 'insp');
    assert.match(r.stdout, new RegExp(`^${i.Id.slice(0, 12)}\\n1\\n$`, 'm'));
    assert.deepEqual(Object.keys(i.NetworkSettings.Networks), ['none']);
    assert.equal(i.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(i.Name, '/insp');
    await docker(['rm', 'insp']);
  });

  test('pause/unpause, rename, kill messages', async (t) => {
    if (skip) return t.skip();
    const id = (await docker(['run', '-d', '--name', 'pz', 'busybox', 'sleep', '100'])).stdout.trim();
    assert.equal((await docker(['pause', 'pz'])).code, 0);
    assert.match((await docker(['pause', 'pz'])).stderr, new RegExp(`Container ${id} is already paused`));
    assert.match((await docker(['ps', '--format', '{{.Status}}', '--filter', 'name=pz'])).stdout, /\(Paused\)/);
    assert.equal((await docker(['unpause', 'pz'])).code, 0);
    assert.match((await docker(['unpause', 'pz'])).stderr, new RegExp(`Container ${id} is not paused`));
    assert.match((await docker(['rename', 'pz', 'pz'])).stderr, /Renaming a container with the same name as its current name/);
    assert.equal((await docker(['rename', 'pz', 'pz2'])).code, 0);
    assert.equal((await docker(['kill', 'pz2'])).code, 0);
    assert.equal((await inspect(d, id)).State.ExitCode, 137);
    assert.match((await docker(['kill', 'pz2'])).stderr, new RegExp(`Container ${id} is not running`));
    await docker(['rm', 'pz2']);
  });

  test('commit and export', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '--name', 'cm', 'busybox', 'sh', '-c', 'echo data > /file']);
    const c = await docker(['commit', '-c', 'CMD ["cat","/file"]', 'cm', 'committed:1']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await docker(['run', '--rm', 'committed:1'])).stdout, 'data\n');
    const ex = await docker(['export', 'cm']);
    assert.ok(ex.stdoutBytes.includes(Buffer.from('file')));
    await docker(['rm', 'cm']);
    await docker(['rmi', 'committed:1']);
  });

  test('re-adoption after a daemon crash; exits while down are recorded', async (t) => {
    if (skip) return t.skip();
    const long = (await docker(['run', '-d', '--name', 'long', 'busybox', 'sleep', '300'])).stdout.trim();
    const short = (await docker(['run', '-d', '--name', 'short', 'busybox', 'sh', '-c', 'sleep 1; exit 9'])).stdout.trim();
    await d.kill9();
    await sleep(1500);
    await d.restart();
    assert.equal((await inspect(d, long)).State.Running, true);
    const s = await inspect(d, short);
    assert.deepEqual([s.State.Running, s.State.ExitCode], [false, 9]);
    const w = await docker(['stop', '-t', '1', 'long']);
    assert.equal(w.code, 0);
    assert.equal((await inspect(d, long)).State.Running, false);
    await docker(['rm', 'long', 'short']);
  });

  test('daemon start removes --rm containers that exited while it was down or were never started', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--rm', '--name', 'rmdown', 'busybox', 'sleep', '1']);
    await docker(['create', '--rm', '--name', 'rmcreated', 'busybox', 'true']);
    await d.kill9();
    await sleep(1500);
    await d.restart();
    assert.equal((await apiRequest(d.socket, 'GET', '/containers/rmdown/json')).status, 404);
    assert.equal((await apiRequest(d.socket, 'GET', '/containers/rmcreated/json')).status, 404);
    const ls = await docker(['ps', '-a', '--format', '{{.Names}}']);
    assert.ok(!/rmdown|rmcreated/.test(ls.stdout), ls.stdout);
  });
});
