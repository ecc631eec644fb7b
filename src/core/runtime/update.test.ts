import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pidsMaxCandidates } from './update.js';

test('pids.max candidates from /proc/<pid>/cgroup', () => {
  const v1 = '12:hugetlb:/pier-x/abc\n5:pids:/pier-x/abc\n4:cpu,cpuacct:/pier-x/abc\n0::/pier-x/abc\n';
  assert.deepEqual(pidsMaxCandidates(v1, '/cg'), ['/cg/pids/pier-x/abc/pids.max', '/cg/pier-x/abc/pids.max', '/cg/unified/pier-x/abc/pids.max']);
  assert.deepEqual(pidsMaxCandidates('0::/a/b\n', '/cg'), ['/cg/a/b/pids.max', '/cg/unified/a/b/pids.max']);
  assert.deepEqual(pidsMaxCandidates('5:pids:/x/../../etc\n', '/cg'), []);
});
