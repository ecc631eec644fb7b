import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createError, commandError, runtimeMessage } from './runtime-errors.js';

test('runc messages', () => {
  const stderr = 'time="2026-01-01T00:00:00Z" level=error msg="runc create failed: unable to start container process: exec: \\"x\\": executable file not found in $PATH"\n';
  assert.equal(runtimeMessage(stderr), 'runc create failed: unable to start container process: exec: "x": executable file not found in $PATH');
  const e = createError('runc', stderr);
  assert.equal(e.kind, 'InvalidArgument');
  assert.equal(e.message, 'OCI runtime create failed: runc create failed: unable to start container process: exec: "x": executable file not found in $PATH: unknown');
  assert.equal(createError('runc', 'msg="unable to start container process: exec: \\"/etc\\": permission denied"').kind, 'InvalidArgument');
  assert.equal(createError('runc', 'msg="cgroup: boom"').kind, 'Internal');
});

test('crun and json messages; not found', () => {
  assert.equal(runtimeMessage('crun: executable file `x` not found in $PATH: No such file or directory\n'), 'unable to start container process: exec: "x": executable file not found in $PATH');
  assert.equal(runtimeMessage('executable file `/x` not found in $PATH: No such file or directory'), 'unable to start container process: exec: "/x": stat /x: no such file or directory');
  assert.equal(runtimeMessage('open executable: Permission denied', '/etc/passwd'), 'unable to start container process: exec: "/etc/passwd": permission denied');
  assert.equal(runtimeMessage('open executable: Operation not permitted', '/bin'), 'unable to start container process: exec: "/bin": permission denied');
  assert.equal(runtimeMessage('open executable: Operation not permitted'), 'unable to start container process: exec: permission denied');
  assert.equal(runtimeMessage('open executable: Not a directory', '/a/b'), 'unable to start container process: exec: "/a/b": stat /a/b: not a directory');
  const c = createError('crun', 'executable file `nope` not found in $PATH: No such file or directory');
  assert.equal(c.kind, 'InvalidArgument');
  assert.equal(c.message, 'OCI runtime create failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown');
  assert.equal(createError('crun', 'open executable: Permission denied', '/etc').message, 'OCI runtime create failed: unable to start container process: exec: "/etc": permission denied: unknown');
  assert.equal(createError('crun', 'writing file `pids.max`: Invalid argument').kind, 'Internal');
  assert.equal(runtimeMessage('{"level":"error","msg":"oops","time":"t"}\n'), 'oops');
  assert.equal(commandError('runc', 'state', 'abc', 'time="t" level=error msg="container does not exist"').kind, 'NotFound');
  assert.equal(commandError('runc', 'kill', 'abc', 'msg="permission denied"').kind, 'Internal');
});
