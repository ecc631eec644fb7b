import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lazyStdio } from './stdio.js';

test('streams are the process streams; stdout gets one EPIPE handler on first use', () => {
  const s = lazyStdio();
  assert.equal(s.stdoutUsed(), false);
  assert.equal(s.io.stderr, process.stderr);
  assert.equal(s.stdoutUsed(), false);
  const before = process.stdout.listenerCount('error');
  assert.equal(s.io.stdout, process.stdout);
  assert.equal(s.io.stdout, process.stdout);
  assert.equal(s.stdoutUsed(), true);
  assert.equal(process.stdout.listenerCount('error'), before + 1);
});
