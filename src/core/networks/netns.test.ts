import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsFiles } from './netns.js';
import { run } from '../../lib/exec.js';
import { nullLogger } from '../../lib/log.js';

const root = process.getuid?.() === 0;

test('a namespace file holds a new empty namespace; the daemon thread stays in its own; remove drops it', { skip: !root && 'needs root' }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-netns-'));
  try {
    const ns = createNetnsFiles({ log: nullLogger });
    const file = path.join(dir, 'sub', 'abc123');
    const before = (await stat('/proc/thread-self/ns/net')).ino;
    await ns.create(file);
    assert.equal((await stat('/proc/thread-self/ns/net')).ino, before);
    assert.notEqual((await stat(file)).ino, before);
    const r = await run('nsenter', [`--net=${file}`, 'ip', '-j', 'link', 'show']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname), ['lo']);
    // Creating again over a live file replaces the namespace.
    await ns.create(file);
    assert.notEqual((await stat(file)).ino, before);
    await ns.remove(file);
    await assert.rejects(stat(file), { code: 'ENOENT' });
    assert.ok(!(await readFile('/proc/self/mountinfo', 'utf8')).includes(file));
    await ns.remove(file); // idempotent
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
