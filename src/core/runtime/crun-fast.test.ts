import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteStoppedCrun, startCrunThroughFifo } from './crun-fast.js';

const config = (over: Record<string, unknown> = {}) => ({ linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }] }, ...over });

test('start writes one byte to a waiting init and removes the fifo; falls back otherwise', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-crunstart-'));
  try {
    const dir = path.join(root, 'c1');
    await mkdir(dir);
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config()));
    assert.equal(await startCrunThroughFifo(root, 'c1'), false, 'no fifo');
    execFileSync('mkfifo', [path.join(dir, 'exec.fifo')]);
    assert.equal(await startCrunThroughFifo(root, 'c1'), false, 'nobody reading');
    const fd = openSync(path.join(dir, 'exec.fifo'), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      assert.equal(await startCrunThroughFifo(root, 'c1'), true);
      const buf = Buffer.alloc(4);
      assert.equal(readSync(fd, buf, 0, 4, null), 1);
      assert.equal(buf[0], 0);
    } finally {
      closeSync(fd);
    }
    await assert.rejects(access(path.join(dir, 'exec.fifo')));
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config({ hooks: { poststart: [{ path: '/bin/true' }] } })));
    execFileSync('mkfifo', [path.join(dir, 'exec.fifo')]);
    assert.equal(await startCrunThroughFifo(root, 'c1'), false, 'poststart hooks');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('delete removes the cgroup in every hierarchy and the state dir; leaves cases crun must handle', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-crundel-'));
  const cg = await mkdtemp(path.join(tmpdir(), 'pier-crundel-cg-'));
  const mounts = [path.join(cg, 'memory'), path.join(cg, 'pids'), path.join(cg, 'unified')];
  const put = async (id: string, status: Record<string, unknown>, cfg: unknown = config()) => {
    await mkdir(path.join(root, id), { recursive: true });
    await writeFile(path.join(root, id, 'status'), JSON.stringify({ pid: 0, 'cgroup-path': `/pier-x/${id}`, scope: '', 'systemd-cgroup': false, ...status }));
    await writeFile(path.join(root, id, 'config.json'), JSON.stringify(cfg));
  };
  try {
    assert.equal(await deleteStoppedCrun(root, 'absent', mounts), false);
    await put('done', {});
    for (const m of mounts.slice(0, 2)) await mkdir(path.join(m, 'pier-x', 'done'), { recursive: true });
    assert.equal(await deleteStoppedCrun(root, 'done', mounts), true);
    await assert.rejects(access(path.join(root, 'done')));
    for (const m of mounts.slice(0, 2)) await assert.rejects(access(path.join(m, 'pier-x', 'done')));

    await put('hooks', {}, config({ hooks: { poststop: [{ path: '/bin/true' }] } }));
    await put('hostpid', {}, { linux: { namespaces: [{ type: 'mount' }] } });
    await put('alive', { pid: process.pid });
    await put('systemd', { 'systemd-cgroup': true });
    await put('odd', { 'cgroup-path': '/pier-x/../../etc' });
    await put('nested', {});
    await mkdir(path.join(mounts[0]!, 'pier-x', 'nested', 'child'), { recursive: true });
    for (const id of ['hooks', 'hostpid', 'alive', 'systemd', 'odd', 'nested']) {
      assert.equal(await deleteStoppedCrun(root, id, mounts), false, id);
      await access(path.join(root, id, 'status'));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(cg, { recursive: true, force: true });
  }
});

test('spec facts known at create stand in for crun’s copy of config.json', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'pier-crunfacts-'));
  try {
    const dir = path.join(root, 'c1');
    await mkdir(dir);
    // No config.json at all: the facts decide.
    execFileSync('mkfifo', [path.join(dir, 'exec.fifo')]);
    assert.equal(await startCrunThroughFifo(root, 'c1', { hooks: ['poststart'], privatePid: true }), false, 'poststart hooks');
    const fd = openSync(path.join(dir, 'exec.fifo'), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      assert.equal(await startCrunThroughFifo(root, 'c1', { hooks: ['prestart'], privatePid: true }), true);
    } finally {
      closeSync(fd);
    }
    await writeFile(path.join(dir, 'status'), JSON.stringify({ pid: 0, 'cgroup-path': '', scope: '', 'systemd-cgroup': false }));
    assert.equal(await deleteStoppedCrun(root, 'c1', [], undefined, { hooks: ['poststop'], privatePid: true }), false, 'poststop hooks');
    assert.equal(await deleteStoppedCrun(root, 'c1', [], undefined, { hooks: [], privatePid: false }), false, 'host pid namespace');
    assert.equal(await deleteStoppedCrun(root, 'c1', [], undefined, { hooks: [], privatePid: true }), true);
    await assert.rejects(access(dir));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
