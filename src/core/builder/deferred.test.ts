import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { extractTarInto } from './extract.js';
import { copyIntoRootfs, hashSources, resolveSources, type SourceRoot } from './copy-files.js';
import { createDeferredBodies, materializeDeferred } from './deferred.js';
import { createContentMemo, type KeptFile } from './content-memo.js';
import { TarWriter } from '../../lib/tar/index.js';

type Entry = { name: string; type: 'file' | 'link' | 'directory'; data?: Buffer; linkname?: string; mode?: number };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const w = new TarWriter();
  const chunks: Buffer[] = [];
  w.stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => w.stream.on('end', r));
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    await w.add({ name: e.name, type: e.type, size: e.type === 'file' ? data.length : 0, mode: e.mode ?? 0o644, uid: 0, gid: 0, mtime: new Date(1_000_000_000_000), linkname: e.linkname }, e.type === 'file' ? data : undefined);
  }
  await w.finish();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('context files are held in memory (nothing on disk), hashed, copied from memory and materialized on demand', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-deferred-'));
  try {
    const big = Buffer.alloc(3 << 20, 7);
    const big2 = Buffer.alloc(2 << 20, 9);
    const old = Buffer.alloc(2 << 20, 1);
    const tar = await tarOf([
      { name: 'big.bin', type: 'file', data: big, mode: 0o640 },
      { name: 'twice.bin', type: 'file', data: old },
      { name: 'twice.bin', type: 'file', data: big2 },
      { name: 'linked.bin', type: 'file', data: big2 },
      { name: 'hard', type: 'link', linkname: 'linked.bin' },
      { name: 'd', type: 'directory', mode: 0o750 },
      { name: 'd/small.txt', type: 'file', data: Buffer.from('small'), mode: 0o604 },
      { name: 'd/s2', type: 'file', data: Buffer.from('two') },
    ]);
    const ctx = path.join(dir, 'ctx');
    const hashes = new Map<string, string>();
    const mtimes = new Map<string, Date>();
    const defer = createDeferredBodies(64 << 20);
    await extractTarInto(Readable.from([tar]), ctx, { keepOwnership: false, fresh: true, hashes, mtimes, defer });
    const abs = (n: string) => path.join(ctx, n);
    // Nothing on disk for held files; the hash is of the real content.
    await assert.rejects(stat(abs('big.bin')), /ENOENT/);
    await assert.rejects(stat(abs('d/small.txt')), /ENOENT/);
    assert.equal(hashes.get(abs('big.bin')), sha(big));
    assert.equal(hashes.get(abs('twice.bin')), sha(big2));
    assert.equal(hashes.get(abs('d/small.txt')), sha(Buffer.from('small')));
    assert.deepEqual([...defer.bodies.keys()].sort(), [abs('big.bin'), abs('d/s2'), abs('d/small.txt'), abs('twice.bin')]);
    // A hardlinked body was written at once: both names have the content.
    assert.deepEqual(await readFile(abs('hard')), big2);
    assert.deepEqual(await readFile(abs('linked.bin')), big2);

    const src: SourceRoot = { root: ctx, hashes, mtimes, deferred: defer };
    const items = await resolveSources(src, ['big.bin', 'twice.bin', 'hard']);
    const h1 = await hashSources(src, items);
    const dirItems = await resolveSources(src, ['d', 'd/*.txt']);
    assert.deepEqual(dirItems.map((i) => [i.rel, i.isDir]), [['d', true], ['d/small.txt', false]]);
    const h2 = await hashSources(src, dirItems);
    const rootfs = path.join(dir, 'rootfs');
    await mkdir(rootfs);
    await copyIntoRootfs(src, items, rootfs, '/data/', { owner: { uid: 0, gid: 0 } });
    assert.deepEqual(await readFile(path.join(rootfs, 'data/big.bin')), big);
    assert.deepEqual(await readFile(path.join(rootfs, 'data/twice.bin')), big2);
    assert.deepEqual(await readFile(path.join(rootfs, 'data/hard')), big2);
    assert.equal((await stat(path.join(rootfs, 'data/big.bin'))).mode & 0o777, 0o640);
    assert.equal((await stat(path.join(rootfs, 'data/big.bin'))).mtimeMs, 1_000_000_000_000);
    await copyIntoRootfs(src, [dirItems[0]!], rootfs, '/dir/', { owner: { uid: 0, gid: 0 } });
    assert.equal(await readFile(path.join(rootfs, 'dir/small.txt'), 'utf8'), 'small');
    assert.equal((await stat(path.join(rootfs, 'dir/small.txt'))).mode & 0o777, 0o604);
    assert.equal(await readFile(path.join(rootfs, 'dir/s2'), 'utf8'), 'two');

    await materializeDeferred(defer, mtimes);
    assert.equal(defer.bodies.size, 0);
    assert.deepEqual(await readFile(abs('big.bin')), big);
    assert.deepEqual(await readFile(abs('twice.bin')), big2);
    assert.equal((await stat(abs('big.bin'))).mtimeMs, 1_000_000_000_000);
    assert.equal((await stat(abs('big.bin'))).mode & 0o777, 0o640);
    assert.equal((await stat(abs('d/small.txt'))).mode & 0o777, 0o604);
    assert.equal((await stat(abs('d/small.txt'))).mtimeMs, 1_000_000_000_000);
    assert.equal((await stat(abs('d'))).mtimeMs, 1_000_000_000_000);
    // Same cache digest whether the bodies are held or on disk (and without the known hashes).
    assert.equal(await hashSources({ root: ctx }, items), h1);
    assert.equal(await hashSources({ root: ctx }, dirItems), h2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a big file equal to its namesake of the last context is compared, not hashed; a changed one is hashed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-deferred-'));
  try {
    const big = Buffer.alloc(3 << 20, 7);
    const changed = Buffer.from(big);
    changed[2 << 20] = 1;
    const memo = createContentMemo();
    const run = async (data: Buffer, n: number, chunk?: number) => {
      const hashes = new Map<string, string>();
      const memoOut = new Map<string, KeptFile>();
      const ctx = path.join(dir, `c${n}`);
      const tar = await tarOf([{ name: 'big.bin', type: 'file', data }]);
      const parts: Buffer[] = [];
      for (let i = 0; i < tar.length; i += chunk ?? tar.length) parts.push(tar.subarray(i, i + (chunk ?? tar.length)));
      const defer = createDeferredBodies(64 << 20);
      await extractTarInto(Readable.from(parts), ctx, { keepOwnership: false, fresh: true, hashes, mtimes: new Map(), defer, memo, memoOut });
      const file = path.join(ctx, 'big.bin');
      // What is held is the received content, whether kept chunks stand for it or not.
      assert.ok(Buffer.concat(defer.bodies.get(file)!).equals(data), 'held content');
      if (chunk === undefined) memo.publish(memoOut);
      return hashes.get(file);
    };
    assert.equal(await run(big, 1), sha(big));
    assert.equal(memo.get('big.bin', big.length)?.digest, sha(big));
    assert.equal(await run(big, 2), sha(big));
    // The kept digest is what a same-content file gets (a sentinel shows it was not hashed).
    memo.publish(new Map([['big.bin', { ...memo.get('big.bin', big.length)!, digest: 'kept' }]]));
    assert.equal(await run(big, 5), 'kept');
    assert.equal(await run(changed, 3), sha(changed));
    assert.equal(await run(big, 4), sha(big));
    // A changed byte anywhere (first, chunk edges, last), whatever the chunking, gets its own digest.
    for (const [i, at] of [0, 16_383, 16_384, 1 << 20, big.length - 1].entries()) {
      for (const size of [1000, 16_384]) {
        memo.publish(new Map([['big.bin', { chunks: [big], size: big.length, digest: 'kept' }]]));
        const other = Buffer.from(big);
        other[at] = 9;
        assert.equal(await run(other, 10 + i * 2 + (size === 1000 ? 0 : 1), size), sha(other), `byte ${at}, chunks of ${size}`);
      }
    }
    memo.publish(new Map([['big.bin', { chunks: [big], size: big.length, digest: 'kept' }]]));
    assert.equal(await run(big, 30, 1000), 'kept');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bodies over the budget are written to disk as before', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-deferred-'));
  try {
    const big = Buffer.alloc(3 << 20, 5);
    const defer = createDeferredBodies(1 << 20);
    await extractTarInto(Readable.from([await tarOf([{ name: 'f', type: 'file', data: big }])]), dir, { keepOwnership: false, fresh: true, hashes: new Map(), defer });
    assert.equal(defer.bodies.size, 0);
    assert.deepEqual(await readFile(path.join(dir, 'f')), big);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a held body replaced by a directory is forgotten', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-deferred-'));
  try {
    const tar = await tarOf([
      { name: 'x', type: 'file', data: Buffer.alloc(2 << 20, 3) },
      { name: 'x', type: 'directory', mode: 0o755 },
    ]);
    const defer = createDeferredBodies(64 << 20);
    await extractTarInto(Readable.from([tar]), dir, { keepOwnership: false, fresh: true, hashes: new Map(), defer });
    assert.equal(defer.bodies.size, 0);
    await materializeDeferred(defer);
    assert.ok((await stat(path.join(dir, 'x'))).isDirectory());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
