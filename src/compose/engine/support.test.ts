import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackLevels, parallel } from './context.js';
import { createLogPrinter, shortLabel } from './logs.js';
import { createProgress } from './progress.js';
import { project, svc } from './fixtures.test-util.js';
import { ComposeError } from '../model.js';

const dep = { condition: 'service_started' as const, required: true, restart: false };

test('fallback levels: dependencies first, cycles refused', () => {
  const p = project([svc('web', { depends_on: { api: dep } }), svc('api', { depends_on: { db: dep } }), svc('db'), svc('side', { network_mode: 'service:web' })]);
  assert.deepEqual(fallbackLevels(p), [['db'], ['api'], ['web'], ['side']]);
  assert.deepEqual(fallbackLevels(p, ['api']), [['db'], ['api']]);
  const cyc = project([svc('a', { depends_on: { b: dep } }), svc('b', { depends_on: { a: dep } })]);
  assert.throws(() => fallbackLevels(cyc), ComposeError);
});

test('parallel runs all at once and rejects with the first error after all settled', async () => {
  let running = 0;
  let peak = 0;
  const r = await parallel([1, 2, 3, 4], async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((res) => setTimeout(res, 10));
    running--;
    return n * 2;
  });
  assert.deepEqual(r, [2, 4, 6, 8]);
  assert.equal(peak, 4);
  let done = 0;
  await assert.rejects(parallel([1, 2], async (n) => {
    await new Promise((res) => setTimeout(res, n * 5));
    done++;
    if (n === 1) throw new Error('one');
  }), /one/);
  assert.equal(done, 2);
  let peak2 = 0;
  running = 0;
  await parallel([1, 2, 3, 4, 5], async () => {
    running++;
    peak2 = Math.max(peak2, running);
    await new Promise((res) => setTimeout(res, 5));
    running--;
  }, 2);
  assert.equal(peak2, 2);
});

test('progress: plain prints every step, tty finished ones with a check mark', () => {
  let out = '';
  const plain = createProgress({ write: (t) => (out += t), mode: 'plain', color: false });
  plain.begin('Container', 'proj-web-1', 'Starting');
  plain.done('Container', 'proj-web-1', 'Started');
  plain.begin('Volume', 'proj_data', 'Creating');
  assert.equal(out, ' Container proj-web-1  Starting\n Container proj-web-1  Started\n Volume "proj_data"  Creating\n');
  out = '';
  let t = 0;
  const tty = createProgress({ write: (x) => (out += x), mode: 'tty', color: false, now: () => (t += 250) });
  tty.begin('Network', 'proj_default', 'Creating');
  tty.done('Network', 'proj_default', 'Created');
  assert.equal(out, '[+] Running 0/1\n ⠿ Network proj_default  Creating  0.3s\n\x1b[2A\x1b[J[+] Running 1/1\n ✔ Network proj_default  Created  0.5s\n');
  out = '';
  tty.warn('WARN x');
  const before = out;
  out = '';
  const small = createProgress({ write: (x) => (out += x), mode: 'tty', color: false, rows: 3, now: () => 0 });
  small.begin('Container', 'a', 'Starting');
  small.begin('Container', 'b', 'Starting');
  small.done('Container', 'b', 'Started');
  small.done('Container', 'a', 'Started');
  assert.equal(out, '[+] Running 0/1\n ⠿ Container a  Starting  0.0s\n ✔ Container b  Started\n ✔ Container a  Started\n');
  out = before;
  assert.equal(out, '\x1b[2A\x1b[JWARN x\n[+] Running 1/1\n ✔ Network proj_default  Created  0.5s\n');
});

test('log printer: padded prefixes, split lines joined, no prefix mode', () => {
  let out = '';
  const p = createLogPrinter({ write: (t) => (out += t), color: false, prefix: true, width: 5 });
  const web = { id: 'a', name: 'proj-web-1', label: 'web-1', colorIndex: 0 };
  const kv = { id: 'b', name: 'proj-kv-1', label: 'kv-1', colorIndex: 1 };
  p.chunk(web, 'hel');
  p.chunk(kv, 'one\ntwo\n');
  p.chunk(web, 'lo\nwor');
  p.end(web);
  assert.equal(out, 'kv-1   | one\nkv-1   | two\nweb-1  | hello\nweb-1  | wor\n');
  out = '';
  const q = createLogPrinter({ write: (t) => (out += t), color: true, prefix: false, width: 5 });
  q.chunk(web, 'x\n');
  assert.equal(out, 'x\n');
  assert.equal(shortLabel('proj', 'proj-web-1'), 'web-1');
  assert.equal(shortLabel('proj', 'proj_web_1'), 'web_1');
  assert.equal(shortLabel('proj', 'custom'), 'custom');
});
