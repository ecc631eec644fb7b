import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, splitWords } from './parser.js';
import { toInstruction } from './instructions.js';

const parse = (s: string) => parseDockerfile(s);
const instrs = (s: string) => {
  const p = parse(s);
  return p.nodes.map((n) => toInstruction(n, p.escape));
};

test('basic nodes, comments, line numbers', () => {
  const p = parse('# comment\nFROM busybox\n\n  run echo hi\n# c\nCMD ["a", "b"]\n');
  assert.deepEqual(p.nodes.map((n) => [n.cmd, n.rest, n.startLine]), [['from', 'busybox', 2], ['run', 'echo hi', 4], ['cmd', '["a", "b"]', 6]]);
  assert.equal(p.nodes[1]!.original, 'run echo hi');
});

test('continuations keep inner spacing, skip comments', () => {
  const p = parse('FROM x\nRUN echo a \\\n  b \\\n# inner\n  c\nENV A=1');
  const run = p.nodes[1]!;
  assert.equal(run.rest, 'echo a   b   c');
  assert.equal(run.startLine, 2);
  assert.equal(run.endLine, 5);
  assert.equal(p.nodes[2]!.startLine, 6);
});

test('escape directive', () => {
  const p = parse('# escape=`\nFROM x\nRUN dir c:\\ `\n  d');
  assert.equal(p.escape, '`');
  assert.equal(p.nodes[1]!.rest, 'dir c:\\   d');
  assert.throws(() => parse('# escape=x\nFROM a'), /invalid escape token/);
  const q = parse('FROM a\n# escape=`\nRUN a \\\n b');
  assert.equal(q.escape, '\\');
});

test('directives only at the top', () => {
  const p = parse('# syntax=docker/dockerfile:1\n# escape=\\\nFROM a');
  assert.deepEqual(p.directives, { syntax: 'docker/dockerfile:1', escape: '\\' });
});

test('heredocs', () => {
  const p = parse('FROM a\nRUN <<EOF\necho hi\necho $X\nEOF\nCOPY <<-"END" /f\n\tline\nEND\nCMD x');
  assert.equal(p.nodes[1]!.heredocs[0]!.content, 'echo hi\necho $X\n');
  assert.equal(p.nodes[2]!.heredocs[0]!.content, 'line\n');
  assert.equal(p.nodes[2]!.heredocs[0]!.expand, false);
  assert.equal(p.nodes[3]!.cmd, 'cmd');
  assert.throws(() => parse('FROM a\nRUN <<EOF\necho'), /line 2: unterminated heredoc/);
});

test('empty file', () => {
  assert.throws(() => parse('# just a comment\n\n'), /cannot be empty/);
});

test('splitWords keeps quotes', () => {
  assert.deepEqual(splitWords('a="b c" d=e\\ f  g', '\\'), ['a="b c"', 'd=e\\ f', 'g']);
});

test('instructions: forms and flags', () => {
  const i = instrs('FROM --platform=linux/amd64 busybox AS Build\nRUN ["echo","hi"]\nRUN echo [x\nCOPY --from=build --chown=1:2 a b /dst/\nENV A=1 B="x y"\nENV LEG a value\nLABEL a=b\nARG X Y=2\nEXPOSE 80 443/udp\nVOLUME ["/a","/b"]\nHEALTHCHECK --interval=5s --retries=3 CMD true\nHEALTHCHECK NONE\nONBUILD RUN x\nSHELL ["/bin/bash","-c"]');
  assert.deepEqual(i[0], { node: i[0]!.node, kind: 'from', image: 'busybox', stageName: 'build', platform: 'linux/amd64' });
  assert.deepEqual((i[1] as { cmd: unknown }).cmd, { shell: false, args: ['echo', 'hi'] });
  assert.deepEqual((i[2] as { cmd: unknown }).cmd, { shell: true, args: ['echo [x'] });
  const c = i[3] as { sources: string[]; dest: string; from?: string; chown?: string };
  assert.deepEqual([c.sources, c.dest, c.from, c.chown], [['a', 'b'], '/dst/', 'build', '1:2']);
  assert.deepEqual((i[4] as { pairs: unknown }).pairs, [['A', '1'], ['B', '"x y"']]);
  assert.deepEqual((i[5] as { pairs: unknown }).pairs, [['LEG', 'a value']]);
  assert.deepEqual((i[7] as { args: unknown }).args, [{ name: 'X' }, { name: 'Y', value: '2' }]);
  assert.deepEqual((i[8] as { values: unknown }).values, ['80', '443/udp']);
  assert.deepEqual((i[9] as { values: unknown }).values, ['/a', '/b']);
  assert.deepEqual((i[10] as { health: unknown }).health, { test: ['CMD-SHELL', 'true'], interval: 5e9, timeout: undefined, startPeriod: undefined, startInterval: undefined, retries: 3 });
  assert.deepEqual((i[11] as { health: unknown }).health, { test: ['NONE'] });
  assert.equal((i[12] as { expression: string }).expression, 'RUN x');
});

test('instruction errors carry line numbers', () => {
  assert.throws(() => instrs('FROM a\nFOO bar'), /dockerfile parse error line 2: unknown instruction: FOO/);
  assert.throws(() => instrs('FROM a b'), /FROM requires either one or three arguments/);
  assert.throws(() => instrs('FROM a\nCOPY x'), /line 2: COPY requires at least two arguments/);
  assert.throws(() => instrs('FROM a\nCOPY --bogus=1 x y'), /Unknown flag: bogus/);
  assert.throws(() => instrs('FROM a\nWORKDIR a b'), /WORKDIR requires exactly one argument/);
  assert.throws(() => instrs('FROM a\nENV A=1 B'), /can't find = in "B"/);
  assert.throws(() => instrs('FROM a\nENV A'), /ENV must have two arguments/);
  assert.throws(() => instrs('FROM a\nONBUILD ONBUILD RUN x'), /Chaining ONBUILD/);
  assert.throws(() => instrs('FROM a\nSHELL /bin/sh'), /SHELL requires the arguments to be in JSON form/);
  assert.throws(() => instrs('FROM a\nHEALTHCHECK --interval=xx CMD a'), /invalid duration/);
});

test('CRLF, BOM and trailing continuation at end of file', () => {
  const p = parse('\uFEFFFROM a\r\nRUN echo a \\\r\n  b\r\nCMD x \\');
  assert.deepEqual(p.nodes.map((n) => n.rest), ['a', 'echo a   b', 'x']);
});

test('directive after a comment is a comment', () => {
  const p = parse('# hello\n# escape=`\nFROM a\nRUN a \\\nb');
  assert.equal(p.escape, '\\');
  assert.deepEqual(p.directives, {});
  assert.equal(p.nodes[1]!.rest, 'a b');
});

test('empty continuation lines are skipped with a warning', () => {
  const p = parse('FROM a\nRUN a \\\n\n  b');
  assert.equal(p.nodes[1]!.rest, 'a   b');
  assert.equal(p.warnings.length, 1);
});

test('several heredocs on one line, <<- strips tabs, quoted word disables expansion', () => {
  const p = parse('FROM a\nCOPY <<A <<B /dst/\nfile a\nA\n\tfile b\nB\nRUN <<-X\n\t\techo in\n\tX\n');
  const hd = p.nodes[1]!.heredocs;
  assert.deepEqual(hd.map((h) => [h.name, h.content, h.expand]), [['A', 'file a\n', true], ['B', '\tfile b\n', true]]);
  assert.equal(p.nodes[2]!.heredocs[0]!.content, 'echo in\n');
  assert.equal(p.nodes[2]!.endLine, 9);
  const i = toInstruction(p.nodes[1]!, '\\') as { sources: string[]; dest: string };
  assert.deepEqual([i.sources, i.dest], [['<<A', '<<B'], '/dst/']);
});

test('heredoc markers outside RUN/COPY/ADD are plain text', () => {
  const p = parse('FROM a\nLABEL x=<<EOF\nCMD y');
  assert.equal(p.nodes.length, 3);
  assert.equal(p.nodes[1]!.heredocs.length, 0);
});

test('exec form: JSON with spaces and escapes; invalid JSON falls back to shell form', () => {
  const i = instrs('FROM a\nCMD [ "a b" , "c\\"d" ]\nENTRYPOINT ["x", 1]\nRUN ["unterminated"\nCMD []');
  assert.deepEqual((i[1] as { cmd: unknown }).cmd, { shell: false, args: ['a b', 'c"d'] });
  assert.deepEqual((i[2] as { cmd: unknown }).cmd, { shell: true, args: ['["x", 1]'] });
  assert.deepEqual((i[3] as { cmd: unknown }).cmd, { shell: true, args: ['["unterminated"'] });
  assert.deepEqual((i[4] as { cmd: unknown }).cmd, { shell: false, args: [] });
});

test('ENV/LABEL forms keep quotes and escapes for the expansion step', () => {
  const i = instrs('FROM a\nENV A="a b" B=\'c d\' C=e\\ f\nLABEL "key with space"=v other=1\nENV X y z\\ w');
  assert.deepEqual((i[1] as { pairs: unknown }).pairs, [['A', '"a b"'], ['B', "'c d'"], ['C', 'e\\ f']]);
  assert.deepEqual((i[2] as { pairs: unknown }).pairs, [['"key with space"', 'v'], ['other', '1']]);
  assert.deepEqual((i[3] as { pairs: unknown }).pairs, [['X', 'y z\\ w']]);
});

test('instruction keywords are case-insensitive; flags parsed; -- values kept', () => {
  const i = instrs('from a as B\ncopy --chmod=755 --link x y\nadd --chown=1:1 a b\nrun --network=none --mount=type=cache,target=/c echo');
  assert.equal((i[0] as { stageName?: string }).stageName, 'b');
  const c = i[1] as { chmod?: string; link: boolean };
  assert.deepEqual([c.chmod, c.link], ['755', true]);
  const r = i[3] as { network?: string; mounts: string[] };
  assert.deepEqual([r.network, r.mounts], ['none', ['type=cache,target=/c']]);
  assert.throws(() => instrs('FROM a\nADD --from=x a b'), /Unknown flag: from/);
  assert.throws(() => instrs('FROM a AS 1bad'), /invalid name for build stage/);
  assert.throws(() => instrs('FROM a\nRUN --network=bridge true'), /invalid network mode "bridge"/);
  assert.equal((instrs('FROM a\nRUN --network=default true')[1] as { network?: string }).network, 'default');
});

test('HEALTHCHECK variants and errors', () => {
  const h = (s: string) => (instrs(`FROM a\n${s}`)[1] as { health: unknown }).health;
  assert.deepEqual((h('HEALTHCHECK CMD ["curl","-f","x"]') as { test: string[] }).test, ['CMD', 'curl', '-f', 'x']);
  assert.equal((h('HEALTHCHECK --timeout=1m30s --start-period=500ms CMD x') as { timeout: number }).timeout, 90e9);
  assert.throws(() => instrs('FROM a\nHEALTHCHECK FOO x'), /Unknown type "FOO" in HEALTHCHECK/);
  assert.throws(() => instrs('FROM a\nHEALTHCHECK NONE x'), /HEALTHCHECK NONE takes no arguments/);
  assert.throws(() => instrs('FROM a\nHEALTHCHECK --retries=-1 CMD x'), /--retries cannot be negative/);
  assert.throws(() => instrs('FROM a\nHEALTHCHECK --interval=1us CMD x'), /cannot be less than 1ms/);
});
