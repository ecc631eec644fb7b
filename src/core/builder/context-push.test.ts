import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readTar, TarWriter } from '../../lib/tar/index.js';
import { readContextPush, type BodySink } from './context-push.js';

const mtime = new Date('2021-02-03T04:05:06Z');

async function tarOf(add: (w: TarWriter) => Promise<void>): Promise<Buffer> {
  const w = new TarWriter();
  const parts: Buffer[] = [];
  w.stream.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((r) => w.stream.on('end', r));
  await add(w);
  await w.finish();
  await ended;
  return Buffer.concat(parts);
}

function sample(): Promise<Buffer> {
  return tarOf(async (w) => {
    const big = Buffer.alloc(30_000, 7);
    await w.add({ name: 'Dockerfile', type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0, mtime }, Buffer.from('FROM x\nRUN'));
    await w.add({ name: 'd', type: 'directory', size: 0, mode: 0o755, uid: 1, gid: 2, mtime });
    await w.add({ name: 'd/' + 'n'.repeat(150), type: 'file', size: big.length, mode: 0o600, uid: 300000, gid: 0, mtime }, big);
    await w.add({ name: 'd/héllo', type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime });
    await w.add({ name: 'd/sym', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, mtime, linkname: 'z'.repeat(120) });
    await w.add({ name: 'd/hard', type: 'link', size: 0, mode: 0o644, uid: 0, gid: 0, mtime, linkname: 'Dockerfile' });
    await w.add({ name: 'last', type: 'file', size: 3, mode: 0o644, uid: 0, gid: 0, mtime, xattrs: new Map([['user.a', Buffer.from([0, 1, 255])]]) }, Buffer.from('end'));
  });
}

function chunked(b: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) parts.push(b.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

/** Every entry with its body; with `slow`, each sink answers with a promise (the input must wait). */
async function listContext(src: Readable, opts: { skipBodies?: boolean; slow?: boolean } = {}) {
  const out: { header: unknown; body: string }[] = [];
  const tick = () => new Promise<void>((r) => setImmediate(r));
  await readContextPush(src, (header) => {
    if (opts.skipBodies) {
      out.push({ header, body: '' });
      return opts.slow ? tick().then(() => undefined) : undefined;
    }
    const parts: Buffer[] = [];
    const sink: BodySink = {
      data(p) {
        parts.push(Buffer.from(p));
        if (opts.slow) return tick();
      },
      end() {
        out.push({ header, body: Buffer.concat(parts).toString('base64') });
        if (opts.slow) return tick();
      },
    };
    return opts.slow ? tick().then(() => sink) : sink;
  });
  return out;
}

test('readContextPush reads what the generic reader reads, whatever the chunking, with or without waiting sinks', async () => {
  const tar = await sample();
  const want: { header: unknown; body: string }[] = [];
  for await (const e of readTar(Readable.from([tar]))) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c as Buffer);
    want.push({ header: e.header, body: Buffer.concat(parts).toString('base64') });
  }
  assert.equal(want.length, 7);
  for (const size of [1, 7, 100, 512, 4096, 65536, tar.length]) {
    assert.deepEqual(await listContext(chunked(tar, size)), want, `chunks of ${size}`);
    assert.deepEqual(await listContext(chunked(tar, size), { slow: true }), want, `chunks of ${size}, slow sinks`);
  }
  assert.deepEqual(await listContext(Readable.from([gzipSync(tar)])), want, 'gzip');
  assert.deepEqual(await listContext(chunked(gzipSync(tar), 3)), want, 'gzip in 3-byte chunks');
  const skipped = await listContext(chunked(tar, 333), { skipBodies: true });
  assert.deepEqual(skipped.map((x) => x.header), want.map((x) => x.header));
  const skippedSlow = await listContext(chunked(tar, 333), { skipBodies: true, slow: true });
  assert.deepEqual(skippedSlow.map((x) => x.header), want.map((x) => x.header));
  // Bytes after the end of the archive are drained and ignored; an empty input is an empty archive.
  assert.deepEqual(await listContext(chunked(Buffer.concat([tar, Buffer.from('trailing garbage')]), 1000)), want);
  assert.deepEqual(await listContext(Readable.from([], { objectMode: false })), []);
});

test('readContextPush accepts a tar ending right after the last body, rejects one ending inside it', async () => {
  const tar = await sample();
  // The last entry's body ('end') starts 3 bytes before its padding; cut after it.
  const bodyEnd = tar.lastIndexOf(Buffer.from('end')) + 3;
  const got = await listContext(chunked(tar.subarray(0, bodyEnd), 1000));
  assert.equal(got.length, 7);
  assert.equal(Buffer.from(got[6]!.body, 'base64').toString(), 'end');
  await assert.rejects(listContext(chunked(tar.subarray(0, bodyEnd - 1), 1000)), /unexpected EOF/);
  await assert.rejects(listContext(chunked(tar.subarray(0, bodyEnd + 1), 1000)), /unexpected EOF/, 'inside the padding');
  await assert.rejects(listContext(chunked(tar.subarray(0, 700), 1000)), /unexpected EOF/, 'inside a header');
  const bad = Buffer.from(tar);
  bad[10] = 0x41;
  await assert.rejects(listContext(Readable.from([bad])), /invalid tar header/);
});

test('a source closed before its end is "unexpected EOF"; a throwing sink fails the read and destroys the source', async () => {
  const tar = await sample();
  const cut = new Readable({ read() {} });
  cut.push(tar.subarray(0, 700));
  setImmediate(() => cut.destroy());
  await assert.rejects(listContext(cut), /unexpected EOF/);
  const src = chunked(tar, 100);
  await assert.rejects(
    readContextPush(src, (h) => (h.name === 'last' ? Promise.reject(new Error('sink failed')) : undefined)),
    /sink failed/,
  );
  assert.equal(src.destroyed, true);
  await assert.rejects(
    readContextPush(chunked(tar, 100), () => ({
      data() {
        throw new Error('data failed');
      },
      end() {},
    })),
    /data failed/,
  );
});

test('a big body in small chunks to a slow sink arrives whole and in order', async () => {
  const big = Buffer.alloc(9 << 20);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
  const tar = await tarOf((w) => w.add({ name: 'big', type: 'file', size: big.length, mode: 0o644, uid: 0, gid: 0, mtime }, big));
  let n = 0;
  let same = true;
  await readContextPush(chunked(tar, 16_384), () => ({
    data(p) {
      if (!p.equals(big.subarray(n, n + p.length))) same = false;
      n += p.length;
      if (n % (1 << 20) < 16_384) return new Promise((r) => setImmediate(r));
    },
    end() {},
  }));
  assert.equal(n, big.length);
  assert.ok(same);
});
