import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILTER_OPT, parseFilters } from './common.js';
import { UsageError } from '../errors.js';

test('parseFilters reads filters as docker does', () => {
  assert.equal(parseFilters(undefined), undefined);
  assert.equal(parseFilters(['']), undefined);
  assert.deepEqual(parseFilters([' NAME = x ', 'label=a=b', 'label=c', '=v']), { name: ['x'], label: ['a=b', 'c'], '': ['v'] });
});

test('parseFilters names the flag the command defines', () => {
  assert.throws(() => parseFilters(['xx']), (e: unknown) => e instanceof UsageError && e.message === 'invalid argument "xx" for "-f, --filter" flag: bad format of filter (expected name=value)');
  assert.throws(() => parseFilters(['xx'], { ...FILTER_OPT, short: undefined }), (e: unknown) => e instanceof UsageError && e.message.startsWith('invalid argument "xx" for "--filter" flag'));
});
