import test from 'node:test';
import assert from 'node:assert/strict';
import { createHeapTrimmer } from './heap-trim.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('trims after each delay; a newer burst reschedules; close cancels', async () => {
  let n = 0;
  const t = createHeapTrimmer({ trim: () => void n++ }, { delaysMs: [10, 40] });
  t.soon();
  await sleep(25);
  assert.equal(n, 1);
  t.soon(); // reschedules both
  await sleep(25);
  assert.equal(n, 2);
  await sleep(40);
  assert.equal(n, 3);
  t.soon();
  t.close();
  await sleep(60);
  assert.equal(n, 3);
});

test('the real malloc_trim can be called', async () => {
  const t = createHeapTrimmer({}, { delaysMs: [1] });
  t.soon();
  await sleep(20);
  t.close();
});
