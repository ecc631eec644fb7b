import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conmonArgs, parseSyncMessage } from './conmon.js';
import { normalizeSignal } from './signals.js';
import { parseState } from './runtime-cli.js';
import { parseOomKill } from './oom.js';

const input = {
  id: 'abc', runtimePath: '/usr/sbin/runc', runtimeArgs: ['--root', '/run/x'], bundleDir: '/b', persistDir: '/p',
  exitsDir: '/e', socketDir: '/s', logPath: '/l/abc.log', terminal: false, stdin: true, stdinOnce: false,
};

test('conmon argv', () => {
  const a = conmonArgs(input);
  assert.deepEqual(a.slice(0, 2), ['--api-version', '1']);
  assert.ok(a.includes('--leave-stdin-open') && a.includes('-i') && !a.includes('-t'));
  assert.equal(a[a.indexOf('-l') + 1], 'k8s-file:/l/abc.log');
  assert.deepEqual(a.slice(-4), ['--runtime-arg', '--root', '--runtime-arg', '/run/x']);
  const b = conmonArgs({ ...input, terminal: true, stdinOnce: true });
  assert.ok(b.includes('-t') && !b.includes('--leave-stdin-open'));
});

test('sync pipe messages', () => {
  assert.deepEqual(parseSyncMessage('{"data": 1234}\n'), { ok: true, pid: 1234 });
  assert.deepEqual(parseSyncMessage('{"data": -1, "message": "boom\\n"}\n'), { ok: false, message: 'boom\n' });
  assert.throws(() => parseSyncMessage(''), /without reporting/);
});

test('signals, state, oom', () => {
  assert.equal(normalizeSignal('SIGKILL'), 'KILL');
  assert.equal(normalizeSignal('term'), 'TERM');
  assert.equal(normalizeSignal(9), '9');
  assert.equal(normalizeSignal('15'), '15');
  assert.equal(normalizeSignal('RTMIN+3'), 'RTMIN+3');
  assert.throws(() => normalizeSignal('NOPE'), /Invalid signal/);
  assert.deepEqual(parseState('{"status":"running","pid":5}'), { status: 'running', pid: 5 });
  assert.deepEqual(parseState('{"status":"weird"}'), { status: 'unknown', pid: 0 });
  assert.equal(parseOomKill('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n'), 2);
  assert.equal(parseOomKill('low 0\nhigh 0\nmax 0\noom 0\n'), 0);
});

test('exec argv and errors', async () => {
  const { execConmonArgs, execError } = await import('./exec.js');
  const a = execConmonArgs({ id: 'c', execId: 'e', dir: '/x/e', runtimePath: '/usr/sbin/runc', runtimeArgs: ['--root', '/r'], terminal: true, stdin: false });
  assert.ok(a.includes('-e') && a.includes('--exec-attach') && a.includes('-t') && !a.includes('-i'));
  assert.equal(a[a.indexOf('--exec-process-spec') + 1], '/x/e/process.json');
  const e = execError('time="t" level=error msg="exec failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH"');
  assert.equal(e.message, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown');
  assert.equal((e as { kind?: string }).kind, 'InvalidArgument');
});
