import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirs, cacheFileName, writeCache } from './code-cache.js';

test('cache file names: the command word and the build id, nothing else', () => {
  assert.equal(cacheFileName(['ps', '-a'], 'abc123'), 'ps-abc123.v8');
  assert.equal(cacheFileName(['container', 'ls'], 'abc123'), 'container-abc123.v8');
  assert.equal(cacheFileName(['-H', 'unix:///x', 'ps'], 'abc123'), 'default-abc123.v8');
  assert.equal(cacheFileName([], 'abc123'), 'default-abc123.v8');
  assert.equal(cacheFileName(['../../etc/passwd'], 'abc123'), 'default-abc123.v8');
  assert.equal(cacheFileName(['ps'], '../x/y'), 'ps-xy.v8');
  const flagged = cacheFileName(['ps'], 'abc123', '--no-opt');
  assert.match(flagged, /^ps\.[0-9a-f]{8}-abc123\.v8$/);
  assert.notEqual(cacheFileName(['ps'], 'abc123', '--max-lazy'), flagged);
});

test('cache directories: next to the bundle, then the user cache (absolute only)', () => {
  assert.deepEqual(cacheDirs('/opt/pier/dist/pier-cli.cjs', { HOME: '/home/u' }), ['/opt/pier/dist/cache', '/home/u/.cache/pier']);
  assert.deepEqual(cacheDirs('/d/pier-cli.cjs', { HOME: '/home/u', XDG_CACHE_HOME: '/xdg' }), ['/d/cache', '/xdg/pier']);
  assert.deepEqual(cacheDirs('/d/pier-cli.cjs', { XDG_CACHE_HOME: 'rel' }), ['/d/cache']);
});

test('writeCache falls back to the next directory and drops other builds', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-cc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const blocked = path.join(dir, 'file');
  writeFileSync(blocked, 'not a directory');
  const good = path.join(dir, 'good');
  mkdirSync(good);
  writeFileSync(path.join(good, 'ps-old.v8'), 'x');
  writeFileSync(path.join(good, 'run-new.v8'), 'y');
  writeCache([path.join(blocked, 'cache'), good], 'ps-new.v8', Buffer.from('data'));
  assert.deepEqual(readdirSync(good).sort(), ['ps-new.v8', 'run-new.v8']);
  assert.equal(readFileSync(path.join(good, 'ps-new.v8'), 'utf8'), 'data');
});

test('runBundle: writes a cache on the first run, uses it after, and a new build id ignores it', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-cc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'b.cjs');
  writeFileSync(bundle, '/*pier-cli one*/process.stdout.write(String(typeof require("node:path").join) + ":" + __filename.endsWith("b.cjs") + ":" + module.exports.constructor.name);\n');
  const lib = fileURLToPath(new URL('./code-cache.js', import.meta.url));
  const run = (id: string, source?: string) => {
    if (source) writeFileSync(bundle, source);
    // A script file, not -e: node's own options (execArgv) would give the cache another name.
    const runner = path.join(dir, 'run.mjs');
    writeFileSync(runner, `import { createRequire } from 'node:module';\nimport { runBundle } from ${JSON.stringify(lib)};\nrunBundle({ bundle: ${JSON.stringify(bundle)}, buildId: ${JSON.stringify(id)}, argv: ['ps'], env: {}, require: createRequire(${JSON.stringify(bundle)}) });\n`);
    return execFileSync(process.execPath, [runner], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  };
  assert.equal(run('one'), 'function:true:Object');
  assert.ok(existsSync(path.join(dir, 'cache', 'ps-one.v8')));
  assert.equal(run('one'), 'function:true:Object');
  // Same length, other code, other build id: the old cache is not used, and is replaced.
  const first = readFileSync(bundle, 'utf8');
  const second = '/*pier-cli two*/process.stdout.write("second build!" + "".padEnd(62, "-"));\n'.padEnd(first.length, ' ');
  assert.equal(second.length, first.length);
  assert.equal(run('two', second), `second build!${'-'.repeat(62)}`);
  assert.deepEqual(readdirSync(path.join(dir, 'cache')), ['ps-two.v8']);
  // A launcher of another build than the bundle's uses and writes no cache.
  assert.equal(run('three'), `second build!${'-'.repeat(62)}`);
  assert.deepEqual(readdirSync(path.join(dir, 'cache')), ['ps-two.v8']);
});
