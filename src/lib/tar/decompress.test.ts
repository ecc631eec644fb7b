import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { isKind } from '../errors.js';
import { decompress } from './index.js';

async function collect(s: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
}

function chunks(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

test('gzip input in many small chunks (pieces gathered and reused) decompresses exactly', async () => {
  const data = Buffer.concat([randomBytes(5 << 20), Buffer.alloc(3 << 20, 'a'), randomBytes(12345)]);
  const gz = gzipSync(data);
  for (const size of [1, 7, 65536, 3 << 20]) {
    const src = size === 1 ? [gz.subarray(0, 1), gz.subarray(1, 3), gz.subarray(3)] : chunks(gz, size);
    assert.ok((await collect(await decompress(Readable.from(src)))).equals(data), `chunks of ${size}`);
  }
});

test('a failing source fails the gunzip stream with its error; a consumer may stop early', async () => {
  const gz = gzipSync(randomBytes(4 << 20));
  const failing = Readable.from((async function* () {
    yield gz.subarray(0, 2 << 20);
    throw new Error('connection reset');
  })());
  await assert.rejects(collect(await decompress(failing)), /connection reset/);
  const truncated = Readable.from([gz.subarray(0, gz.length - 100)]);
  await assert.rejects(collect(await decompress(truncated)), (e) => isKind(e, 'InvalidArgument'));
  const src = Readable.from(chunks(gz, 65536));
  const out = await decompress(src);
  for await (const _ of out) break;
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(src.destroyed, 'the source is released when the reader stops');
});
