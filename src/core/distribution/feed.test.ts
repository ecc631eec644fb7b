import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobFeed } from './feed.js';

async function collect(s: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
}

test('a feed passes bytes in order with back-pressure, and ends when told', async () => {
  const f = new BlobFeed();
  const data = Array.from({ length: 40 }, () => randomBytes(1 << 20));
  const reading = collect(f.stream);
  let waited = 0;
  for (const d of data) {
    const w = f.write(d);
    if (w) {
      waited++;
      await w;
    }
  }
  f.end();
  assert.ok((await reading).equals(Buffer.concat(data)));
  assert.ok(waited > 0, 'the writer was held back');
});

test('a failed feed fails its reader; writes after the reader left are dropped', async () => {
  const f = new BlobFeed();
  const reading = collect(f.stream);
  f.write(Buffer.from('abc'));
  f.fail(new Error('digest mismatch'));
  await assert.rejects(reading, /digest mismatch/);
  assert.equal(f.open, false);
  assert.equal(f.write(Buffer.from('x')), undefined);
  const g = new BlobFeed();
  const w = (async () => {
    for (let i = 0; i < 20; i++) await g.write(randomBytes(1 << 20));
  })();
  g.stream.destroy();
  await w; // a writer waiting on a reader that went away is released
});

test('pipeFrom copies a whole stream and ends', async () => {
  const f = new BlobFeed();
  const data = randomBytes(3 << 20);
  const reading = collect(f.stream);
  await f.pipeFrom(Readable.from([data.subarray(0, 10), data.subarray(10)]));
  assert.ok((await reading).equals(data));
});
