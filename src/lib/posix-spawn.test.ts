import test from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPosixSpawner, decodeWaitStatus } from './posix-spawn.js';

test('decodeWaitStatus: exit codes and signals', () => {
  assert.deepEqual(decodeWaitStatus(0), { code: 0, signal: null });
  assert.deepEqual(decodeWaitStatus(3 << 8), { code: 3, signal: null });
  assert.deepEqual(decodeWaitStatus(9), { code: null, signal: 'SIGKILL' });
  assert.deepEqual(decodeWaitStatus(15 | 0x80), { code: null, signal: 'SIGTERM' });
});

test('spawn: descriptors, environment, cwd, session, default signals, exit code', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pier-spawn-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const outFile = path.join(dir, 'out');
  const out = openSync(outFile, 'w');
  const script = 'echo "$FOO $(pwd)"; cut -d" " -f6 /proc/$$/stat; grep SigIgn /proc/$$/status; read x || echo eof; exit 7';
  const spawner = createPosixSpawner();
  const child = spawner.spawn('/bin/sh', ['-c', script], { stdio: ['ignore', out, out], env: { FOO: 'bar', PATH: '/usr/bin:/bin' }, cwd: dir, detached: true });
  closeSync(out);
  assert.deepEqual(await child.exit, { code: 7, signal: null });
  const [first, sid, ign, eof] = readFileSync(outFile, 'utf8').trim().split('\n');
  assert.equal(first, `bar ${dir}`);
  assert.equal(Number(sid), child.pid, 'a session of its own');
  assert.match(ign!, /^SigIgn:\s+0+$/, 'no ignored signals (Node ignores SIGPIPE)');
  assert.equal(eof, 'eof', "'ignore' is /dev/null");
  assert.equal(child.kill(), false, 'reaped: nothing to signal');
});

test('spawn: a signal death, many children at once, a missing program', async () => {
  const spawner = createPosixSpawner();
  const sleeper = spawner.spawn('/bin/sleep', ['30'], { stdio: ['ignore', 'ignore', 'ignore'], env: {} });
  assert.equal(sleeper.kill('SIGKILL'), true);
  assert.deepEqual(await sleeper.exit, { code: null, signal: 'SIGKILL' });
  const many = Array.from({ length: 20 }, (_, i) => spawner.spawn('/bin/sh', ['-c', `exit ${i}`], { stdio: [], env: {} }));
  assert.deepEqual(
    (await Promise.all(many.map((c) => c.exit))).map((e) => e.code),
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.throws(
    () => spawner.spawn('/nonexistent/prog', [], { stdio: [], env: {} }),
    (e) => /cannot run \/nonexistent\/prog: ENOENT/.test((e as Error).message) && (e as { code?: string }).code === 'ENOENT',
  );
});

test('spawn: descriptors that trade places reach the right child descriptors', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pier-spawn-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = openSync(path.join(dir, 'a'), 'w');
  const b = openSync(path.join(dir, 'b'), 'w');
  const out = openSync(path.join(dir, 'out'), 'w');
  // The child's descriptor `b` is our `a` and the other way round: without care the first
  // dup2 would overwrite the source of the second.
  const stdio: (number | 'ignore')[] = Array.from({ length: Math.max(a, b, out) + 1 }, () => 'ignore');
  stdio[1] = out;
  stdio[a] = b;
  stdio[b] = a;
  const child = createPosixSpawner().spawn('/usr/bin/readlink', [`/proc/self/fd/${a}`, `/proc/self/fd/${b}`], { stdio, env: {} });
  for (const fd of [a, b, out]) closeSync(fd);
  assert.deepEqual(await child.exit, { code: 0, signal: null });
  assert.deepEqual(readFileSync(path.join(dir, 'out'), 'utf8').trim().split('\n'), [path.join(dir, 'b'), path.join(dir, 'a')]);
});
