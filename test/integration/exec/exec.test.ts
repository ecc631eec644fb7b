// Integration: `docker exec` through the real docker CLI (and docker-py, and the raw API)
// against a private daemon — pierd by default, real dockerd with PIER_TEST_ENGINE=docker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { apiRequest, dockerPyMissing, engineUnderTest, runCommand, runDocker, runDockerPy, type TestDaemon, startBusyboxDaemon } from '../../harness/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many runtime processes (`… exec --process <execs>/<id>.json …`) exist for exec `id`. */
async function runtimesWaitingFor(id: string): Promise<number> {
  const r = await runCommand('pgrep', ['-f', `exec --process .*/${id}\\.json`], process.env, { timeoutMs: 10_000 });
  return r.stdout.split('\n').filter(Boolean).length;
}

describe('exec', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  const engine = engineUnderTest();
  const docker = (args: string[], input?: string, timeoutMs?: number) => runDocker(d, args, { input, timeoutMs });
  /** Runs a shell command line under a pseudo-terminal (`script`). */
  const inPty = (line: string) => runCommand('script', ['-qec', line, '/dev/null'], d.env, { timeoutMs: 30_000 });

  before(async (t) => {
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'exec' }));
    if (skip) return;
    const r = await docker(['run', '-d', '--name', 'ex1', '--network', 'none', '-e', 'FROMCTR=1', '-e', 'OVER=ctr', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d?.stop();
  });

  test('echo, exit code, stdout and stderr apart', async (t) => {
    if (skip) return t.skip();
    const r = await docker(['exec', 'ex1', 'echo', 'hi']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'hi\n', '']);
    assert.equal((await docker(['exec', 'ex1', 'sh', '-c', 'exit 7'])).code, 7);
    const both = await docker(['exec', 'ex1', 'sh', '-c', 'echo out; echo err >&2']);
    assert.deepEqual([both.stdout, both.stderr], ['out\n', 'err\n']);
  });

  test('-e, -w, -u and the container defaults', async (t) => {
    if (skip) return t.skip();
    const env = (await docker(['exec', '-e', 'FOO=bar', '-e', 'OVER=exec', 'ex1', 'env'])).stdout;
    assert.match(env, /^FOO=bar$/m);
    assert.match(env, /^FROMCTR=1$/m);
    assert.match(env, /^OVER=exec$/m);
    assert.match(env, /^PATH=/m);
    assert.doesNotMatch(env, /^TERM=/m);
    assert.equal((await docker(['exec', 'ex1', 'pwd'])).stdout, '/\n');
    assert.equal((await docker(['exec', '-w', '/tmp', 'ex1', 'pwd'])).stdout, '/tmp\n');
    assert.equal((await docker(['exec', '-u', '1000', 'ex1', 'id', '-u'])).stdout, '1000\n');
    assert.match((await docker(['exec', '-u', 'pier', 'ex1', 'id'])).stdout, /^uid=1000\(pier\) gid=1000\(pier\)/);
    assert.match((await docker(['exec', '-u', '0:1000', 'ex1', 'id'])).stdout, /^uid=0\(root\) gid=1000\(pier\)/);
    const bad = await docker(['exec', '-u', 'nobody2', 'ex1', 'id']);
    assert.equal(bad.code, 126);
    assert.match(bad.stdout + bad.stderr, /unable to find user nobody2: no matching entries in passwd file/);
  });

  test('container WorkingDir and User are the exec defaults', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'ex2', '--network', 'none', '-w', '/etc', '-u', '1000', 'busybox', 'sleep', '1000']);
    assert.equal((await docker(['exec', 'ex2', 'pwd'])).stdout, '/etc\n');
    assert.equal((await docker(['exec', 'ex2', 'id', '-u'])).stdout, '1000\n');
    assert.equal((await docker(['exec', '-u', '0', 'ex2', 'id', '-u'])).stdout, '0\n');
    await docker(['rm', '-f', 'ex2']);
  });

  test('-i pipes stdin and half-closes', async (t) => {
    if (skip) return t.skip();
    const r = await docker(['exec', '-i', 'ex1', 'cat'], 'hi\n');
    assert.deepEqual([r.code, r.stdout], [0, 'hi\n']);
    const wc = await docker(['exec', '-i', 'ex1', 'sh', '-c', 'wc -c; echo e >&2; exit 2'], 'x'.repeat(100_000));
    assert.deepEqual([wc.code, wc.stdout.trim(), wc.stderr], [2, '100000', 'e\n']);
  });

  test('attached exec: real pipes, byte-exact stderr, signal exit codes, concurrent sessions', async (t) => {
    if (skip) return t.skip();
    // Docker hands an exec pipes (FIFOs): /dev/stdout can be opened, `[ -p ]` holds.
    const p = await docker(['exec', 'ex1', 'sh', '-c', 'echo hi > /dev/stdout; echo e > /dev/stderr; [ -p /proc/self/fd/1 ] && [ -p /proc/self/fd/2 ] && echo pipes']);
    assert.deepEqual([p.code, p.stdout, p.stderr], [0, 'hi\npipes\n', 'e\n']);
    const big = await docker(['exec', 'ex1', 'sh', '-c', 'head -c 150000 /dev/urandom | base64 | tee /dev/stderr | md5sum']);
    assert.equal(big.code, 0);
    assert.equal(big.stdout.split(' ')[0], createHash('md5').update(big.stderr).digest('hex'));
    assert.equal((await docker(['exec', 'ex1', 'sh', '-c', 'kill -9 $$'])).code, 137);
    assert.equal((await docker(['exec', 'ex1', 'sh', '-c', 'kill -TERM $$'])).code, 143);
    // A program that prints what a runtime would and exits 255 is still just a program.
    const mimic = await docker(['exec', 'ex1', 'sh', '-c', 'echo "executable file \\`x\\` not found in \\$PATH: No such file or directory" >&2; exit 255']);
    assert.deepEqual([mimic.code, mimic.stdout, mimic.stderr], [255, '', 'executable file `x` not found in $PATH: No such file or directory\n']);
    const many = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => docker(['exec', 'ex1', 'sh', '-c', `echo ${i}; echo e${i} >&2; exit ${i}`])));
    assert.deepEqual(
      many.map((r) => [r.code, r.stdout, r.stderr]),
      [1, 2, 3, 4, 5, 6].map((i) => [i, `${i}\n`, `e${i}\n`]),
    );
  });

  test('a missing or non-directory -w fails like the runtime says, 126', async (t) => {
    if (skip) return t.skip();
    const r = await docker(['exec', '-w', '/nonexist', 'ex1', 'true']);
    assert.equal(r.code, 126);
    assert.match(r.stdout, /^OCI runtime exec failed: exec failed: .*chdir.*nonexist.*[Nn]o such file or directory/);
    assert.equal(r.stderr, '');
    const f = await docker(['exec', '-w', '/etc/passwd', 'ex1', 'true']);
    assert.equal(f.code, 126);
    assert.match(f.stdout, /[Nn]ot a directory/);
  });

  test('runc containers: attached exec, stdin, missing program', async (t) => {
    if (skip) return t.skip();
    const r = await docker(['run', '-d', '--name', 'ex5', '--runtime', 'runc', '--network', 'none', 'busybox', 'sleep', '1000']);
    if (r.code !== 0 && /unknown or invalid runtime name/.test(r.stderr)) return t.skip('runc is not configured');
    assert.equal(r.code, 0, r.stderr);
    try {
      const both = await docker(['exec', 'ex5', 'sh', '-c', 'echo out; echo err >&2; [ -p /proc/self/fd/1 ] && echo pipe; exit 5']);
      assert.deepEqual([both.code, both.stdout, both.stderr], [5, 'out\npipe\n', 'err\n']);
      assert.deepEqual((await docker(['exec', '-i', 'ex5', 'cat'], 'in\n')).stdout, 'in\n');
      const nf = await docker(['exec', 'ex5', 'nosuch']);
      assert.equal(nf.code, engine === 'docker' ? 126 : 127);
      assert.match(nf.stdout, /OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown/);
      assert.equal((await docker(['exec', 'ex5', 'sh', '-c', 'kill -9 $$'])).code, 137);
    } finally {
      await docker(['rm', '-f', 'ex5']);
    }
  });

  test('-d runs in the background', async (t) => {
    if (skip) return t.skip();
    const r = await docker(['exec', '-d', 'ex1', 'sh', '-c', 'sleep 0.3; echo done > /tmp/bg']);
    assert.deepEqual([r.code, r.stdout], [0, '']);
    await sleep(1200);
    assert.equal((await docker(['exec', 'ex1', 'cat', '/tmp/bg'])).stdout, 'done\n');
  });

  test('-t gives a terminal with the client size; exit code through the tty', async (t) => {
    if (skip) return t.skip();
    // crun 1.8.1 sizes an exec's terminal just after the process starts (runc before), so the
    // program reads the size after a moment; the size must come from the create, not a resize.
    const r = await inPty("stty rows 40 cols 120; docker exec -it ex1 sh -c 'sleep 0.2; stty size'; echo rc=$?");
    // API ≥ 1.42 sends the size with the create; dockerd 20.10 (1.41) races a later resize.
    if (engine === 'pier') assert.match(r.stdout, /40 120\r*\n/);
    assert.match(r.stdout, /rc=0/);
    assert.doesNotMatch(r.stdout, /connection reset/);
    const c = await inPty("docker exec -t ex1 sh -c 'tty; echo $TERM; exit 3'; echo rc=$?");
    assert.match(c.stdout, /\/dev\/pts\/\d+\r*\n/);
    assert.match(c.stdout, /xterm/);
    assert.match(c.stdout, /rc=3/);
  });

  test('-it: interactive shell, resize, detach with ctrl-p ctrl-q leaves the process running (tmux)', async (t) => {
    if (skip) return t.skip();
    if ((await runCommand('tmux', ['-V'], d.env)).code !== 0) return t.skip('tmux not installed');
    const session = `pierexec${process.pid}`;
    const tmux = (...args: string[]) => runCommand('tmux', args, d.env, { timeoutMs: 10_000 });
    const pane = async () => (await tmux('capture-pane', '-p', '-t', session)).stdout;
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(await pane()); i++) await sleep(100);
      return pane();
    };
    await tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', `docker exec -it ex1 sh; echo CLI-EXIT=$?; sleep 60`);
    try {
      await waitFor(/^\/ #/m);
      await tmux('send-keys', '-t', session, 'stty size; echo $((6*7))', 'Enter');
      assert.match(await waitFor(/^42$/m), /^30 100$/m);
      await tmux('resize-window', '-t', session, '-x', '90', '-y', '25');
      await sleep(300);
      await tmux('send-keys', '-t', session, 'echo $PPID-$$; stty size', 'Enter');
      assert.match(await waitFor(/^25 90$/m), /^25 90$/m);
      await tmux('send-keys', '-t', session, 'C-p', 'C-q');
      const out = await waitFor(/CLI-EXIT=/);
      assert.match(out, /read escape sequence/);
      assert.match(out, /CLI-EXIT=1/);
      assert.match((await docker(['exec', 'ex1', 'ps'])).stdout, /\d+ root\s+sh$/m);
      await docker(['exec', 'ex1', 'pkill', '-x', 'sh']);
    } finally {
      await tmux('kill-session', '-t', session);
    }
  });

  test('--privileged gets every capability, plain exec the container set', async (t) => {
    if (skip) return t.skip();
    if (engine === 'docker') return t.skip('docker 20.10 fails --privileged exec here ("unable to apply caps")');
    const capEff = (s: string) => /^CapEff:\s*([0-9a-f]+)$/m.exec(s)?.[1];
    const priv = await docker(['run', '--rm', '--network', 'none', '--privileged', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
    const ctr = (await docker(['exec', 'ex1', 'grep', 'CapEff', '/proc/1/status'])).stdout;
    const plain = (await docker(['exec', 'ex1', 'grep', 'CapEff', '/proc/self/status'])).stdout;
    const pexec = await docker(['exec', '--privileged', 'ex1', 'grep', 'CapEff', '/proc/self/status']);
    assert.equal(pexec.code, 0, pexec.stdout + pexec.stderr);
    assert.equal(capEff(plain), capEff(ctr));
    assert.equal(capEff(pexec.stdout), capEff(priv.stdout));
    assert.notEqual(capEff(pexec.stdout), capEff(plain));
  });

  test('missing or non-executable program: in-band error and 126/127', async (t) => {
    if (skip) return t.skip();
    const nf = await docker(['exec', 'ex1', 'nosuch']);
    // Docker ≥ 23 reports 127 for a missing program; 20.10 reported 126 for every start failure.
    assert.equal(nf.code, engine === 'docker' ? 126 : 127);
    assert.match(nf.stdout, /OCI runtime exec failed: exec failed: .*exec: "nosuch": executable file not found in \$PATH: unknown/);
    const pd = await docker(['exec', 'ex1', '/etc/passwd']);
    assert.equal(pd.code, 126);
    assert.match(pd.stdout, /permission denied/);
    const det = await docker(['exec', '-d', 'ex1', 'nosuch']);
    assert.equal(det.code, 1);
    assert.match(det.stderr, /Error response from daemon: OCI runtime exec failed: .*executable file not found/);
  });

  test('stopped and paused containers refuse exec with Docker messages', async (t) => {
    if (skip) return t.skip();
    const id = (await docker(['run', '-d', '--name', 'ex3', '--network', 'none', 'busybox', 'sleep', '1000'])).stdout.trim();
    assert.equal((await docker(['pause', 'ex3'])).code, 0);
    const p = await docker(['exec', 'ex3', 'true']);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /Container ex3 is paused, unpause the container before exec/);
    await docker(['unpause', 'ex3']);
    await docker(['stop', '-t', '0', 'ex3']);
    const s = await docker(['exec', 'ex3', 'true']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, new RegExp(`Container ${id} is not running`));
    const api = await apiRequest(d.socket, 'POST', '/containers/ex3/exec', { body: { Cmd: ['true'] } });
    assert.equal(api.status, 409);
    await docker(['rm', 'ex3']);
  });

  test('a runtime prepared at exec create never outlives a start that does not use it', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'ex5', '--network', 'none', 'busybox', 'sleep', '1000']);
    const create = async () => {
      const c = await apiRequest(d.socket, 'POST', '/containers/ex5/exec', { body: { Cmd: ['echo', 'late'], AttachStdout: true, AttachStderr: true } });
      assert.equal(c.status, 201, c.body);
      return c.json<{ Id: string }>().Id;
    };
    // Paused between create and start: Docker's conflict, and nothing left waiting.
    const paused = await create();
    assert.equal((await docker(['pause', 'ex5'])).code, 0);
    const refused = await apiRequest(d.socket, 'POST', `/exec/${paused}/start`, { body: {} });
    assert.equal(refused.status, 409);
    await docker(['unpause', 'ex5']);
    await sleep(100);
    assert.equal(await runtimesWaitingFor(paused), 0);
    // Started attached a while after create: the prepared runtime runs it.
    const later = await create();
    await sleep(300);
    const started = await apiRequest(d.socket, 'POST', `/exec/${later}/start`, { body: {} });
    assert.equal(started.status, 200);
    assert.match(started.body, /late/);
    const exit = (await apiRequest(d.socket, 'GET', `/exec/${later}/json`)).json<{ ExitCode: number }>().ExitCode;
    assert.equal(exit, 0);
    // Never started, container stopped: the waiting runtime goes with the exec.
    const unstarted = await create();
    await docker(['stop', '-t', '0', 'ex5']);
    await sleep(100);
    assert.equal(await runtimesWaitingFor(unstarted), 0);
    await docker(['rm', '-f', 'ex5']);
  });

  test('exec processes die with their container; the session ends with 137', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'ex4', '--network', 'none', 'busybox', 'sleep', '1000']);
    const running = docker(['exec', 'ex4', 'sleep', '300'], undefined, 30_000);
    await sleep(800);
    assert.match((await docker(['exec', 'ex4', 'ps'])).stdout, /sleep 300/);
    await docker(['stop', '-t', '1', 'ex4']);
    const r = await running;
    assert.equal(r.code, 137);
    await docker(['rm', 'ex4']);
  });

  test('API: inspect through the lifecycle, double start, unknown ids, ExecIDs, events', async (t) => {
    if (skip) return t.skip();
    const since = Math.floor(Date.now() / 1000) - 1;
    const c = await apiRequest(d.socket, 'POST', '/containers/ex1/exec', { body: { Cmd: ['sleep', '1'], AttachStdout: true, DetachKeys: 'ctrl-a' } });
    assert.equal(c.status, 201, c.body);
    const id = c.json<{ Id: string }>().Id;
    assert.match(id, /^[0-9a-f]{64}$/);
    const inspect = async () => (await apiRequest(d.socket, 'GET', `/exec/${id}/json`)).json<Record<string, unknown>>();
    const i0 = await inspect();
    assert.deepEqual(
      [i0.Running, i0.ExitCode, i0.Pid, i0.OpenStdout, i0.OpenStdin, i0.DetachKeys, i0.CanRemove],
      [false, null, 0, true, false, 'AQ==', false],
    );
    assert.deepEqual(i0.ProcessConfig, { tty: false, entrypoint: 'sleep', arguments: ['1'], privileged: false });
    const ids = (await apiRequest(d.socket, 'GET', '/containers/ex1/json')).json<{ ExecIDs: string[] | null }>().ExecIDs;
    assert.ok(ids?.includes(id));
    const s = await apiRequest(d.socket, 'POST', `/exec/${id}/start`, { body: { Detach: true } });
    assert.deepEqual([s.status, s.body], [200, '']);
    // Created attached, started detached: the runtime prepared at create is gone.
    assert.equal(await runtimesWaitingFor(id), 0);
    const i1 = await inspect();
    assert.equal(i1.Running, true);
    assert.ok((i1.Pid as number) > 0);
    const again = await apiRequest(d.socket, 'POST', `/exec/${id}/start`, { body: { Detach: true } });
    assert.equal(again.status, 409);
    assert.equal(again.json<{ message: string }>().message, `Error: Exec command ${id} is already running`);
    await sleep(1500);
    const i2 = await inspect();
    assert.deepEqual([i2.Running, i2.ExitCode], [false, 0]);
    const ran = await apiRequest(d.socket, 'POST', `/exec/${id}/start`, { body: { Detach: true } });
    assert.equal(ran.json<{ message: string }>().message, `Error: Exec command ${id} has already run`);
    const ids2 = (await apiRequest(d.socket, 'GET', '/containers/ex1/json')).json<{ ExecIDs: string[] | null }>().ExecIDs;
    assert.ok(!ids2?.includes(id));
    const missing = await apiRequest(d.socket, 'GET', '/exec/nosuchid/json');
    assert.deepEqual([missing.status, missing.json<{ message: string }>().message], [404, 'No such exec instance: nosuchid']);
    const noCmd = await apiRequest(d.socket, 'POST', '/containers/ex1/exec', { body: { Cmd: [] } });
    assert.deepEqual([noCmd.status, noCmd.json<{ message: string }>().message], [400, 'No exec command specified']);
    const ev = await docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=ex1', '--format', '{{.Action}}|{{index .Actor.Attributes "execID"}}|{{index .Actor.Attributes "exitCode"}}']);
    const lines = ev.stdout.split('\n').filter((l) => l.includes(id));
    assert.deepEqual(lines, [`exec_create: sleep 1|${id}|`, `exec_start: sleep 1|${id}|`, `exec_die|${id}|0`]);
  });

  test('exec inspect shows the exit code as soon as the stream ends', async (t) => {
    if (skip) return t.skip();
    for (let i = 0; i < 5; i++) {
      const r = await docker(['exec', 'ex1', 'sh', '-c', `echo ${i}; exit ${i + 3}`]);
      assert.deepEqual([r.code, r.stdout], [i + 3, `${i}\n`]);
    }
  });

  test('docker-py exec_run', async (t) => {
    if (skip) return t.skip();
    const missing = dockerPyMissing();
    if (missing) return t.skip(missing);
    const r = await runDockerPy(d, [
      "c = client.containers.get('ex1')",
      "code, out = c.exec_run('echo hi')",
      'print(json.dumps([code, out.decode()]))',
      "code, (o, e) = c.exec_run(['sh', '-c', 'echo o; echo e >&2; exit 4'], demux=True)",
      'print(json.dumps([code, o.decode(), e.decode()]))',
      "code, out = c.exec_run('pwd', workdir='/tmp', user='1000', environment={'A': 'b'})",
      'print(json.dumps([code, out.decode()]))',
    ].join('\n'));
    assert.equal(r.code, 0, r.stderr);
    const [l1, l2, l3] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown[]);
    assert.deepEqual(l1, [0, 'hi\n']);
    assert.deepEqual(l2, [4, 'o\n', 'e\n']);
    assert.deepEqual(l3, [0, '/tmp\n']);
  });
});
