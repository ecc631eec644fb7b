import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CliContext } from '../../spec.js';
import { transferReference } from './pull.js';

function ctx(): { c: CliContext; out: string[] } {
  const out: string[] = [];
  return { c: { out: (s: string) => out.push(s) } as unknown as CliContext, out };
}

test('transferReference: default tag announced, explicit tag or digest kept', () => {
  const a = ctx();
  assert.deepEqual(transferReference(a.c, 'busybox', false), { name: 'busybox', tag: 'latest' });
  assert.deepEqual(a.out, ['Using default tag: latest\n']);
  const b = ctx();
  assert.deepEqual(transferReference(b.c, 'localhost:5000/a/b:1.0', false), { name: 'localhost:5000/a/b', tag: '1.0' });
  assert.deepEqual(transferReference(b.c, 'busybox@sha256:abc', false), { name: 'busybox', tag: 'sha256:abc' });
  assert.deepEqual(b.out, []);
});

test('transferReference: --all-tags takes a bare repository only', () => {
  const a = ctx();
  assert.deepEqual(transferReference(a.c, 'localhost:5000/busybox', true), { name: 'localhost:5000/busybox', tag: undefined });
  assert.deepEqual(a.out, []);
  assert.throws(() => transferReference(a.c, 'busybox:1', true), /tag can't be used with --all-tags\/-a/);
});
