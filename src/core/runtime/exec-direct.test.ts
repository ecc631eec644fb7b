import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { nullLogger } from '../../lib/log.js';
import { directExecArgs, exitCodeOf, readPidFile, startDirectExec } from './exec-direct.js';
import type { RuntimeExecOptions } from './index.js';

// A stand-in for crun/runc's `exec --process F --pid-file P <id>`: runs the process with the
// runtime's own stdio, writes the pid file once it runs, exits with its status (128+n for a
// signal). `nosuch` fails like crun (message on stderr, exit 255, no pid file); `EARLY_STDERR`
// in the env makes the "runtime" write the pid file only 100 ms after the process started.
const FAKE_RUNTIME = `
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
const a = process.argv.slice(2);
const proc = JSON.parse(readFileSync(a[a.indexOf('--process') + 1], 'utf8'));
const pidFile = a[a.indexOf('--pid-file') + 1];
if (proc.args[0] === 'nosuch') {
  process.stderr.write('executable file \`nosuch\` not found in $PATH: No such file or directory\\n');
  process.exit(255);
}
const c = spawn(proc.args[0], proc.args.slice(1), { stdio: 'inherit', env: Object.fromEntries(proc.env.map((e) => e.split('='))) });
const write = () => writeFileSync(pidFile, String(c.pid));
if (proc.env.includes('EARLY_STDERR=1')) setTimeout(write, 100); else write();
c.on('exit', (code, sig) => process.exit(code ?? 128 + constants.signals[sig]));
`;

async function withRuntime(fn: (dir: string, run: (args: string[], o?: Partial<RuntimeExecOptions>) => ReturnType<typeof startDirectExec>) => Promise<void>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'exec-direct-'));
  const script = path.join(dir, 'runtime.mjs');
  await writeFile(script, FAKE_RUNTIME);
  let n = 0;
  const run = (args: string[], o: Partial<RuntimeExecOptions> = {}) =>
    startDirectExec(
      { log: nullLogger, execsDir: path.join(dir, 'execs'), runtimePath: process.execPath, runtimeArgs: [script] },
      { id: 'ctr', execId: `e${++n}`, process: { args, env: [`PATH=${process.env.PATH}`], cwd: '/', user: { uid: 0, gid: 0 } }, terminal: false, stdin: false, ...o },
    );
  try {
    await fn(dir, run);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function collect(s: Readable): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

test('directExecArgs puts the global args first and the container last', () => {
  assert.deepEqual(directExecArgs({ runtimeArgs: ['--root', '/r'], processFile: '/x/e.json', pidFile: '/x/e.pid', id: 'c1' }), [
    '--root', '/r', 'exec', '--process', '/x/e.json', '--pid-file', '/x/e.pid', 'c1',
  ]);
});

test('exitCodeOf: the code, else 128+signal, else 255', () => {
  assert.equal(exitCodeOf(3, null), 3);
  assert.equal(exitCodeOf(null, 'SIGKILL'), 137);
  assert.equal(exitCodeOf(null, 'SIGTERM'), 143);
  assert.equal(exitCodeOf(null, null), 255);
});

test('readPidFile: only a whole positive number', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pidfile-'));
  try {
    const f = path.join(dir, 'p');
    assert.equal(readPidFile(f), undefined);
    await writeFile(f, '');
    assert.equal(readPidFile(f), undefined);
    await writeFile(f, '12a');
    assert.equal(readPidFile(f), undefined);
    await writeFile(f, '4242\n');
    assert.equal(readPidFile(f), 4242);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('output apart and byte-exact, real pipes, exit status, pid, files removed', async () => {
  await withRuntime(async (dir, run) => {
    const s = await run(['sh', '-c', 'printf "out\\0x"; printf "err\\n" >&2; [ -p /proc/self/fd/1 ] && [ -p /proc/self/fd/2 ] && printf pipes; exit 3']);
    assert.ok(s.pid > 0);
    const [out, err, code] = await Promise.all([collect(s.attach.stdout), collect(s.attach.stderr), s.exit]);
    assert.deepEqual([out, err, code], ['out\0xpipes', 'err\n', 3]);
    await s.attach.closed;
    await s.remove();
    assert.deepEqual(await readdir(path.join(dir, 'execs')), []);
  });
});

test('a process killed by a signal exits 128+n', async () => {
  await withRuntime(async (_dir, run) => {
    const s = await run(['sh', '-c', 'kill -9 $$']);
    s.attach.stdout.resume();
    s.attach.stderr.resume();
    assert.equal(await s.exit, 137);
  });
});

test('stdin is a pipe, half-closed when the client ends it', async () => {
  await withRuntime(async (_dir, run) => {
    const s = await run(['sh', '-c', '[ -p /proc/self/fd/0 ] && echo pipe; cat'], { stdin: true });
    const out = collect(s.attach.stdout);
    s.attach.stderr.resume();
    s.attach.stdin!.end('abc');
    assert.equal(await out, 'pipe\nabc');
    assert.equal(await s.exit, 0);
  });
});

test('stderr written before the pid file is kept and passed on', async () => {
  await withRuntime(async (_dir, run) => {
    const s = await run(['sh', '-c', 'echo early >&2; echo out'], { process: { args: ['sh', '-c', 'echo early >&2; echo out'], env: [`PATH=${process.env.PATH}`, 'EARLY_STDERR=1'], cwd: '/', user: { uid: 0, gid: 0 } } });
    const [out, err, code] = await Promise.all([collect(s.attach.stdout), collect(s.attach.stderr), s.exit]);
    assert.deepEqual([out, err, code], ['out\n', 'early\n', 0]);
  });
});

test('a runtime failure becomes Docker\'s error, its text never reaches the streams', async () => {
  await withRuntime(async (dir, run) => {
    await assert.rejects(run(['nosuch']), (e: Error & { kind?: string }) => {
      assert.equal(e.message, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown');
      assert.equal(e.kind, 'InvalidArgument');
      return true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await readdir(path.join(dir, 'execs')), []);
  });
});

test('a missing runtime is an error, not a hang', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'exec-direct-'));
  try {
    await assert.rejects(
      startDirectExec(
        { log: nullLogger, execsDir: dir, runtimePath: path.join(dir, 'no-runtime'), runtimeArgs: [] },
        { id: 'c', execId: 'e', process: { args: ['true'], cwd: '/', user: { uid: 0, gid: 0 } }, terminal: false, stdin: false },
      ),
      /OCI runtime exec failed/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('close() detaches: stdin ends, output is dropped, the process still runs to its end', async () => {
  await withRuntime(async (_dir, run) => {
    const s = await run(['sh', '-c', 'cat; for i in 1 2 3; do echo line $i; done; exit 5'], { stdin: true });
    s.attach.close();
    assert.equal(await s.exit, 5);
    await s.attach.closed;
  });
});

test('startExec: attached without a terminal runs directly; detached or TTY goes to conmon', async () => {
  const { startExec } = await import('./exec.js');
  await withRuntime(async (dir) => {
    const deps = {
      log: nullLogger,
      conmonPath: path.join(dir, 'no-conmon'),
      native: () => ({ closeInheritedOnExec: () => 0 }) as never,
      runtimePath: process.execPath,
      runtimeArgs: [path.join(dir, 'runtime.mjs')],
    };
    const proc = { args: ['sh', '-c', 'echo direct'], env: [`PATH=${process.env.PATH}`], cwd: '/', user: { uid: 0, gid: 0 } };
    const s = await startExec({ ...deps, sessionDir: path.join(dir, 'execs', 'd1') }, { id: 'c', execId: 'd1', process: proc, terminal: false, stdin: false });
    const out = collect(s.attach.stdout);
    s.attach.stderr.resume();
    assert.deepEqual([await out, await s.exit], ['direct\n', 0]);
    // No conmon binary here: the conmon path fails, which shows it was taken.
    await assert.rejects(startExec({ ...deps, sessionDir: path.join(dir, 'execs', 'd2') }, { id: 'c', execId: 'd2', process: proc, terminal: false, stdin: false, detach: true }));
    await assert.rejects(startExec({ ...deps, sessionDir: path.join(dir, 'execs', 'd3') }, { id: 'c', execId: 'd3', process: proc, terminal: true, stdin: false }));
  });
});

test('prepared: the runtime waits on the FIFO and runs the spec handed over at start', async () => {
  const { prepareDirectExec } = await import('./exec-prepared.js');
  await withRuntime(async (dir) => {
    const deps = { log: nullLogger, execsDir: path.join(dir, 'execs'), runtimePath: process.execPath, runtimeArgs: [path.join(dir, 'runtime.mjs')] };
    const proc = (args: string[]) => ({ args, env: [`PATH=${process.env.PATH}`], cwd: '/', user: { uid: 0, gid: 0 } });
    // Started: output, stdin, exit code; its files go with remove().
    const p = await prepareDirectExec(deps, { id: 'c', execId: 'p1', stdin: true });
    assert.ok(p);
    await new Promise((r) => setTimeout(r, 50));
    const s = await p.start(proc(['sh', '-c', 'read x; echo got $x; exit 4']));
    assert.ok(s);
    s.attach.stdin!.end('hi\n');
    s.attach.stderr.resume();
    assert.deepEqual([await collect(s.attach.stdout), await s.exit], ['got hi\n', 4]);
    assert.equal(await p.start(proc(['true'])), undefined, 'used once');
    await s.remove();
    // A runtime failure is Docker's error, as on the normal path.
    const f = await prepareDirectExec(deps, { id: 'c', execId: 'p2', stdin: false });
    await assert.rejects(f!.start(proc(['nosuch'])), /OCI runtime exec failed/);
    // Discarded, expired, or a runtime that exited before start: undefined, files gone.
    const d = await prepareDirectExec(deps, { id: 'c', execId: 'p3', stdin: false });
    d!.discard();
    assert.equal(await d!.start(proc(['true'])), undefined);
    const t = await prepareDirectExec(deps, { id: 'c', execId: 'p4', stdin: false }, { ttlMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await t!.start(proc(['true'])), undefined);
    const gone = await prepareDirectExec({ ...deps, runtimePath: '/bin/false', runtimeArgs: [] }, { id: 'c', execId: 'p5', stdin: false });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await gone!.start(proc(['true'])), undefined);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await readdir(path.join(dir, 'execs')), []);
  });
});
