import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DotenvError, parseDotenv } from './dotenv.js';

test('dotenv: basic lines, export, comments, whitespace', () => {
  const env = parseDotenv(
    ['# comment', '', 'A=1', 'export B=two', '  C = spaced  ', 'D=value # inline comment', 'E=a#b', 'F=', 'G: colon', 'H=#x', 'exporter=1', 'a.b-c[0]=k'].join('\n'),
  );
  assert.deepEqual(env, { A: '1', B: 'two', C: 'spaced', D: 'value', E: 'a#b', F: '', G: 'colon', H: '#x', exporter: '1', 'a.b-c[0]': 'k' });
});

test('dotenv: quotes', () => {
  const env = parseDotenv(
    [`S='single $A \\n #x \\'q\\''`, `D="double\\nline \\"q\\" #notcomment"`, `M="multi`, `line"`, `T="tab\\tend" # comment`, 'A=1', 'E="$A and ${A}"', `L='$A'`].join('\n'),
  );
  assert.equal(env.S, "single $A \\n #x 'q'");
  assert.equal(env.D, 'double\nline "q" #notcomment');
  assert.equal(env.M, 'multi\nline');
  assert.equal(env.T, 'tab\tend');
  assert.equal(env.E, '1 and 1');
  assert.equal(env.L, '$A');
});

test('dotenv: expansion from the lookup, then earlier lines, with defaults', () => {
  const env = parseDotenv('A=one\nB=${A}-two\nC=${HOSTVAR}\nD=${NOPE:-dflt}\nE="\\$A"\nF=$${A}\nG="\\0101"', (n) => (n === 'HOSTVAR' ? 'h' : undefined));
  assert.deepEqual(env, { A: 'one', B: 'one-two', C: 'h', D: 'dflt', E: '$A', F: '${A}', G: 'A' });
  // the lookup (process environment) wins inside expansions, the file's own value is kept
  assert.deepEqual(parseDotenv('A=file\nB=$A', (n) => (n === 'A' ? 'proc' : undefined)), { A: 'file', B: 'proc' });
});

test('dotenv: a bare KEY takes its value from the lookup when set', () => {
  const env = parseDotenv('SET\nUNSET\n', (n) => (n === 'SET' ? 'v' : undefined));
  assert.deepEqual(env, { SET: 'v' });
});

test('dotenv: CRLF line ends and a BOM', () => {
  assert.deepEqual(parseDotenv('\uFEFFA=1\r\nB="2"\r\n'), { A: '1', B: '2' });
});

test('dotenv: invalid lines', () => {
  assert.throws(() => parseDotenv('A B=1'), { message: 'line 1: key cannot contain a space' });
  assert.throws(() => parseDotenv('OK=1\nA$=1'), { message: 'line 2: unexpected character "$" in variable name "A$=1"' });
  assert.throws(() => parseDotenv('A="unterminated'), DotenvError);
  assert.throws(() => parseDotenv('A$=1'), DotenvError);
});
