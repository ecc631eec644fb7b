import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nullLogger } from '../../lib/log.js';
import { CLONED_BINARY_ENV, sealRuntimeBinary } from './exec-sealed-binary.js';

const isRoot = process.getuid?.() === 0;

test('sealRuntimeBinary: a read-only bind mount that runs, replaced when stale, released', { skip: !isRoot && 'needs root (mount)' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealed-'));
  try {
    const bin = path.join(dir, 'prog');
    copyFileSync('/bin/echo', bin);
    const target = path.join(dir, 'prog.sealed');
    const a = sealRuntimeBinary({ log: nullLogger }, { binary: bin, target });
    assert.ok(a);
    assert.deepEqual(a.env, { [CLONED_BINARY_ENV]: '1' });
    assert.throws(() => openSync(target, 'r+'), /EROFS/);
    assert.equal(execFileSync(target, ['hi']).toString(), 'hi\n');
    // A daemon that did not release: the next one replaces the mount instead of stacking.
    const b = sealRuntimeBinary({ log: nullLogger }, { binary: bin, target });
    assert.ok(b);
    const mounts = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === target).length;
    assert.equal(mounts(), 1);
    b.release();
    assert.equal(mounts(), 0);
    assert.equal(existsSync(target), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sealRuntimeBinary: a missing binary leaves nothing behind', { skip: !isRoot && 'needs root (mount)' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealed-'));
  try {
    const target = path.join(dir, 'x.sealed');
    assert.equal(sealRuntimeBinary({ log: nullLogger }, { binary: path.join(dir, 'missing'), target }), undefined);
    assert.equal(existsSync(target), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sealRuntimeBinary: sealing again while the binary runs (ETXTBSY on open) still works', { skip: !isRoot && 'needs root (mount)' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealed-'));
  const { spawn } = await import('node:child_process');
  const bin = path.join(dir, 'prog');
  copyFileSync('/bin/sleep', bin);
  const target = path.join(dir, 'prog.sealed');
  const a = sealRuntimeBinary({ log: nullLogger }, { binary: bin, target });
  assert.ok(a);
  const running = spawn(bin, ['30'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 100));
    const b = sealRuntimeBinary({ log: nullLogger }, { binary: bin, target });
    assert.ok(b, 'sealed although the binary is being executed');
    assert.equal(existsSync(target), true);
    b.release();
  } finally {
    running.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
