import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAttrs } from './rtnl.js';

test('encodeAttrs pads each attribute to 4 bytes and nests lists', () => {
  assert.deepEqual([...encodeAttrs([[3, Buffer.from('lo\0')]])], [7, 0, 3, 0, 0x6c, 0x6f, 0, 0]);
  const nested = encodeAttrs([[18, [[1, Buffer.from('veth\0')]]]]);
  // outer header (len 4 + inner 12 = 16), inner header (len 9), "veth\0", 3 bytes of padding
  assert.deepEqual([...nested.subarray(0, 8)], [13 + 3, 0, 18, 0, 9, 0, 1, 0]);
  assert.equal(nested.length, 16);
  assert.deepEqual([...encodeAttrs([[4, Buffer.from([0xdc, 5, 0, 0])]])], [8, 0, 4, 0, 0xdc, 5, 0, 0]);
});
