import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detachFilter, parseDetachKeys } from './detach-keys.js';
import { AsyncQueue } from './queue.js';
import { Waiters } from './wait.js';
import { humanDuration } from './human.js';
import { labelsMatch } from './filters.js';
import { filterRegexpMatch as regexpMatch } from '../../api/filters.js';

test('detach keys: parse and filter', async () => {
  assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q'), [16, 17]);
  assert.deepEqual(parseDetachKeys('a,ctrl-@'), [97, 0]);
  assert.throws(() => parseDetachKeys('ctrl-pp'));
  let detached = false;
  const f = detachFilter(undefined, () => (detached = true));
  const out: Buffer[] = [];
  f.on('data', (d: Buffer) => out.push(d));
  f.write(Buffer.from([104, 16, 105, 16]));
  f.write(Buffer.from([17, 120]));
  await new Promise((r) => setImmediate(r));
  assert.equal(detached, true);
  assert.deepEqual([...Buffer.concat(out)], [104, 16, 105]);
});

test('queue: items then end; early return calls onReturn', async () => {
  const q = new AsyncQueue<number>();
  q.push(1);
  q.push(2);
  q.end();
  const got: number[] = [];
  for await (const x of q) got.push(x);
  assert.deepEqual(got, [1, 2]);
  let returned = false;
  const q2 = new AsyncQueue<number>(() => (returned = true));
  q2.push(1);
  for await (const _ of q2) break;
  assert.equal(returned, true);
});

test('waiters: conditions', async () => {
  const w = new Waiters();
  const next = w.add('a', 'next-exit');
  const removed = w.add('a', 'removed');
  w.exited('a', 3);
  assert.deepEqual(await next, { StatusCode: 3, Error: null });
  w.removed('a', 3);
  assert.deepEqual(await removed, { StatusCode: 3, Error: null });
  const ac = new AbortController();
  const p = w.add('b', 'next-exit', ac.signal);
  ac.abort();
  await assert.rejects(p);
});

test('human durations', () => {
  assert.equal(humanDuration(0.5), 'Less than a second');
  assert.equal(humanDuration(1), '1 second');
  assert.equal(humanDuration(3), '3 seconds');
  assert.equal(humanDuration(61), 'About a minute');
  assert.equal(humanDuration(120), '2 minutes');
  assert.equal(humanDuration(3600), 'About an hour');
  assert.equal(humanDuration(5 * 3600), '5 hours');
  assert.equal(humanDuration(3 * 86400), '3 days');
  assert.equal(humanDuration(20 * 86400), '2 weeks');
  assert.equal(humanDuration(90 * 86400), '3 months');
  assert.equal(humanDuration(800 * 86400), '2 years');
});

test('filters: regexp and labels', () => {
  assert.equal(regexpMatch('^/web', '/web1'), true);
  assert.equal(regexpMatch('[', 'a[b'), true);
  assert.equal(labelsMatch(['a'], { a: '1' }), true);
  assert.equal(labelsMatch(['a=1', 'b'], { a: '1' }), false);
  assert.equal(labelsMatch(['a!=1'], { a: '2' }), true);
});

test('logs: coalesce joins same-stream chunks', async () => {
  const { coalesce } = await import('./logs.js');
  const c = (stream: 1 | 2, s: string) => ({ stream, data: Buffer.from(s) });
  const out = [...coalesce([c(1, 'a'), c(1, 'b'), c(2, 'c'), c(1, 'd')])].map((x) => `${x.stream}:${x.data}`);
  assert.deepEqual(out, ['1:ab', '2:c', '1:d']);
});
