import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createHashOffload } from './hash-worker.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('inline until the worker is up, then on the worker: the same sha256', async () => {
  const off = createHashOffload();
  try {
    const data = randomBytes(3_000_000);
    const first = off.begin();
    await first.update(data);
    assert.equal(await first.digest(), sha(data));
    assert.equal(await off.ready(), true);
    const h = off.begin();
    for (let i = 0; i < data.length; i += 65_536) await h.update(data.subarray(i, i + 65_536));
    assert.equal(await h.digest(), sha(data));
    const empty = off.begin();
    assert.equal(await empty.digest(), sha(Buffer.alloc(0)));
  } finally {
    await off.close();
  }
});

test('a small ring: records wrap, writers wait for room, concurrent jobs stay apart', async () => {
  const off = createHashOffload({ ringBytes: 1 << 16 });
  try {
    assert.equal(await off.ready(), true);
    const bodies = [randomBytes(1_000_003), randomBytes(500_001), randomBytes(77)];
    const jobs = bodies.map(() => off.begin());
    // Interleaved updates of odd sizes, some bigger than the ring, without awaiting each.
    const pending: Promise<void>[] = [];
    for (let off2 = 0; off2 < 1_000_003; off2 += 40_009) {
      bodies.forEach((b, i) => {
        if (off2 < b.length) {
          const r = jobs[i]!.update(b.subarray(off2, off2 + 40_009));
          if (r) pending.push(r);
        }
      });
    }
    await Promise.all(pending);
    const got = await Promise.all(jobs.map((j) => j.digest()));
    assert.deepEqual(got, bodies.map(sha));
    const big = randomBytes(300_000);
    const one = off.begin();
    await one.update(big);
    assert.equal(await one.digest(), sha(big));
  } finally {
    await off.close();
  }
});

test('after close, jobs are hashed inline', async () => {
  const off = createHashOffload();
  await off.ready();
  await off.close();
  const h = off.begin();
  await h.update(Buffer.from('hello'));
  assert.equal(await h.digest(), sha(Buffer.from('hello')));
});
