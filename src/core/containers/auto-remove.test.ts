import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeService, tick } from './fakes.test-helper.js';

const recordFile = (dir: string, id: string) => path.join(dir, 'root', 'metadata', 'containers', `${id}.json`);
const containerDir = (dir: string, id: string) => path.join(dir, 'root', 'containers', id);

test('auto remove: the record is gone when removed waiters wake, the directory follows; die before destroy', async () => {
  const t = await makeService();
  try {
    const { Id } = await t.svc.create('rm', { Image: 'busybox', HostConfig: { AutoRemove: true } });
    await t.svc.start(Id);
    const running = await readFile(recordFile(t.dir, Id), 'utf8');
    const w = await t.svc.wait(Id, 'removed');
    t.runtime.exitWith(Id, 3);
    assert.deepEqual(await w.result, { StatusCode: 3, Error: null });
    await assert.rejects(stat(recordFile(t.dir, Id)));
    assert.match(running, /"Running":true/);
    for (let i = 0; i < 100 && (await stat(containerDir(t.dir, Id)).then(() => true, () => false)); i++) await tick(10);
    await assert.rejects(stat(containerDir(t.dir, Id)));
    const acts = t.events.filter((e) => e.id === Id).map((e) => e.Action);
    assert.deepEqual(acts.slice(-2), ['die', 'destroy']);
  } finally {
    await t.cleanup();
  }
});

test('restore removes AutoRemove containers that do not run: exited while down, or never started', async () => {
  const t = await makeService();
  try {
    const ran = await t.svc.create('ran', { Image: 'busybox', HostConfig: { AutoRemove: true } });
    const created = await t.svc.create('created', { Image: 'busybox', HostConfig: { AutoRemove: true } });
    const kept = await t.svc.create('kept', { Image: 'busybox' });
    const live = await t.svc.create('live', { Image: 'busybox', HostConfig: { AutoRemove: true } });
    await t.svc.start(ran.Id);
    await t.svc.start(live.Id);
    await t.svc.close();
    // `ran` exits while "pierd is down"; `live` keeps running.
    t.runtime.exitWith(ran.Id, 0);
    t.runtime.containers.get(ran.Id)!.status = 'stopped';
    const svc2 = await t.reopen();
    await svc2.restore();
    for (const id of [ran.Id, created.Id]) {
      await assert.rejects(svc2.inspect(id), (e: Error & { kind?: string }) => e.kind === 'NotFound');
      await assert.rejects(stat(recordFile(t.dir, id)));
    }
    assert.equal((await svc2.inspect(kept.Id)).State.Status, 'created');
    assert.equal((await svc2.inspect(live.Id)).State.Running, true);
    const w = await svc2.wait(live.Id, 'removed');
    t.runtime.exitWith(live.Id, 0);
    assert.equal((await w.result).StatusCode, 0);
  } finally {
    await t.cleanup();
  }
});
