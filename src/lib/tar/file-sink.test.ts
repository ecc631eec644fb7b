import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileSink, writeToFile } from './index.js';

function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pier-sink-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('writeToFile writes many small and large chunks in order', () => withTmp(async (dir) => {
  const chunks = [randomBytes(10), randomBytes(3 << 20), ...Array.from({ length: 600 }, () => randomBytes(700)), randomBytes(65536), Buffer.alloc(0)];
  async function* gen() {
    yield* chunks;
  }
  const file = path.join(dir, 'f');
  const n = await writeToFile(gen(), file, 'wx', 0o600);
  const want = Buffer.concat(chunks);
  assert.equal(n, want.length);
  assert.ok(readFileSync(file).equals(want));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  await assert.rejects(writeToFile(gen(), file, 'wx'), /EEXIST/);
}));

test('FileSink appends, and close writes what was queued', () => withTmp(async (dir) => {
  const file = path.join(dir, 'f');
  const a = await FileSink.open(file, 'w');
  await a.write(Buffer.from('abc'));
  await a.close();
  const b = await FileSink.open(file, 'a');
  for (let i = 0; i < 3000; i++) {
    const wait = b.write(Buffer.from(String(i % 10)));
    if (wait) await wait;
  }
  await b.close();
  const got = readFileSync(file, 'utf8');
  assert.equal(got.length, 3003);
  assert.equal(got.slice(0, 6), 'abc012');
}));

test('writeToFile rethrows the source error', () => withTmp(async (dir) => {
  async function* bad() {
    yield Buffer.from('x');
    throw new Error('boom');
  }
  await assert.rejects(writeToFile(bad(), path.join(dir, 'f'), 'w'), /boom/);
}));
