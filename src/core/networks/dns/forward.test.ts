import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstream } from './forward.js';
import { createFrameReader, frame } from './framing.js';

test('upstream addresses: ip, ip:port, [v6]:port, bare v6; malformed refused', () => {
  assert.deepEqual(parseUpstream('10.0.0.2'), { host: '10.0.0.2', port: 53 });
  assert.deepEqual(parseUpstream(' 127.0.0.53:5353 '), { host: '127.0.0.53', port: 5353 });
  assert.deepEqual(parseUpstream('[::1]:54'), { host: '::1', port: 54 });
  assert.deepEqual(parseUpstream('[fd00::1]'), { host: 'fd00::1', port: 53 });
  assert.deepEqual(parseUpstream('fd00::53'), { host: 'fd00::53', port: 53 });
  for (const bad of ['', '1.2.3.4:0', '1.2.3.4:70000', '1.2.3.4:x', ':53']) assert.equal(parseUpstream(bad), undefined, bad);
});

test('TCP framing: messages split across chunks and several in one chunk', () => {
  const a = Buffer.from('hello');
  const b = Buffer.alloc(300, 7);
  const wire = Buffer.concat([frame(a), frame(b), frame(Buffer.alloc(0))]);
  const r = createFrameReader();
  const got: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 3) got.push(...r.push(wire.subarray(i, i + 3)));
  assert.deepEqual(got.map((x) => x.length), [5, 300, 0]);
  assert.deepEqual(got[0], a);
  assert.deepEqual(createFrameReader().push(wire).map((x) => x.length), [5, 300, 0]);
  assert.throws(() => frame(Buffer.alloc(70000)), RangeError);
});
