import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildRuntimeTable, findExecutable, probeCgroupLayout } from './runtimes.js';

test('cgroup layout probe', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-cg-'));
  try {
    assert.equal(await probeCgroupLayout(root), 'v1');
    await mkdir(path.join(root, 'unified'));
    await writeFile(path.join(root, 'unified', 'cgroup.controllers'), '');
    assert.equal(await probeCgroupLayout(root), 'v1');
    await writeFile(path.join(root, 'unified', 'cgroup.controllers'), 'hugetlb\n');
    assert.equal(await probeCgroupLayout(root), 'hybrid');
    await writeFile(path.join(root, 'cgroup.controllers'), 'cpu memory\n');
    assert.equal(await probeCgroupLayout(root), 'v2');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('runtime table and default choice', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-rtbin-'));
  try {
    const fake = path.join(dir, 'myrt');
    await writeFile(fake, '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(await findExecutable('myrt', dir), fake);
    assert.equal(await findExecutable('nothere', dir), undefined);
    const t = await buildRuntimeTable({ runtimes: { mine: { path: fake, runtimeArgs: ['--debug'] } } }, 'hybrid');
    assert.deepEqual(t.table.get('mine'), { name: 'mine', path: fake, runtimeArgs: ['--debug'] });
    if (t.table.has('runc')) assert.equal(t.default, 'runc');
    if (t.table.has('crun')) {
      assert.equal((await buildRuntimeTable({}, 'v2')).default, 'crun');
      assert.equal((await buildRuntimeTable({}, 'v1')).default, 'crun');
      if (t.table.has('runc')) assert.equal((await buildRuntimeTable({ defaultRuntime: 'runc' }, 'v1')).default, 'runc');
    }
    assert.equal((await buildRuntimeTable({ runtimes: { mine: { path: fake } }, defaultRuntime: 'mine' }, 'v1')).default, 'mine');
    await assert.rejects(buildRuntimeTable({ defaultRuntime: 'nope' }, 'v1'), /specified default runtime 'nope' does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
