import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from './parse.js';
import type { CommandSpec } from './spec.js';
import { spec as runSpec } from './commands/container/run.js';
import { spec as psSpec } from './commands/container/ls.js';
import { UsageError } from './errors.js';

const run = (argv: string[]) => parseArgs('pier run', runSpec, argv);

test('bundled shorts and stop at the image', () => {
  const r = run(['-dit', '--name', 'x', 'busybox', 'ls', '-la', '--rm']);
  assert.deepEqual(r.args, ['busybox', 'ls', '-la', '--rm']);
  assert.equal(r.opts.detach, true);
  assert.equal(r.opts.interactive, true);
  assert.equal(r.opts.tty, true);
  assert.equal(r.opts.rm, undefined);
  assert.equal(r.opts.name, 'x');
});

test('--bool=false and --bool=true', () => {
  assert.equal(run(['--rm=false', 'busybox']).opts.rm, false);
  assert.equal(run(['--rm=true', 'busybox']).opts.rm, true);
  assert.equal(run(['--sig-proxy=false', 'busybox']).opts['sig-proxy'], false);
  assert.throws(() => run(['--rm=maybe', 'busybox']), UsageError);
});

test('repeatable flags, --flag=value, -e=VALUE, -eVALUE', () => {
  const r = run(['-e', 'A=1', '--env=B=2', '-e=C=3', '-eD=4', '-l', 'x', 'busybox']);
  assert.deepEqual(r.opts.env, ['A=1', 'B=2', 'C=3', 'D=4']);
  assert.deepEqual(r.opts.label, ['x']);
});

test('a value short at the end of a bundle takes the next word', () => {
  const r = run(['-itu', '1000', 'busybox']);
  assert.equal(r.opts.user, '1000');
  assert.deepEqual(r.args, ['busybox']);
});

test('-- ends the flags', () => {
  assert.deepEqual(run(['--', 'busybox', '-x']).args, ['busybox', '-x']);
});

test('unknown flags use pflag wording', () => {
  assert.throws(() => run(['--bogus', 'busybox']), { message: 'unknown flag: --bogus' });
  assert.throws(() => parseArgs('pier ps', psSpec, ['-x']), { message: "unknown shorthand flag: 'x' in -x" });
  assert.throws(() => run(['--name']), { message: 'flag needs an argument: --name' });
});

test('flags after positionals for ordinary commands; --no-trunc', () => {
  const spec: CommandSpec = { usage: '', description: '', options: [{ long: 'force', short: 'f', kind: 'bool', description: '' }, { long: 'no-trunc', kind: 'bool', description: '' }], run: async () => 0 };
  const r = parseArgs('pier rm', spec, ['a', '-f', 'b', '--no-trunc']);
  assert.deepEqual(r.args, ['a', 'b']);
  assert.equal(r.opts.force, true);
  assert.equal(r.opts['no-trunc'], true);
});

test('-h is help unless the command uses it; int flags', () => {
  assert.equal(parseArgs('pier ps', psSpec, ['-h']).help, true);
  assert.equal(run(['-h', 'host', 'busybox']).opts.hostname, 'host');
  assert.equal(parseArgs('pier ps', psSpec, ['-n', '3']).opts.last, 3);
});

test('words after the image are left alone', () => {
  const r = run(['--rm=false', 'img', '--rm=false']);
  assert.equal(r.opts.rm, false);
  assert.deepEqual(r.args, ['img', '--rm=false']);
});

test('pflag wording for bundles, missing values and --no- forms', () => {
  assert.throws(() => run(['-dx', 'busybox']), { message: "unknown shorthand flag: 'x' in -x" });
  assert.throws(() => run(['-itu']), { message: "flag needs an argument: 'u' in -u" });
  assert.throws(() => run(['--no-rm', 'busybox']), { message: 'unknown flag: --no-rm' });
  assert.throws(() => parseArgs('pier ps', psSpec, ['-n', 'x']), { message: 'invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax' });
  assert.equal(parseArgs('pier ps', psSpec, ['-n=-1']).opts.last, -1);
  assert.equal(run(['-d=false', 'busybox']).opts.detach, false);
  assert.deepEqual(run(['-p8080:80', '-', 'x']).opts.publish, ['8080:80']);
});

test('filter-labelled flags need name=value while parsing', () => {
  const spec: CommandSpec = { usage: '', description: '', options: [{ long: 'filter', kind: 'list', label: 'filter', description: '' }, { long: 'force', short: 'f', kind: 'bool', description: '' }], run: async () => 0 };
  assert.deepEqual(parseArgs('x', spec, ['--filter', 'a=b', '--filter', '']).opts.filter, ['a=b', '']);
  assert.throws(() => parseArgs('x', spec, ['--filter', 'ab']), (e: unknown) => e instanceof UsageError && e.message === 'invalid argument "ab" for "--filter" flag: bad format of filter (expected name=value)' && e.code === 125);
});
