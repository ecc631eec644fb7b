/**
 * Runtime wrapper against real conmon + runc: lifecycle, attach streams, stdin, terminal,
 * signals, pause/resume, survival of conmon without its parent, errors. Needs root.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../../../src/lib/exec.js';
import { rootMissing } from '../../harness/probes.js';
import { collect, createFixture, type Fixture } from './fixture.js';

const skip = rootMissing();
let fx: Fixture;
before(async () => {
  if (!skip) fx = await createFixture();
});
after(async () => {
  if (fx) await fx.cleanup();
});

test('create, start, wait for the exit code; output kept apart; log written', { skip: skip ?? false }, async () => {
  const id = await fx.create(['sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal((await fx.runtime.state(id)).status, 'created');
  const a = await fx.runtime.attach(id, { stdin: false });
  const out = collect(a.stdout);
  const err = collect(a.stderr);
  await fx.runtime.start(id);
  const ex = await fx.runtime.waitExit(id);
  assert.equal(ex.exitCode, 3);
  assert.equal(ex.oomKilled, false);
  await a.closed;
  assert.equal(await out, 'out\n');
  assert.equal(await err, 'err\n');
  assert.equal((await fx.runtime.state(id)).status, 'stopped');
  const log = await readFile(path.join(fx.dir, 'logs', `${id}.log`), 'utf8');
  assert.match(log, /^\S+ stdout F out\n\S+ stderr F err\n$/);
  assert.equal((await fx.runtime.waitExit(id)).exitCode, 3, 'waitExit may be called again');
  await fx.runtime.delete(id);
  await assert.rejects(fx.runtime.state(id), (e: Error & { kind?: string }) => e.kind === 'NotFound');
});

test('stdin through attach: cat echoes and ends on EOF', { skip: skip ?? false }, async () => {
  const id = await fx.create(['cat'], {}, { stdin: true, stdinOnce: true });
  const a = await fx.runtime.attach(id, { stdin: true });
  const out = collect(a.stdout);
  await fx.runtime.start(id);
  a.stdin!.write('hello\n');
  a.stdin!.write(Buffer.alloc(100_000, 'x'));
  a.stdin!.end('\nbye\n');
  assert.equal((await fx.runtime.waitExit(id)).exitCode, 0);
  const text = await out;
  assert.equal(text, 'hello\n' + 'x'.repeat(100_000) + '\nbye\n');
});

test('terminal mode with resize', { skip: skip ?? false }, async () => {
  const id = await fx.create(['sh', '-c', 'stty size; sleep 0.5; stty size'], {}, { terminal: true, consoleSize: { height: 30, width: 100 } });
  const a = await fx.runtime.attach(id, { stdin: false });
  const out = collect(a.stdout);
  await fx.runtime.start(id);
  await sleep(200);
  await fx.runtime.resize(id, { height: 40, width: 120 });
  assert.equal((await fx.runtime.waitExit(id)).exitCode, 0);
  assert.equal((await out).replace(/\r/g, ''), '30 100\n40 120\n');
});

test('kill with signals; pause and resume', { skip: skip ?? false }, async () => {
  const id = await fx.create(['sh', '-c', 'trap "exit 7" TERM; echo ready; while true; do sleep 0.05; done']);
  const a = await fx.runtime.attach(id, { stdin: false });
  await fx.runtime.start(id);
  for await (const c of a.stdout) if (String(c).includes('ready')) break;
  await fx.runtime.pause(id);
  assert.equal((await fx.runtime.state(id)).status, 'paused');
  await fx.runtime.resume(id);
  assert.equal((await fx.runtime.state(id)).status, 'running');
  await fx.runtime.kill(id, 'SIGTERM');
  assert.equal((await fx.runtime.waitExit(id)).exitCode, 7);

  const id2 = await fx.create(['sleep', '100']);
  await fx.runtime.start(id2);
  await fx.runtime.kill(id2, 'KILL');
  assert.equal((await fx.runtime.waitExit(id2)).exitCode, 137);
  await assert.rejects(fx.runtime.kill(id2, 'NOPE'), /Invalid signal/);
});

test('container outlives its creator; a new runtime instance sees its exit', { skip: skip ?? false }, async () => {
  const id = await fx.create(['sh', '-c', 'sleep 1; exit 5']);
  const script = path.join(fx.dir, 'starter.mjs');
  const mod = new URL('../../../src/core/runtime/create.js', import.meta.url).href;
  const log = new URL('../../../src/lib/log.js', import.meta.url).href;
  await writeFile(
    script,
    `import { createRuntime } from '${mod}'; import { nullLogger } from '${log}';
     const rt = await createRuntime({ log: nullLogger }, { execRoot: ${JSON.stringify(fx.execRoot)} });
     await rt.start(${JSON.stringify(id)}); rt.close();`,
  );
  const r = await run(process.execPath, [script]);
  assert.equal(r.code, 0, r.stderr);
  const rt2 = await fx.reopen();
  assert.equal((await rt2.state(id)).status, 'running');
  const listed = await rt2.list();
  assert.ok(listed.some((c) => c.id === id));
  assert.equal((await rt2.waitExit(id)).exitCode, 5);
});

test('exit already recorded while nobody watched', { skip: skip ?? false }, async () => {
  const id = await fx.create(['true']);
  await fx.runtime.start(id);
  await sleep(500);
  const rt2 = await fx.reopen();
  assert.equal((await rt2.waitExit(id)).exitCode, 0);
});

test('missing executable is translated like Docker', { skip: skip ?? false }, async () => {
  await assert.rejects(fx.create(['nonexistent-cmd']), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'InvalidArgument');
    assert.match(e.message, /^OCI runtime create failed: .*exec: "nonexistent-cmd": executable file not found in \$PATH: unknown$/);
    return true;
  });
  await assert.rejects(fx.create(['/etc']), /permission denied: unknown$/);
});

test('exec: streams apart, stdin, exit code, terminal size, missing program', { skip: skip ?? false }, async () => {
  const id = await fx.create(['sleep', '30']);
  await fx.runtime.start(id);
  const p1 = (await fx.spec(['sh', '-c', 'echo a; echo b >&2; read x; echo got $x; exit 4'])).process!;
  const s = await fx.runtime.exec({ id, execId: `${id.slice(0, 12)}-1`, process: p1, terminal: false, stdin: true });
  assert.ok(s.pid > 0);
  const out = collect(s.attach.stdout);
  const err = collect(s.attach.stderr);
  s.attach.stdin!.end('val\n');
  assert.equal(await s.exit, 4);
  assert.equal(await out, 'a\ngot val\n');
  assert.equal(await err, 'b\n');
  await s.remove();

  // crun 1.8.1 sets up an exec's terminal size just after the process starts: read it a moment later.
  const p2 = (await fx.spec(['sh', '-c', 'sleep 0.2; stty size'])).process!;
  const t = await fx.runtime.exec({ id, execId: `${id.slice(0, 12)}-2`, process: p2, terminal: true, stdin: false, consoleSize: { height: 33, width: 77 } });
  assert.equal((await collect(t.attach.stdout)).replace(/\r/g, ''), '33 77\n');
  assert.equal(await t.exit, 0);
  await t.remove();

  const p3 = (await fx.spec(['nope'])).process!;
  await assert.rejects(
    fx.runtime.exec({ id, execId: `${id.slice(0, 12)}-3`, process: p3, terminal: false, stdin: false }),
    /^EngineError: OCI runtime exec failed: exec failed: .*exec: "nope": executable file not found in \$PATH: unknown$/,
  );
  await fx.runtime.kill(id, 'KILL');
  assert.equal((await fx.runtime.waitExit(id)).exitCode, 137);
});

test('runtime selection: unknown name; crun refused on a hybrid cgroup host', { skip: skip ?? false }, async () => {
  const spec = await fx.spec(['true']);
  const base = { spec, terminal: false, stdin: false, stdinOnce: false, logPath: path.join(fx.dir, 'logs', 'sel.log') };
  await assert.rejects(
    fx.runtime.create({ ...base, id: 'sel-unknown', bundleDir: path.join(fx.execRoot, 'containers', 'sel-unknown'), runtime: 'kata' }),
    /unknown or invalid runtime name: kata/,
  );
  const hybrid = fx.runtime.runtimes.names.includes('crun') && (await readFile('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').catch(() => '')).trim() !== '';
  if (!hybrid) return;
  assert.equal(fx.runtime.runtimes.default, 'runc');
  await assert.rejects(
    fx.runtime.create({ ...base, id: 'sel-crun', bundleDir: path.join(fx.execRoot, 'containers', 'sel-crun'), runtime: 'crun' }),
    /^EngineError: OCI runtime create failed: cgroups in hybrid mode not supported/,
  );
});

test('attach socket paths longer than a unix socket address', { skip: skip ?? false }, async () => {
  const id = 'longpath0123456789abcdef';
  const bundleDir = path.join(fx.execRoot, 'containers', 'd'.repeat(80), id);
  assert.ok(path.join(bundleDir, 'attach').length > 108);
  await fx.runtime.create({
    id, bundleDir, spec: await fx.spec(['echo', 'far away']), runtime: fx.runtime.runtimes.default,
    terminal: false, stdin: false, stdinOnce: false, logPath: path.join(fx.dir, 'logs', `${id}.log`),
  });
  try {
    const a = await fx.runtime.attach(id, { stdin: false });
    const out = collect(a.stdout);
    await fx.runtime.start(id);
    assert.equal((await fx.runtime.waitExit(id)).exitCode, 0);
    assert.equal(await out, 'far away\n');
  } finally {
    await fx.runtime.delete(id, true);
  }
});

test('attach clients share one connection: an output-only client leaving keeps stdin open', { skip: skip ?? false }, async () => {
  const id = await fx.create(['cat'], {}, { stdin: true, stdinOnce: true });
  const watcher = await fx.runtime.attach(id, { stdin: false });
  const writer = await fx.runtime.attach(id, { stdin: true });
  const out = collect(writer.stdout);
  const seen = collect(watcher.stdout);
  await fx.runtime.start(id);
  writer.stdin!.write('one\n');
  await sleep(200);
  watcher.close();
  assert.equal(await seen, 'one\n');
  await sleep(200);
  assert.equal((await fx.runtime.state(id)).status, 'running', 'stdin still open after the output-only client left');
  writer.stdin!.end('two\n');
  assert.equal((await fx.runtime.waitExit(id)).exitCode, 0);
  assert.equal(await out, 'one\ntwo\n');
});
