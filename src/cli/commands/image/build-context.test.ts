import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTar } from '../../../lib/tar/index.js';
import { compilePatterns } from '../../../lib/dockerignore.js';
import { CliError } from '../../errors.js';
import { keepBuildFiles, localContextTar, mustDescend, prepareLocalContext } from './build-context.js';
import { buildQuery } from './build.js';

/** Creates files (name → content; a name ending in '/' is a directory) under a fresh temp dir. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-buildctx-'));
  for (const [name, content] of Object.entries(files)) {
    const abs = path.join(dir, name);
    if (name.endsWith('/')) await mkdir(abs, { recursive: true });
    else {
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
  }
  return dir;
}

async function entries(dir: string, file?: string, stdin = ''): Promise<{ names: string[]; files: Record<string, string>; dockerfile: string; bytes: number }> {
  const c = await prepareLocalContext(dir, file, async () => Buffer.from(stdin));
  const counter = { bytes: 0 };
  const names: string[] = [];
  const files: Record<string, string> = {};
  for await (const e of readTar(localContextTar(c, counter))) {
    const chunks: Buffer[] = [];
    for await (const b of e.body) chunks.push(b as Buffer);
    names.push(e.header.type === 'directory' ? `${e.header.name.replace(/\/$/, '')}/` : e.header.name);
    if (e.header.type === 'file') files[e.header.name] = Buffer.concat(chunks).toString();
  }
  return { names, files, dockerfile: c.dockerfile, bytes: counter.bytes };
}

test('the context is filtered with .dockerignore; the Dockerfile and .dockerignore are always sent', async (t) => {
  const big = 'x'.repeat(200_000);
  const dir = await tree({
    Dockerfile: 'FROM busybox\n', '.dockerignore': 'big.bin\n*.log\n!keep.log\nsub\n!sub/keep\nDockerfile\n.dockerignore\nskip/\n',
    'big.bin': big, 'a.log': 'a', 'keep.log': 'k', 'sub/x': 'x', 'sub/keep': 'k', 'skip/deep/f': 'f', 'other.txt': 'o',
  });
  t.after(() => rm(dir, { recursive: true, force: true }));
  const r = await entries(dir);
  assert.equal(r.dockerfile, 'Dockerfile');
  // `sub` itself is excluded (no entry) but walked for the exception; `skip` is skipped whole.
  assert.deepEqual(r.names.sort(), ['.dockerignore', 'Dockerfile', 'keep.log', 'other.txt', 'sub/keep']);
  assert.ok(r.bytes < 20_000, `upload shrank: ${r.bytes}`);
});

test('Dockerfile name: -f, lowercase dockerfile, and docker\'s error when missing', async (t) => {
  const dir = await tree({ dockerfile: 'FROM busybox\n', 'sub/D': 'FROM busybox\n' });
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal((await prepareLocalContext(dir, undefined, async () => Buffer.alloc(0))).dockerfile, 'dockerfile');
  assert.equal((await prepareLocalContext(dir, path.join(dir, 'sub/D'), async () => Buffer.alloc(0))).dockerfile, 'sub/D');
  await assert.rejects(prepareLocalContext(dir, path.join(dir, 'nope'), async () => Buffer.alloc(0)), (e: unknown) =>
    e instanceof CliError && e.message === `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path.join(dir, 'nope')}: no such file or directory`);
  await writeFile(path.join(dir, '.dockerignore'), 'a[\n');
  await assert.rejects(prepareLocalContext(dir, undefined, async () => Buffer.alloc(0)), (e: unknown) => e instanceof CliError && e.message === 'error checking context: syntax error in pattern');
  await writeFile(path.join(dir, '.dockerignore'), '!\n');
  await assert.rejects(prepareLocalContext(dir, undefined, async () => Buffer.alloc(0)), (e: unknown) => e instanceof CliError && e.message === 'error checking context: illegal exclusion pattern: "!"');
  await assert.rejects(prepareLocalContext(path.join(dir, 'none'), undefined, async () => Buffer.alloc(0)), /unable to prepare context: path ".*none" not found/);
});

test('a Dockerfile from outside travels hidden and the .dockerignore lists it', async (t) => {
  const dir = await tree({ a: 'a', 'b.log': 'b' });
  const outside = await tree({ Dockerfile: 'FROM scratch\n' });
  t.after(() => Promise.all([rm(dir, { recursive: true, force: true }), rm(outside, { recursive: true, force: true })]));
  const r = await entries(dir, path.join(outside, 'Dockerfile'));
  assert.match(r.dockerfile, /^\.dockerfile\.[0-9a-f]{20}$/);
  assert.deepEqual(r.names, ['a', 'b.log', r.dockerfile, '.dockerignore']);
  assert.equal(r.files[r.dockerfile], 'FROM scratch\n');
  assert.equal(r.files['.dockerignore'], `.dockerignore\n${r.dockerfile}\n`);
  // An existing .dockerignore gets the name appended (and filters as usual).
  await writeFile(path.join(dir, '.dockerignore'), '*.log');
  const s = await entries(dir, '-', 'FROM busybox\n');
  assert.deepEqual(s.names, ['.dockerignore', 'a', s.dockerfile]);
  assert.equal(s.files['.dockerignore'], `*.log\n${s.dockerfile}\n`);
  assert.equal(s.files[s.dockerfile], 'FROM busybox\n');
});

test('<Dockerfile>.dockerignore wins over .dockerignore and is sent', async (t) => {
  const dir = await tree({ Dockerfile: 'FROM busybox\n', 'Dockerfile.dockerignore': 'big\nDockerfile*\n', '.dockerignore': 'other\n', big: 'b', other: 'o' });
  const outside = await tree({ Dockerfile: 'FROM scratch\n', 'Dockerfile.dockerignore': 'other\n' });
  t.after(() => Promise.all([rm(dir, { recursive: true, force: true }), rm(outside, { recursive: true, force: true })]));
  const r = await entries(dir);
  assert.deepEqual(r.names, ['.dockerignore', 'Dockerfile', 'Dockerfile.dockerignore', 'other']);
  const o = await entries(dir, path.join(outside, 'Dockerfile'));
  assert.deepEqual(o.names, ['.dockerignore', 'Dockerfile', 'Dockerfile.dockerignore', 'big', o.dockerfile, `${o.dockerfile}.dockerignore`]);
  assert.equal(o.files[`${o.dockerfile}.dockerignore`], `other\n\n${o.dockerfile}\n${o.dockerfile}.dockerignore\n`);
});

test('keepBuildFiles and mustDescend follow docker', () => {
  assert.deepEqual(keepBuildFiles(['*'], 'Dockerfile', '.dockerignore'), ['*', '!.dockerignore', '!Dockerfile']);
  assert.deepEqual(keepBuildFiles(['*.log'], 'Dockerfile', '.dockerignore'), ['*.log']);
  assert.deepEqual(keepBuildFiles(['sub'], 'sub/Dockerfile', 'sub/Dockerfile.dockerignore'), ['sub', '!sub/Dockerfile.dockerignore', '!sub/Dockerfile']);
  const p = compilePatterns(['a', '!a/b/c', '!**/z']);
  assert.equal(mustDescend('a', p), true);
  assert.equal(mustDescend('a/b', p), true);
  assert.equal(mustDescend('x', p), false, 'only a literal prefix makes docker descend');
});

test('the build query is the one docker 28 sends', () => {
  const env = { B: 'envb' };
  assert.deepEqual(JSON.parse(JSON.stringify(buildQuery({ env }, {}, 'Dockerfile'))), { dockerfile: 'Dockerfile', version: '1' });
  const q = buildQuery({ env }, {
    pull: true, 'cache-from': ['a', 'b:1'], 'no-cache': true, rm: false, 'force-rm': true, label: ['x=y'], network: 'host',
    'add-host': ['h:1.2.3.4', 'g:1.2.3.5'], target: 't', platform: 'linux/amd64', tag: ['q'], 'build-arg': ['A=1', 'B', 'C'], quiet: true,
  }, 'sub/D');
  assert.deepEqual(JSON.parse(JSON.stringify(q)), {
    buildargs: '{"A":"1","B":"envb","C":null}', cachefrom: '["a","b:1"]', dockerfile: 'sub/D', extrahosts: ['h:1.2.3.4', 'g:1.2.3.5'], forcerm: '1',
    labels: '{"x":"y"}', networkmode: 'host', nocache: '1', platform: 'linux/amd64', pull: '1', q: '1', rm: '0', t: ['q'], target: 't', version: '1',
  });
});
