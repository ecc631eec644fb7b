// Integration: `pier compose up` in the foreground (prefixed logs, `exited with code`,
// --abort-on-container-exit, --exit-code-from, Ctrl-C → "Gracefully stopping..."), and
// `run`/`exec` one-offs, against a private pierd with the busybox fixture (root needed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pierCliPath, runPier, startBusyboxDaemon, type TestDaemon } from '../harness/index.js';

const COMPOSE = `services:
  talker:
    image: busybox
    init: true
    command: ["sh", "-c", "for i in 1 2 3; do echo tick $$i; sleep 0.2; done; exit 3"]
  server:
    image: busybox
    init: true
    command: ["sh", "-c", "echo serving; exec sleep 3600"]
`;

describe('compose up in the foreground, run and exec (pierd)', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  let dir: string;
  before(async (t) => {
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'composefg' }));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-compose-fg-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), COMPOSE);
  });
  after(async () => {
    await d?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const compose = (args: string[]) => runPier(d, ['compose', '-p', 'fg', ...args], { cwd: dir, timeoutMs: 60_000 });

  test('--abort-on-container-exit: prefixed logs, exit line, the others stopped, the exit code', async (t) => {
    if (skip) return t.skip();
    const r = await compose(['up', '--abort-on-container-exit', '--no-color']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^Attaching to server-1, talker-1\n/m);
    // Lines of different services interleave in arrival order; one service's stay in order.
    const talker = r.stdout.split('\n').filter((l) => l.startsWith('talker-1  |')).join('\n');
    assert.equal(talker, 'talker-1  | tick 1\ntalker-1  | tick 2\ntalker-1  | tick 3');
    assert.match(r.stdout, /^server-1 {2}\| serving\n/m);
    assert.match(r.stdout, /^talker-1 exited with code 3\n/m);
    assert.match(r.stderr, /Aborting on container exit\.\.\.\n Container fg-server-1 {2}Stopping\n Container fg-server-1 {2}Stopped\n/);
    const ps = await compose(['ps', '-a', '--format', '{{.Name}} {{.State}}']);
    assert.equal(ps.stdout, 'fg-server-1 exited\nfg-talker-1 exited\n');
    const from = await compose(['up', '--exit-code-from', 'talker', '--no-log-prefix']);
    assert.equal(from.code, 3);
    assert.match(from.stdout, /^tick 1\n/m);
  });

  test('Ctrl-C stops everything gracefully', async (t) => {
    if (skip) return t.skip();
    await compose(['down']);
    const child = spawn(process.execPath, [pierCliPath(), 'compose', '-p', 'fg', 'up', 'server'], { cwd: dir, env: d.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const attached = new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('| serving')) resolve();
    }));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await Promise.race([attached, new Promise((_, rej) => setTimeout(() => rej(new Error(`never attached: ${out} ${err}`)), 30_000))]);
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, err);
    assert.match(err, /Gracefully stopping\.\.\. \(press Ctrl\+C again to force\)\n Container fg-server-1 {2}Stopping\n Container fg-server-1 {2}Stopped\n/);
    assert.equal((await compose(['ps', '-q'])).stdout, '');
  });

  test('run: one-off containers (exit code, --rm, -d) and exec with --index; down removes one-offs', async (t) => {
    if (skip) return t.skip();
    const r = await compose(['run', '--rm', '-T', 'server', 'echo', 'hello from run']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from run\n');
    assert.equal((await compose(['run', '--rm', '-T', 'server', 'sh', '-c', 'exit 5'])).code, 5);
    const det = await compose(['run', '-d', 'server', 'sleep', '30']);
    assert.match(det.stdout, /^fg-server-run-[0-9a-f]{12}\n$/);
    const ins = JSON.parse((await runPier(d, ['inspect', det.stdout.trim()])).stdout)[0] as { Config: { Labels: Record<string, string> } };
    assert.equal(ins.Config.Labels['com.docker.compose.oneoff'], 'True');
    await compose(['up', '-d', '--scale', 'server=2', 'server']);
    const e2 = await compose(['exec', '-T', '--index', '2', 'server', 'hostname']);
    assert.equal(e2.code, 0, e2.stderr);
    const e1 = await compose(['exec', '-T', 'server', 'sh', '-c', 'echo $((6*7))']);
    assert.equal(e1.stdout, '42\n');
    const bad = await compose(['exec', '-T', 'talker', 'true']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /service "talker" is not running/);
    await compose(['down']);
    assert.equal((await runPier(d, ['ps', '-aq'])).stdout, '');
  });
  test('recreate keeps anonymous volumes; -V renews them', async (t) => {
    if (skip) return t.skip();
    const sub = fs.mkdtempSync(path.join(dir, 'anon-'));
    const write = (v: string) => fs.writeFileSync(path.join(sub, 'compose.yaml'), `services:\n  s:\n    image: busybox\n    init: true\n    command: ["sleep", "3600"]\n    volumes: ["/data"]\n    environment:\n      V: "${v}"\n`);
    const c = (args: string[]) => runPier(d, ['compose', '-p', 'anon', ...args], { cwd: sub, timeoutMs: 60_000 });
    write('1');
    assert.equal((await c(['up', '-d'])).code, 0);
    assert.equal((await c(['exec', '-T', 's', 'sh', '-c', 'echo kept > /data/f'])).code, 0);
    write('2');
    const re = await c(['up', '-d']);
    assert.match(re.stderr, / Container anon-s-1 {2}Recreated\n/);
    assert.equal((await c(['exec', '-T', 's', 'cat', '/data/f'])).stdout, 'kept\n');
    write('3');
    assert.equal((await c(['up', '-d', '-V'])).code, 0);
    assert.notEqual((await c(['exec', '-T', 's', 'cat', '/data/f'])).code, 0);
    assert.equal((await c(['down', '-v'])).code, 0);
  });
  test('cp, export, wait and stats on a service\'s container', async (t) => {
    if (skip) return t.skip();
    assert.equal((await compose(['up', '-d', 'server'])).code, 0);
    fs.writeFileSync(path.join(dir, 'in.txt'), 'copied in\n');
    const cpIn = await compose(['cp', 'in.txt', 'server:/tmp/in.txt']);
    assert.equal(cpIn.code, 0, cpIn.stderr);
    assert.equal((await compose(['exec', '-T', 'server', 'cat', '/tmp/in.txt'])).stdout, 'copied in\n');
    const cpOut = await compose(['cp', 'server:/tmp/in.txt', path.join(dir, 'out.txt')]);
    assert.equal(cpOut.code, 0, cpOut.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'copied in\n');
    assert.equal((await compose(['export', '-o', path.join(dir, 'fs.tar'), 'server'])).code, 0);
    assert.ok(fs.statSync(path.join(dir, 'fs.tar')).size > 100_000);
    assert.match((await compose(['stats', '--no-stream'])).stdout, /fg-server-1/);
    assert.equal((await compose(['up', '-d', 'talker'])).code, 0);
    const w = await compose(['wait', 'talker']);
    assert.equal(w.stdout, '3\n');
    assert.equal((await compose(['cp', 'nosuch:/x', dir])).code, 1);
    await compose(['down']);
  });
});
