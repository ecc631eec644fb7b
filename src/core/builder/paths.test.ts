import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, symlink, writeFile, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { goMatchRegex, hasWildcards, resolveInRoot } from './paths.js';
import { extractTarInto } from './extract.js';
import { hashSources, resolveSources } from './copy-files.js';
import { TarWriter } from '../../lib/tar/index.js';

test('resolveInRoot confines symlinks to the root', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-paths-'));
  try {
    await mkdir(path.join(root, 'a/b'), { recursive: true });
    await symlink('/etc', path.join(root, 'abs'));
    await symlink('../../..', path.join(root, 'a/b/up'));
    await symlink('a/b', path.join(root, 'rel'));
    assert.equal(await resolveInRoot(root, '/abs/passwd'), path.join(root, 'etc/passwd'));
    assert.equal(await resolveInRoot(root, 'a/b/up/x'), path.join(root, 'x'));
    assert.equal(await resolveInRoot(root, 'rel/c'), path.join(root, 'a/b/c'));
    assert.equal(await resolveInRoot(root, 'rel', false), path.join(root, 'rel'));
    assert.equal(await resolveInRoot(root, '../../x'), path.join(root, 'x'));
    await symlink('loop', path.join(root, 'loop'));
    await assert.rejects(resolveInRoot(root, 'loop/x'), /too many levels/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('Go filepath.Match wildcards', () => {
  const m = (p: string, s: string) => goMatchRegex(p).test(s);
  assert.ok(m('*.txt', 'a.txt'));
  assert.ok(!m('*.txt', 'dir/a.txt'));
  assert.ok(m('dir/*.txt', 'dir/a.txt'));
  assert.ok(m('file?', 'file1'));
  assert.ok(m('[a-c]x', 'bx'));
  assert.ok(!m('[!a-c]x', 'bx'));
  assert.ok(m('a\\*b', 'a*b'));
  assert.ok(m('a.b+c', 'a.b+c'));
  assert.ok(hasWildcards('a*'));
  assert.ok(!hasWildcards('a/b'));
});

async function tarOf(entries: { name: string; type: 'file' | 'directory' | 'symlink'; data?: string; linkname?: string; mode?: number }[], end = true): Promise<Buffer> {
  const w = new TarWriter();
  const chunks: Buffer[] = [];
  w.stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => w.stream.on('end', r));
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    await w.add({ name: e.name, type: e.type, size: e.type === 'file' ? data.length : 0, mode: e.mode ?? 0o644, uid: 0, gid: 0, mtime: new Date(1_000_000_000_000), linkname: e.linkname }, e.type === 'file' ? data : undefined);
  }
  await w.finish();
  await done;
  const all = Buffer.concat(chunks);
  return end ? all : all.subarray(0, all.length - 1024 - ((512 - ((entries.at(-1)!.data ?? '').length % 512)) % 512));
}

test('extractTarInto: files, dirs, modes, mtimes, escapes refused, hashes', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-extract-'));
  try {
    const tar = await tarOf([
      { name: 'd/', type: 'directory', mode: 0o750 },
      { name: 'd/f.txt', type: 'file', data: 'hello', mode: 0o600 },
      { name: '../evil', type: 'file', data: 'x' },
      { name: '/abs.txt', type: 'file', data: 'abs' },
      { name: 'ln', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'ln/x', type: 'file', data: 'through link' },
    ]);
    const hashes = new Map<string, string>();
    await extractTarInto(Readable.from([tar]), root, { keepOwnership: false, fresh: true, hashes });
    assert.equal(await readFile(path.join(root, 'd/f.txt'), 'utf8'), 'hello');
    assert.equal((await stat(path.join(root, 'd/f.txt'))).mode & 0o777, 0o600);
    assert.equal((await stat(path.join(root, 'd'))).mode & 0o777, 0o750);
    assert.equal((await stat(path.join(root, 'd/f.txt'))).mtimeMs, 1_000_000_000_000);
    assert.equal(await readFile(path.join(root, 'abs.txt'), 'utf8'), 'abs');
    assert.equal(await readlink(path.join(root, 'ln')), '/etc/passwd');
    await assert.rejects(stat(path.join(root, '..', 'evil')));
    assert.equal(await readFile(path.join(root, 'etc/passwd/x'), 'utf8'), 'through link');
    assert.equal(hashes.get(path.join(root, 'd/f.txt')), '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('extractTarInto accepts a tar without padding and end blocks (docker build -f -)', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-extract-'));
  try {
    const tar = await tarOf([{ name: 'Dockerfile', type: 'file', data: 'FROM x\n' }], false);
    await extractTarInto(Readable.from([tar]), root, { keepOwnership: false, fresh: true });
    assert.equal(await readFile(path.join(root, 'Dockerfile'), 'utf8'), 'FROM x\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('extractTarInto captures wanted top-level files; other kinds and replacements are marked for a disk read', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-extract-'));
  try {
    const tar = await tarOf([
      { name: './Dockerfile', type: 'file', data: 'FROM a\n' },
      { name: 'Dockerfile', type: 'file', data: 'FROM b\n' },
      { name: '.dockerignore', type: 'file', data: 'x' },
      { name: '.dockerignore', type: 'symlink', linkname: 'Dockerfile' },
      { name: 'sub/Dockerfile', type: 'file', data: 'FROM c\n' },
    ]);
    const capture = { names: new Set(['Dockerfile', '.dockerignore', 'Dockerfile.dockerignore']), files: new Map<string, Buffer | null>() };
    await extractTarInto(Readable.from([tar]), root, { keepOwnership: false, fresh: true, capture });
    assert.equal(capture.files.get('Dockerfile')?.toString(), 'FROM b\n');
    assert.equal(capture.files.get('.dockerignore'), null);
    assert.equal(capture.files.has('Dockerfile.dockerignore'), false);
    assert.equal(await readFile(path.join(root, 'Dockerfile'), 'utf8'), 'FROM b\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('sources: outside the context refused, missing reported, hashes follow content not mtime', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-src-'));
  try {
    await mkdir(path.join(root, 'dir'));
    await writeFile(path.join(root, 'dir/a'), 'A');
    await writeFile(path.join(root, 'b.txt'), 'B');
    const src = { root };
    await assert.rejects(resolveSources(src, ['../x']), /forbidden path outside the build context: \.\.\/x/);
    await assert.rejects(resolveSources(src, ['nope']), /file not found in build context or excluded by .dockerignore: stat nope: file does not exist/);
    const items = await resolveSources(src, ['dir', '*.txt']);
    assert.deepEqual(items.map((i) => [i.rel, i.isDir]), [['dir', true], ['b.txt', false]]);
    const h1 = await hashSources(src, items);
    const { utimes } = await import('node:fs/promises');
    await utimes(path.join(root, 'dir/a'), new Date(5), new Date(5));
    assert.equal(await hashSources(src, items), h1);
    await writeFile(path.join(root, 'dir/a'), 'changed');
    assert.notEqual(await hashSources(src, items), h1);
    const excluded = { root, excluded: (rel: string) => rel === 'b.txt' };
    await assert.rejects(resolveSources(excluded, ['b.txt']), /excluded by .dockerignore/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
