import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createContentMemo, MemoDigest, type KeptFile } from './content-memo.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const split = (b: Buffer, size: number) => {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
};

function digestOf(kept: KeptFile, chunks: Buffer[]): string {
  const d = new MemoDigest(kept);
  for (const c of chunks) d.update(c);
  // The content it hands out is the received content, whether kept chunks stand for it or not.
  assert.deepEqual(Buffer.concat(d.body()), Buffer.concat(chunks));
  return d.digest();
}

test('equal bytes reuse the kept digest, whatever the chunking; any difference is hashed', () => {
  const data = randomBytes(1_000_000);
  // A kept digest that is not the real one shows when it was reused.
  const kept: KeptFile = { chunks: split(data, 65_536), size: data.length, digest: 'kept' };
  assert.equal(digestOf(kept, split(data, 32_771)), 'kept');
  for (const at of [0, 65_535, 65_536, 500_000, 999_999]) {
    const other = Buffer.from(data);
    other[at]! ^= 1;
    assert.equal(digestOf(kept, split(other, 32_771)), sha(other), `difference at ${at}`);
  }
  // Longer than the kept file: hashed.
  const longer = Buffer.concat([data, Buffer.from('x')]);
  assert.equal(digestOf(kept, split(longer, 100_000)), sha(longer));
});

test('the memo answers by name and size, is replaced by the next publish and expires', async () => {
  const memo = createContentMemo({ ttlMs: 50 });
  const k: KeptFile = { chunks: [Buffer.from('abc')], size: 3, digest: sha(Buffer.from('abc')) };
  memo.publish(new Map([['a', k]]));
  assert.equal(memo.get('a', 3), k);
  assert.equal(memo.get('a', 4), undefined);
  assert.equal(memo.get('b', 3), undefined);
  memo.publish(new Map());
  assert.equal(memo.get('a', 3), undefined);
  memo.publish(new Map([['a', k]]));
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(memo.get('a', 3), undefined);
});
