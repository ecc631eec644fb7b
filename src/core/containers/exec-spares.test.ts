import test from 'node:test';
import assert from 'node:assert/strict';
import type { PreparedExec } from '../runtime/index.js';
import { ExecSpares } from './exec-spares.js';

/** A fake prepared runtime that counts its discards. */
function fake(): { runtime: Promise<PreparedExec | undefined>; discarded: () => number } {
  let n = 0;
  const p: PreparedExec = { start: async () => undefined, discard: () => void n++ };
  return { runtime: Promise.resolve(p), discarded: () => n };
}
const tick = () => new Promise((r) => setImmediate(r));

test('a spare serves one exec of the same run and stdin mode', async () => {
  const spares = new ExecSpares(1000);
  const a = fake();
  spares.put('c1', { startedAt: 't1', stdin: false, runtime: a.runtime });
  assert.equal(spares.has('c1'), true);
  assert.equal(spares.take('c2', 't1', false), undefined);
  assert.equal(spares.take('c1', 't1', false), a.runtime);
  assert.equal(spares.has('c1'), false, 'handed over once');
  assert.equal(spares.take('c1', 't1', false), undefined);
  await tick();
  assert.equal(a.discarded(), 0, 'the taker owns it');
});

test('a spare that does not fit, a replaced one, a dropped one and close() are discarded', async () => {
  const spares = new ExecSpares(1000);
  const [a, b, c, d, e] = [fake(), fake(), fake(), fake(), fake()];
  spares.put('c1', { startedAt: 't1', stdin: false, runtime: a.runtime });
  assert.equal(spares.take('c1', 't2', false), undefined, 'another run of the container');
  spares.put('c1', { startedAt: 't1', stdin: false, runtime: b.runtime });
  assert.equal(spares.take('c1', 't1', true), undefined, 'another stdin mode');
  spares.put('c1', { startedAt: 't1', stdin: false, runtime: c.runtime });
  spares.put('c1', { startedAt: 't1', stdin: false, runtime: d.runtime });
  spares.drop('c1');
  spares.put('c2', { startedAt: 't1', stdin: false, runtime: e.runtime });
  spares.close();
  await tick();
  assert.deepEqual([a, b, c, d, e].map((x) => x.discarded()), [1, 1, 1, 1, 1]);
  assert.equal(spares.has('c2'), false);
});

test('a spare expires', async () => {
  const spares = new ExecSpares(20);
  const a = fake();
  spares.put('c1', { startedAt: 't1', stdin: false, runtime: a.runtime });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(spares.has('c1'), false);
  assert.equal(a.discarded(), 1);
});
