import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogTimeReader, secNano } from './logs-time.js';
import { formatNano, parseNano } from './time.js';

test('log time reader: same instants, order and -t text as the general parser', () => {
  let seed = 3;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const offsets = ['+00:00', 'Z', '+02:00', '-05:30', '+0100'];
  const samples: string[] = ['garbage', '2026-11-22T10:00:01+00:00', '2026-11-22T10:00:01.+00:00', '2026-11-22T10:00:01.1234567891Z', '2026-11-22T10:00:01.5', '2026-13-22T10:00:01.5Z'];
  for (let i = 0; i < 2000; i++) {
    const sec = 1_700_000_000 + rnd(5) + (rnd(50) === 0 ? rnd(100_000) : 0);
    const iso = new Date(sec * 1000).toISOString().slice(0, 19);
    const frac = String(rnd(1_000_000_000)).padStart(9, '0').slice(0, 1 + rnd(9));
    samples.push(`${iso}.${frac}${offsets[rnd(offsets.length)]}`);
  }
  const r = new LogTimeReader();
  const limit = secNano(parseNano('2023-11-14T22:13:22.5Z')!);
  for (const s of samples) {
    const b = Buffer.from(`xx ${s} stdout F y`);
    const want = parseNano(s);
    assert.equal(r.read(b, 3, 3 + s.length), want !== undefined, s);
    if (want === undefined) continue;
    const w = secNano(want);
    assert.equal(r.before(limit), w.sec < limit.sec || (w.sec === limit.sec && w.nano < limit.nano), s);
    assert.equal(r.after(limit), w.sec > limit.sec || (w.sec === limit.sec && w.nano > limit.nano), s);
    const out = Buffer.alloc(40);
    const text = r.stamp() ?? out.toString('latin1', 0, r.write(out, 0));
    assert.equal(text, formatNano(want) + ' ', s);
  }
});
