import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pidsMaxFiles } from './update.js';

test('pids.max files of a container cgroup', () => {
  assert.deepEqual(pidsMaxFiles('/pier-x/abc', '/cg'), ['/cg/pids/pier-x/abc/pids.max', '/cg/pier-x/abc/pids.max', '/cg/unified/pier-x/abc/pids.max']);
  assert.deepEqual(pidsMaxFiles('/x/../../etc', '/cg'), []);
  assert.deepEqual(pidsMaxFiles('system.slice:pier:abc', '/cg'), []);
  assert.deepEqual(pidsMaxFiles(undefined, '/cg'), []);
});
