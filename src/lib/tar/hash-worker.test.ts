import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { HashWorker } from './index.js';

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

test('HashWorker digests small streams in place and big ones on the worker, concurrently', async () => {
  const hw = new HashWorker();
  try {
    const small = randomBytes(1000);
    const hs = hw.hash();
    hs.update(small);
    assert.equal(await hs.digest(), sha(small));
    const bigs = [randomBytes(9 << 20), randomBytes((5 << 20) + 7)];
    const hashes = bigs.map(() => hw.hash());
    for (let off = 0; off < 9 << 20; off += 100_000) {
      bigs.forEach((b, i) => {
        if (off < b.length) {
          const c = Buffer.from(b.subarray(off, off + 100_000));
          hashes[i]!.update(c);
          c.fill(0); // callers may reuse their buffers
        }
      });
    }
    const got = await Promise.all(hashes.map((h) => h.digest()));
    assert.deepEqual(got, bigs.map(sha));
    const dropped = hw.hash();
    dropped.update(randomBytes(5 << 20));
    dropped.dispose();
    const empty = hw.hash();
    assert.equal(await empty.digest(), sha(Buffer.alloc(0)));
  } finally {
    await hw.close();
  }
});
