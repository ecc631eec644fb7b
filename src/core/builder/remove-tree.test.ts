import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { removeTree } from './remove-tree.js';

test('removes a nested tree with files, empty dirs and symlinks, never following links', async () => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'rt-'));
  const outside = path.join(base, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'keep'), 'k');
  const root = path.join(base, 'root');
  for (let d = 0; d < 5; d++) {
    await mkdir(path.join(root, `d${d}`, 'deep', 'er'), { recursive: true });
    for (let i = 0; i < 50; i++) await writeFile(path.join(root, `d${d}`, `f${i}`), 'x');
    await writeFile(path.join(root, `d${d}`, 'deep', 'er', 'g'), 'y');
  }
  await mkdir(path.join(root, 'empty'));
  await symlink(outside, path.join(root, 'link'));
  await symlink('/nonexistent', path.join(root, 'dangling'));
  await removeTree(root, 3);
  assert.deepEqual(await readdir(base), ['outside']);
  assert.ok((await stat(path.join(outside, 'keep'))).isFile());
});

test('a missing root is not an error; a file root is removed', async () => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'rt-'));
  await removeTree(path.join(base, 'nope'));
  await writeFile(path.join(base, 'file'), 'x');
  await removeTree(path.join(base, 'file'));
  assert.deepEqual(await readdir(base), []);
});
