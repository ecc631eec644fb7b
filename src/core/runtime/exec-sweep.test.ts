import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nullLogger } from '../../lib/log.js';
import { conmonCommandLines, sweepExecSessions } from './exec-sweep.js';

test('sweepExecSessions removes the session folders no conmon uses', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'exec-sweep-'));
  try {
    const execs = path.join(root, 'execs');
    for (const id of ['done1', 'done2', 'alive']) {
      await mkdir(path.join(execs, id, 'exits'), { recursive: true });
      await writeFile(path.join(execs, id, 'process.json'), '{}');
    }
    await writeFile(path.join(execs, 'direct1.json'), '{}');
    await writeFile(path.join(execs, 'direct1.pid'), '42');
    const live = [['/usr/bin/conmon', '-c', 'ctr', '-u', 'alive', '-b', path.join(execs, 'alive'), '-e'].join('\0') + '\0'];
    const removed = await sweepExecSessions({ log: nullLogger, liveCommandLines: async () => live }, execs);
    assert.deepEqual(removed.sort(), ['direct1.json', 'direct1.pid', 'done1', 'done2']);
    assert.deepEqual(await readdir(execs), ['alive']);
    assert.deepEqual(await sweepExecSessions({ log: nullLogger }, path.join(root, 'missing')), []);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('conmonCommandLines reads /proc without throwing', async () => {
  assert.ok(Array.isArray(await conmonCommandLines()));
});
