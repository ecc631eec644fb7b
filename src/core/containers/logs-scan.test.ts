import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogScanner, isCountedLine } from './logs-scan.js';
import { parseLogSize, resolveLogConfig, rotationOf } from './logs-config.js';

const L = (ts: string, s: string, tag: string, text: string) => `2026-11-22T10:00:${ts}.000000001+00:00 ${s} ${tag} ${text}\n`;

function scan(input: string | Buffer, o: Partial<ConstructorParameters<typeof LogScanner>[0]> = {}, pieces = 1): string[] {
  const sc = new LogScanner({ stdout: true, stderr: true, timestamps: false, ...o });
  const b = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const step = Math.ceil(b.length / pieces);
  for (let i = 0; i < b.length; i += step) sc.feed(Buffer.from(b.subarray(i, i + step)));
  return sc.take().map((c) => `${c.stream}:${c.data.toString('latin1')}`);
}

test('scanner: joins partials, keeps streams apart, any chunking', () => {
  const input = L('01', 'stdout', 'P', 'ab') + L('01', 'stdout', 'F', 'c') + L('02', 'stderr', 'F', 'err') + L('03', 'stdout', 'F', 'd');
  for (const pieces of [1, 3, 7, 50]) assert.deepEqual(scan(input, {}, pieces), ['1:abc\n', '2:err\n', '1:d\n']);
});

test('scanner: stream filter, since/until, timestamps, details prefix', () => {
  const input = L('01', 'stdout', 'F', 'a') + L('02', 'stderr', 'F', 'b') + L('03', 'stdout', 'F', 'c');
  assert.deepEqual(scan(input, { stderr: false }), ['1:a\nc\n']);
  const t2 = Date.parse('2026-11-22T10:00:02Z') / 1000;
  assert.deepEqual(scan(input, { since: t2 }), ['2:b\n', '1:c\n']);
  assert.deepEqual(scan(input, { until: t2 }), ['1:a\n', '2:b\n']);
  assert.deepEqual(scan(L('01', 'stdout', 'F', 'a'), { timestamps: true, prefix: 'k=v ' }), ['1:2026-11-22T10:00:01.000000001Z k=v a\n']);
});

test('scanner: binary bytes and a final partial stay byte-exact', () => {
  const bin = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x20]);
  const input = Buffer.concat([Buffer.from('2026-11-22T10:00:01.1Z stdout P '), bin, Buffer.from('\n')]);
  const sc = new LogScanner({ stdout: true, stderr: true, timestamps: false });
  sc.feed(input);
  assert.deepEqual(Buffer.concat(sc.take().map((c) => c.data)), bin);
  assert.equal(sc.midLine, true);
});

test('isCountedLine: F lines of wanted streams only', () => {
  const b = Buffer.from(L('01', 'stdout', 'F', 'a') + L('01', 'stderr', 'P', 'x'));
  const nl = b.indexOf(0x0a);
  assert.equal(isCountedLine(b, 0, nl, { stdout: true, stderr: true }), true);
  assert.equal(isCountedLine(b, 0, nl, { stdout: false, stderr: true }), false);
  assert.equal(isCountedLine(b, nl + 1, b.length - 1, { stdout: true, stderr: true }), false);
});

test('log config: drivers, daemon defaults, rotation', () => {
  assert.equal(parseLogSize('10k'), 10240);
  assert.equal(parseLogSize('20m'), 20 * 1024 * 1024);
  assert.deepEqual(resolveLogConfig(undefined), { Type: 'json-file', Config: {} });
  assert.deepEqual(resolveLogConfig({ Type: '' }, 'local', { 'max-size': '1m' }), { Type: 'local', Config: { 'max-size': '1m' } });
  assert.deepEqual(resolveLogConfig({ Type: 'json-file', Config: {} }, 'local', { 'max-size': '1m' }), { Type: 'json-file', Config: {} });
  assert.throws(() => resolveLogConfig({ Type: 'syslogx' }), /no log driver named 'syslogx' is registered/);
  assert.throws(() => resolveLogConfig({ Type: 'json-file', Config: { foo: '1' } }), /unknown log opt 'foo' for json-file log driver/);
  assert.deepEqual(rotationOf({ Type: 'local', Config: {} }), { maxSize: 20 * 1024 * 1024, maxFiles: 5, compress: true });
  assert.deepEqual(rotationOf({ Type: 'json-file', Config: { 'max-size': '10k', 'max-file': '3' } }), { maxSize: 10240, maxFiles: 3, compress: false });
  assert.equal(rotationOf({ Type: 'json-file', Config: {} }), undefined);
});

test('scanner: in place and copying give the same bytes; taken frames stay intact', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  let input = '';
  for (let i = 0; i < 3000; i++) {
    const text = 'y'.repeat(rnd(300)) + String(i);
    input += L(String(rnd(60)).padStart(2, '0'), rnd(3) ? 'stdout' : 'stderr', rnd(5) ? 'F' : 'P', text);
  }
  const bytes = Buffer.from(input);
  // Frame boundaries may differ between the modes: compare what each stream received.
  const perStream = (frames: { stream: number; data: Buffer }[]) =>
    [1, 2].map((k) => Buffer.concat(frames.filter((f) => f.stream === k).map((f) => f.data)).toString('latin1'));
  for (const o of [{ stdout: true, stderr: true }, { stdout: true, stderr: false }]) {
    const copying = new LogScanner({ ...o, timestamps: false, prefix: '' }); // a prefix forces copy mode
    copying.feed(bytes);
    const want = perStream(copying.take());
    for (const step of [1, 97, 4096, 70_000, bytes.length]) {
      const sc = new LogScanner({ ...o, timestamps: false });
      const taken: { stream: number; data: Buffer }[] = [];
      for (let p = 0; p < bytes.length; ) {
        const { buf, off } = sc.space();
        const n = bytes.copy(buf, off, p, Math.min(bytes.length, p + step));
        p += n;
        sc.commit(n);
        taken.push(...sc.take());
      }
      assert.deepEqual(perStream(taken), want, `step ${step}`);
    }
  }
});

test('read buffer pool: a buffer is reused only after retirement and every frame released', async () => {
  const { ReadBufferPool } = await import('./logs-pool.js');
  const pool = new ReadBufferPool(16, 2);
  const a = pool.get(16);
  const r1 = pool.frame(a)!;
  const r2 = pool.frame(a)!;
  pool.retire(a);
  r1();
  r1(); // idempotent
  assert.notEqual(pool.get(16), a, 'one frame still open');
  r2();
  assert.equal(pool.get(16), a);
  assert.equal(pool.frame(Buffer.alloc(4)), undefined);
  assert.equal(pool.get(32).length, 32);
});

test('scanner: unreleased frames are never overwritten; released buffers are recycled', () => {
  const line = L('01', 'stdout', 'F', 'z'.repeat(1000));
  const bytes = Buffer.from(line.repeat(5000)); // ~5 MiB: several read buffers
  const sc = new LogScanner({ stdout: true, stderr: true, timestamps: false });
  const kept: Buffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  let p = 0;
  let i = 0;
  while (p < bytes.length) {
    const { buf, off } = sc.space();
    seen.add(buf.buffer);
    const n = bytes.copy(buf, off, p, Math.min(bytes.length, p + 300_000));
    p += n;
    sc.commit(n);
    for (const c of sc.take()) {
      // Release every other frame: their buffers may come back, the kept ones must not change.
      if (i++ % 2 === 0) c.release?.();
      else kept.push(Buffer.from(c.data), c.data);
    }
  }
  for (let k = 0; k < kept.length; k += 2) assert.ok(kept[k]!.equals(kept[k + 1]!), 'a kept frame changed');
  const all = new LogScanner({ stdout: true, stderr: true, timestamps: false });
  all.feed(bytes);
  const total = all.take().reduce((s, c) => (c.release?.(), s + c.data.length), 0);
  assert.equal(total, 5000 * 1001);
  // Releasing everything as it comes keeps the scanner on few buffers.
  const sc2 = new LogScanner({ stdout: true, stderr: true, timestamps: false });
  const bufs = new Set<ArrayBufferLike>();
  for (let q = 0; q < bytes.length; ) {
    const { buf, off } = sc2.space();
    bufs.add(buf.buffer);
    const n = bytes.copy(buf, off, q, Math.min(bytes.length, q + 1024 * 1024));
    q += n;
    sc2.commit(n);
    for (const c of sc2.take()) c.release?.();
  }
  assert.ok(bufs.size <= 2, `${bufs.size} buffers`);
  assert.ok(seen.size >= 2);
});
