import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidTemplateError, MissingRequiredError, substitute } from './interpolate.js';

const env: Record<string, string> = { FOO: 'foo', EMPTY: '', BAR: 'bar', PORT: '8080' };
const lookup = (n: string) => (Object.hasOwn(env, n) ? env[n] : undefined);

const cases: [string, string][] = [
  ['plain', 'plain'],
  ['$FOO', 'foo'],
  ['${FOO}', 'foo'],
  ['x${FOO}y', 'xfooy'],
  ['$FOO-$BAR', 'foo-bar'],
  ['$FOO.txt', 'foo.txt'],
  ['${UNSET}', ''],
  ['$UNSET', ''],
  ['${UNSET:-def}', 'def'],
  ['${EMPTY:-def}', 'def'],
  ['${EMPTY-def}', ''],
  ['${UNSET-def}', 'def'],
  ['${FOO:-def}', 'foo'],
  ['${FOO:+alt}', 'alt'],
  ['${EMPTY:+alt}', ''],
  ['${EMPTY+alt}', 'alt'],
  ['${UNSET+alt}', ''],
  ['${UNSET:-${FOO}}', 'foo'],
  ['${UNSET:-${ALSO:-deep}}', 'deep'],
  ['${UNSET:-a b c}', 'a b c'],
  ['${UNSET:-$FOO}', 'foo'],
  ['$$FOO', '$FOO'],
  ['$${FOO}', '${FOO}'],
  ['a $ b', 'a $ b'],
  ['cost: 5$', 'cost: 5$'],
  ['127.0.0.1:${PORT:-80}:80', '127.0.0.1:8080:80'],
  ['${FOO:?must}', 'foo'],
  ['${EMPTY?must}', ''],
  ['${UNSET:-}', ''],
];

test('substitute: table of cases', () => {
  for (const [tpl, want] of cases) assert.equal(substitute(tpl, lookup), want, tpl);
});

test('substitute: required variables', () => {
  assert.throws(() => substitute('${UNSET:?please set it}', lookup), (e: unknown) => e instanceof MissingRequiredError && e.message === 'required variable UNSET is missing a value: please set it');
  assert.throws(() => substitute('${EMPTY:?x}', lookup), MissingRequiredError);
  assert.throws(() => substitute('${UNSET?}', lookup), { message: 'required variable UNSET is missing a value' });
  assert.throws(() => substitute('${UNSET:?${FOO} missing}', lookup), { message: 'required variable UNSET is missing a value: foo missing' });
});

test('substitute: invalid templates', () => {
  for (const t of ['${FOO', '${}', '${FOO BAR}', '${1A}', '${FOO:x}', '${FOO!}']) {
    assert.throws(() => substitute(t, lookup), InvalidTemplateError, t);
  }
});

test('substitute: reports unset variables used without a default', () => {
  const unset: string[] = [];
  substitute('${A} $B ${C:-x} ${FOO}', lookup, { onUnset: (n) => unset.push(n) });
  assert.deepEqual(unset, ['A', 'B']);
});
