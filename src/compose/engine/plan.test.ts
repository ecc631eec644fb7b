import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planService } from './plan.js';
import type { ObservedContainer } from './observed.js';

const c = (number: number, hash = 'h', state = 'running'): ObservedContainer => ({ id: `id${number}`, name: `proj-web-${number}`, service: 'web', number, oneoff: false, state, status: '', hash, image: 'busybox', labels: {}, summary: {} as never });

test('up to date containers are kept; missing replicas get the lowest free numbers', () => {
  const p = planService({ existing: [c(1), c(3)], scale: 3, hash: 'h', policy: 'diverged' });
  assert.deepEqual(p.keep.map((x) => x.number), [1, 3]);
  assert.deepEqual(p.create, [2]);
  assert.deepEqual(p.recreate, []);
  assert.deepEqual(p.remove, []);
});

test('a changed hash recreates, --no-recreate keeps, --force-recreate recreates all', () => {
  assert.deepEqual(planService({ existing: [c(1, 'old')], scale: 1, hash: 'h', policy: 'diverged' }).recreate.map((x) => x.number), [1]);
  assert.deepEqual(planService({ existing: [c(1, 'old')], scale: 1, hash: 'h', policy: 'never' }).keep.map((x) => x.number), [1]);
  assert.deepEqual(planService({ existing: [c(1), c(2)], scale: 2, hash: 'h', policy: 'force' }).recreate.map((x) => x.number), [1, 2]);
});

test('an image ID change recreates', () => {
  const x = { ...c(1), imageId: 'sha256:a' };
  assert.equal(planService({ existing: [x], scale: 1, hash: 'h', imageId: 'sha256:b', policy: 'diverged' }).recreate.length, 1);
  assert.equal(planService({ existing: [x], scale: 1, hash: 'h', imageId: 'sha256:a', policy: 'diverged' }).keep.length, 1);
});

test('scale down removes the highest numbers, preferring stale and stopped ones', () => {
  const p = planService({ existing: [c(1), c(2), c(3)], scale: 1, hash: 'h', policy: 'diverged' });
  assert.deepEqual(p.keep.map((x) => x.number), [1]);
  assert.deepEqual(p.remove.map((x) => x.number), [3, 2]);
  const q = planService({ existing: [c(1, 'old'), c(2)], scale: 1, hash: 'h', policy: 'diverged' });
  assert.deepEqual(q.keep.map((x) => x.number), [2]);
  assert.deepEqual(q.remove.map((x) => x.number), [1]);
  assert.deepEqual(planService({ existing: [c(1)], scale: 0, hash: 'h', policy: 'diverged' }).remove.map((x) => x.number), [1]);
});
