import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { runCli, parseGlobals } from './app.js';

async function pier(argv: string[], env: NodeJS.ProcessEnv = { PIER_HOST: 'unix:///nonexistent/pier.sock' }) {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (b: Buffer) => o.push(b));
  err.on('data', (b: Buffer) => e.push(b));
  const code = await runCli(argv, { io: { stdout: out, stderr: err, stdin: Readable.from([]) }, env });
  return { code, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() };
}

test('global flags before the command', () => {
  const g = parseGlobals(['-H', 'unix:///x.sock', '--debug', '-l', 'info', '--config', '/c', '--context=default', 'ps', '-a']);
  assert.equal(g.globals.host, 'unix:///x.sock');
  assert.equal(g.globals.debug, true);
  assert.deepEqual(g.rest, ['ps', '-a']);
});

test('--version and help', async () => {
  assert.match((await pier(['--version'])).stdout, /^Pier version /);
  const h = await pier(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /^Usage:  pier \[OPTIONS\] COMMAND/);
  const rm = await pier(['container', 'rm', '--help']);
  assert.match(rm.stdout, /^Usage:  pier container rm \[OPTIONS\] CONTAINER \[CONTAINER\.\.\.\]\n\nRemove one or more containers\n\nAliases:\n  pier container rm, pier container remove, pier rm\n\nOptions:\n/);
  assert.match((await pier(['image'])).stdout, /^Usage:  pier image COMMAND/);
});

test('unknown command, unknown flag, missing arguments', async () => {
  assert.deepEqual(await pier(['bogus']), { code: 1, stdout: '', stderr: "pier: unknown command: pier bogus\n\nRun 'pier --help' for more information\n" });
  const f = await pier(['ps', '--bogus']);
  assert.equal(f.code, 125);
  assert.equal(f.stderr, "unknown flag: --bogus\n\nUsage:  pier ps [OPTIONS]\n\nRun 'pier ps --help' for more information\n");
  const a = await pier(['rename', 'x']);
  assert.equal(a.code, 1);
  assert.match(a.stderr, /^pier: 'pier rename' requires 2 arguments\n/);
  const g = await pier(['container', 'nope']);
  assert.equal(g.code, 1);
  assert.match(g.stderr, /^pier: unknown command: pier container nope\n/);
});

test('daemon not running', async () => {
  const r = await pier(['ps']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Cannot connect to the Pier daemon at unix:///nonexistent/pier.sock. Is the pier daemon running?\n');
  const run = await pier(['run', 'busybox']);
  assert.equal(run.code, 125);
  assert.match(run.stderr, /^pier: Cannot connect to the Pier daemon at unix:\/\/\/nonexistent\/pier\.sock\. Is the pier daemon running\?\n\nRun 'pier run --help' for more information\n$/);
});

test('argument counts worded as docker 28 words them', async () => {
  const tail = (p: string, usage: string, verb: string) => `\nUsage:  ${p} ${usage}\n\n${verb} '${p} --help' for more information\n`;
  assert.deepEqual(await pier(['volume', 'ls', 'x']), { code: 1, stdout: '', stderr: `pier: 'pier volume ls' accepts no arguments\n${tail('pier volume ls', '[OPTIONS]', 'Run')}` });
  assert.equal((await pier(['ps', 'x'])).stderr, `pier: 'pier ps' accepts no arguments\n${tail('pier ps', '[OPTIONS]', 'Run')}`);
  // docker 28 prints "SRun" after "requires at most".
  assert.equal((await pier(['images', 'a', 'b'])).stderr, `pier: 'pier images' requires at most 1 argument\n${tail('pier images', '[OPTIONS] [REPOSITORY[:TAG]]', 'SRun')}`);
  assert.equal((await pier(['port'])).stderr, `pier: 'pier port' requires at least 1 and at most 2 arguments\n${tail('pier port', 'CONTAINER [PRIVATE_PORT[/PROTO]]', 'Run')}`);
  assert.equal((await pier(['volume', 'rm'])).stderr, `pier: 'pier volume rm' requires at least 1 argument\n${tail('pier volume rm', '[OPTIONS] VOLUME [VOLUME...]', 'See')}`);
});

test('a command reached through an alias is named by its canonical name', async () => {
  const h = await pier(['network', 'list', '--help']);
  assert.match(h.stdout, /^Usage:  pier network ls \[OPTIONS\]\n\nList networks\n\nAliases:\n  pier network ls, pier network list\n/);
  assert.match((await pier(['container', 'ps', '--help'])).stdout, /^Usage:  pier container ls \[OPTIONS\]\n/);
  assert.match((await pier(['ps', '--help'])).stdout, /^Usage:  pier ps \[OPTIONS\]\n/);
  assert.match((await pier(['image', 'remove', '--help'])).stdout, /^Usage:  pier image rm \[OPTIONS\] IMAGE \[IMAGE\.\.\.\]\n/);
  assert.equal((await pier(['volume', 'list', 'x'])).stderr.split('\n')[0], "pier: 'pier volume ls' accepts no arguments");
  assert.equal((await pier(['network', 'list', '--bogus'])).stderr, "unknown flag: --bogus\n\nUsage:  pier network ls [OPTIONS]\n\nRun 'pier network ls --help' for more information\n");
});

test('a filter without "=" fails while parsing flags, naming the flag as defined', async () => {
  const p = await pier(['volume', 'prune', '--filter', 'xx']);
  assert.equal(p.code, 125);
  assert.equal(p.stdout, '', 'no prompt');
  assert.equal(p.stderr, `invalid argument "xx" for "--filter" flag: bad format of filter (expected name=value)\n\nUsage:  pier volume prune [OPTIONS]\n\nRun 'pier volume prune --help' for more information\n`);
  assert.match((await pier(['ps', '-f', 'xx'])).stderr, /^invalid argument "xx" for "-f, --filter" flag: bad format/);
});
