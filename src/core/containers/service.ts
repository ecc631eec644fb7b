/**
 * The container service (see index.ts for the contract): wires the operation modules onto one
 * shared context. Records are loaded at construction; call `restore()` to re-adopt running
 * containers.
 */
import { mkdir } from 'node:fs/promises';
import { notImplemented } from '../../lib/errors.js';
import path from 'node:path';
import { openRecordStore } from '../metadata/index.js';
import type { ContainerService } from './index.js';
import type { ContainerRecord, ContainerServiceDeps, ContainerServiceOptions } from './types.js';
import { createCtx } from './context.js';
import { AttachHub } from './attach-hub.js';
import { create } from './create.js';
import { start } from './start.js';
import { kill, pause, restart, resize, stop, unpause } from './stop.js';
import { remove, rename } from './remove.js';
import { attach } from './attach.js';
import { readLogs } from './logs.js';
import { followHooks } from './lifecycle-hooks.js';
import { inspectRecord } from './inspect.js';
import { list } from './list.js';
import { prune } from './prune.js';
import { commit, exportContainer } from './commit.js';
import { restore } from './restore.js';
import { parseDetachKeys } from './detach-keys.js';
import { top } from './top.js';
import { changes } from './changes.js';
import { update } from './update.js';
import { stopAllHealth } from './health.js';
import { dropRestart } from './restart.js';
import { stats } from './stats.js';
import { archiveGet, archivePut, archiveStat } from './archive.js';
import { execCreate, execInspect, execResize, execStart } from './exec.js';
import { usesVolume } from './mounts.js';
import { connectNetwork, disconnectNetwork } from './network-connect.js';

export type { ContainerRecord, ContainerServiceDeps, ContainerServiceOptions } from './types.js';

/**
 * Creates the container service: opens (or uses) the container record store and loads every
 * record. Throws fs errors when the data root cannot be prepared.
 */
export async function createContainerService(deps: ContainerServiceDeps, options: ContainerServiceOptions): Promise<ContainerService> {
  await mkdir(path.join(options.root, 'containers'), { recursive: true, mode: 0o710 });
  // A --rm container's record is written without fsync: after a host crash daemon start
  // removes such containers anyway (restore.ts), as Docker does.
  const volatile = (r: ContainerRecord): boolean => !!r.hostConfig.AutoRemove;
  const records = deps.records ?? (await openRecordStore<ContainerRecord>(path.join(options.root, 'metadata', 'containers'), { volatile }));
  const ctx = createCtx(deps, options, records, new AttachHub());

  return {
    create: (name, req, opts) => create(ctx, name, req, opts),
    start: (ref) => start(ctx, ref),
    stop: (ref, opts) => stop(ctx, ref, opts),
    restart: (ref, opts) => restart(ctx, ref, opts),
    kill: (ref, signal) => kill(ctx, ref, signal),
    pause: (ref) => pause(ctx, ref),
    unpause: (ref) => unpause(ctx, ref),
    rename: (ref, newName) => rename(ctx, ref, newName),
    remove: (ref, opts) => remove(ctx, ref, opts),
    async wait(ref, condition, signal) {
      const rec = ctx.find(ref);
      if (condition === 'not-running' && !rec.state.Running) {
        return { result: Promise.resolve({ StatusCode: rec.state.ExitCode, Error: null }) };
      }
      return { result: ctx.waiters.add(rec.id, condition, signal) };
    },
    async attach(ref, opts) {
      if (opts.detachKeys) parseDetachKeys(opts.detachKeys);
      return attach(ctx, ref, opts);
    },
    resize: (ref, h, w) => resize(ctx, ref, h, w),
    async logs(ref, opts) {
      const rec = ctx.find(ref);
      if (rec.hostConfig.LogConfig?.Type === 'none') throw notImplemented('configured logging driver does not support reading');
      return { tty: !!rec.config.Tty, entries: readLogs(rec, opts, followHooks(ctx, rec.id)) };
    },
    async inspect(ref, opts) {
      return inspectRecord(ctx, ctx.find(ref), opts?.size);
    },
    list: (opts) => list(ctx, opts),
    prune: (opts) => prune(ctx, opts),
    export: (ref) => exportContainer(ctx, ref),
    commit: (ref, opts) => commit(ctx, ref, opts),
    top: (ref, psArgs) => top(ctx, ref, psArgs),
    changes: (ref) => changes(ctx, ref),
    update: (ref, hc) => update(ctx, ref, hc),
    stats: (ref, opts) => stats(ctx, ref, opts),
    archiveStat: (ref, p) => archiveStat(ctx, ref, p),
    archiveGet: (ref, p) => archiveGet(ctx, ref, p),
    archivePut: (ref, p, tar, opts) => archivePut(ctx, ref, p, tar, opts),
    execCreate: (ref, config) => execCreate(ctx, ref, config),
    execStart: (execId, opts) => execStart(ctx, execId, opts),
    execInspect: async (execId) => execInspect(ctx, execId),
    execResize: (execId, h, w) => execResize(ctx, execId, h, w),
    connectNetwork: (ref, network, config) => connectNetwork(ctx, ref, network, config),
    disconnectNetwork: (ref, network, force) => disconnectNetwork(ctx, ref, network, force),
    usingImage(imageId) {
      return [...ctx.byId.values()].filter((r) => r.imageId === imageId).map((r) => ({ id: r.id, running: r.state.Running }));
    },
    usingVolume(name) {
      return [...ctx.byId.values()].filter((r) => usesVolume(r, name)).map((r) => r.id);
    },
    counts() {
      let running = 0;
      let paused = 0;
      let stopped = 0;
      for (const r of ctx.byId.values()) {
        if (r.state.Paused) paused++;
        else if (r.state.Running) running++;
        else stopped++;
      }
      return { total: ctx.byId.size, running, paused, stopped };
    },
    restore: () => restore(ctx),
    async close() {
      ctx.state.closed = true;
      stopAllHealth(ctx);
      for (const id of [...ctx.restarts.keys()]) dropRestart(ctx, id);
      ctx.execs.close();
      await ctx.flush();
    },
  };
}
