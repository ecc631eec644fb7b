import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readTar, TarWriter } from '../../lib/tar/index.js';
import { readContextTar } from './context-tar.js';

const mtime = new Date('2021-02-03T04:05:06Z');

async function sample(): Promise<Buffer> {
  const w = new TarWriter();
  const parts: Buffer[] = [];
  w.stream.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((r) => w.stream.on('end', r));
  const big = Buffer.alloc(30_000, 7);
  await w.add({ name: 'Dockerfile', type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0, mtime }, Buffer.from('FROM x\nRUN'));
  await w.add({ name: 'd', type: 'directory', size: 0, mode: 0o755, uid: 1, gid: 2, mtime });
  await w.add({ name: 'd/' + 'n'.repeat(150), type: 'file', size: big.length, mode: 0o600, uid: 300000, gid: 0, mtime }, big);
  await w.add({ name: 'd/héllo', type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime });
  await w.add({ name: 'd/sym', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, mtime, linkname: 'z'.repeat(120) });
  await w.add({ name: 'd/hard', type: 'link', size: 0, mode: 0o644, uid: 0, gid: 0, mtime, linkname: 'Dockerfile' });
  await w.add({ name: 'last', type: 'file', size: 3, mode: 0o644, uid: 0, gid: 0, mtime, xattrs: new Map([['user.a', Buffer.from([0, 1, 255])]]) }, Buffer.from('end'));
  await w.finish();
  await ended;
  return Buffer.concat(parts);
}

function chunked(b: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) parts.push(b.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

async function listContext(src: Readable, skipBodies = false) {
  const out: { header: unknown; body: string }[] = [];
  for await (const e of readContextTar(src)) {
    const parts: Buffer[] = [];
    if (!skipBodies) for await (const c of e.body) parts.push(c);
    out.push({ header: e.header, body: Buffer.concat(parts).toString('base64') });
  }
  return out;
}

test('readContextTar reads what the generic reader reads, whatever the chunking', async () => {
  const tar = await sample();
  const want: { header: unknown; body: string }[] = [];
  for await (const e of readTar(Readable.from([tar]))) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c as Buffer);
    want.push({ header: e.header, body: Buffer.concat(parts).toString('base64') });
  }
  assert.equal(want.length, 7);
  for (const size of [7, 100, 512, 4096, 65536, tar.length]) assert.deepEqual(await listContext(chunked(tar, size)), want, `chunks of ${size}`);
  assert.deepEqual(await listContext(Readable.from([gzipSync(tar)])), want, 'gzip');
  const skipped = await listContext(chunked(tar, 333), true);
  assert.deepEqual(skipped.map((x) => x.header), want.map((x) => x.header));
});

test('readContextTar accepts a tar ending right after the last body, rejects one ending inside it', async () => {
  const tar = await sample();
  // The last entry's body ('end') starts 3 bytes before its padding; cut after it.
  const bodyEnd = tar.lastIndexOf(Buffer.from('end')) + 3;
  const got = await listContext(chunked(tar.subarray(0, bodyEnd), 1000));
  assert.equal(got.length, 7);
  assert.equal(Buffer.from(got[6]!.body, 'base64').toString(), 'end');
  await assert.rejects(listContext(chunked(tar.subarray(0, bodyEnd - 1), 1000)), /unexpected EOF/);
  const bad = Buffer.from(tar);
  bad[10] = 0x41;
  await assert.rejects(listContext(Readable.from([bad])), /invalid tar header/);
});

test('a source closed before its end is "unexpected EOF"; paused sources are resumed as the reader goes', async () => {
  const tar = await sample();
  const cut = new Readable({ read() {} });
  cut.push(tar.subarray(0, 700));
  setImmediate(() => cut.destroy());
  await assert.rejects(async () => {
    for await (const e of readContextTar(cut)) for await (const _ of e.body) void _;
  }, /unexpected EOF/);
  // Far more than the queue's high-water mark, in small chunks, read slowly.
  const w = new TarWriter();
  const parts: Buffer[] = [];
  w.stream.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((r) => w.stream.on('end', r));
  const big = Buffer.alloc(9 << 20, 3);
  await w.add({ name: 'big', type: 'file', size: big.length, mode: 0o644, uid: 0, gid: 0, mtime }, big);
  await w.finish();
  await ended;
  let n = 0;
  for await (const e of readContextTar(chunked(Buffer.concat(parts), 16_384))) {
    for await (const c of e.body) {
      n += c.length;
      if (n % (1 << 20) < 16_384) await new Promise((r) => setImmediate(r));
    }
  }
  assert.equal(n, big.length);
});
