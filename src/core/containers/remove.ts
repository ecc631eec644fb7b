/**
 * Removing and renaming containers. `remove` refuses a running container unless forced
 * (Docker's wording), marks the container as being removed (other operations then fail with
 * `removal of container x is already in progress`), kills it when forced, deletes the runtime
 * state, rw layer, files and record, wakes `removed` waiters and emits `destroy`.
 */
import { rm } from 'node:fs/promises';
import { conflict, invalidArgument, notFound } from '../../lib/errors.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { normalizeName } from './names.js';
import { cancelRestart } from './restart.js';
import { releaseMounts } from './mounts.js';

/** Docker's 409 for a name already in use. */
export function nameConflict(name: string, id: string) {
  return conflict(
    `Conflict. The container name "${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
}

/**
 * Waits at most `ms` for the exit of the live entry `live` (taken before the kill, so an exit
 * being recorded meanwhile is still waited for); true when it exited.
 */
async function exitedWithin(live: { exited: Promise<void> } | undefined, ms: number): Promise<boolean> {
  if (!live) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([live.exited.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `DELETE /containers/{id}`. Throws NotFound, Conflict (running without force, removal in progress). */
export async function remove(ctx: Ctx, ref: string, opts: { force?: boolean; volumes?: boolean; link?: boolean }): Promise<void> {
  if (opts.link) return removeLink(ctx, ref);
  const rec = ctx.find(ref);
  if (ctx.removing.has(rec.id)) throw conflict(`removal of container ${ref} is already in progress`);
  ctx.removing.add(rec.id);
  try {
    await ctx.lock.with(rec.id, async () => {
      if (ctx.byId.get(rec.id) !== rec) return;
      if (rec.state.Running) {
        if (!opts.force) {
          const state = rec.state.Paused ? 'paused' : rec.state.Restarting ? 'restarting' : 'running';
          let procedure = 'Stop the container before attempting removal or force remove';
          if (state === 'paused') procedure = 'Unpause and then ' + procedure.toLowerCase();
          throw conflict(`You cannot remove a ${state} container ${rec.id}. ${procedure}`);
        }
        if (rec.state.Restarting) await cancelRestart(ctx, rec);
        else await killForRemoval(ctx, rec);
      }
      // An exit still being recorded (state already exited) finishes before the removal.
      await ctx.live.get(rec.id)?.exited;
      await removeContainer(ctx, rec, { volumes: !!opts.volumes });
    });
  } finally {
    ctx.removing.delete(rec.id);
  }
}

async function killForRemoval(ctx: Ctx, rec: ContainerRecord): Promise<void> {
  const { runtime } = ctx.deps;
  const live = ctx.live.get(rec.id);
  await runtime.kill(rec.id, 'KILL', true).catch((e) => ctx.log.warn('kill failed', { id: rec.id, error: (e as Error).message }));
  ctx.emit(rec, 'kill', { signal: '9' });
  if (rec.state.Paused) await runtime.resume(rec.id).catch(() => {});
  if (!(await exitedWithin(live, 15_000))) {
    throw conflict(`Could not kill running container ${rec.id}, cannot remove - tried to kill container, but did not receive an exit event`);
  }
}

/**
 * Deletes a stopped container's runtime state, rw layer and record, then wakes `removed`
 * waiters and emits `destroy`; the container's directory (log, etc files, config.v2.json) is
 * deleted after that, in the background: once the record is gone the container has left the
 * API's view, and a crash before the directory is gone leaves a directory without a record,
 * which daemon start removes (restore.ts). The caller holds the lock and the removing mark.
 * Throws snapshotter/record-store errors (the container is kept then, with its status back).
 * Anonymous volumes created for the container are removed when `opts.volumes` (`rm -v`), by
 * default for AutoRemove containers.
 */
export async function removeContainer(ctx: Ctx, rec: ContainerRecord, opts: { volumes?: boolean } = {}): Promise<void> {
  const t0 = performance.now();
  const status = rec.state.Status;
  rec.state = { ...rec.state, Status: 'removing' };
  try {
    if (ctx.staleRuntime.delete(rec.id)) await ctx.deps.runtime.delete(rec.id, true).catch(() => {});
    // One rename into the driver's trash (its files are deleted in the background).
    await ctx.deps.snapshots.removeRw(rec.id);
    // From here on no write of this record may land (one after the delete would resurrect it).
    ctx.markGone(rec, true);
    await ctx.flush(rec.id);
    await ctx.records.delete(rec.id);
  } catch (e) {
    ctx.markGone(rec, false);
    rec.state = { ...rec.state, Status: status };
    // The container stays: an AutoRemove container's exit was not written (exit.ts), so write it now.
    if (rec.hostConfig.AutoRemove) await ctx.persist(rec).catch(() => {});
    throw e;
  }
  ctx.byId.delete(rec.id);
  if (ctx.byName.get(rec.name) === rec.id) ctx.byName.delete(rec.name);
  void rm(rec.paths.root, { recursive: true, force: true }).catch((e) =>
    ctx.log.warn('cannot remove container directory', { id: rec.id, error: (e as Error).message }),
  );
  await releaseMounts(ctx, rec, opts.volumes ?? !!rec.hostConfig.AutoRemove);
  ctx.attachHub.dropAll(rec.id);
  ctx.execs.containerRemoved(rec.id);
  ctx.waiters.removed(rec.id, rec.state.ExitCode);
  ctx.emit(rec, 'destroy');
  ctx.log.debug('container removed', { id: rec.id, ms: Math.round(performance.now() - t0) });
}

/** `POST /containers/{id}/rename`. Throws NotFound, InvalidArgument (bad/same name), Conflict (in use). */
export async function rename(ctx: Ctx, ref: string, newName: string): Promise<void> {
  const rec = ctx.findActive(ref);
  await ctx.lock.with(rec.id, async () => {
    if (!newName) throw invalidArgument('Neither old nor new names may be empty');
    const name = normalizeName(newName);
    if (name === rec.name) throw invalidArgument('Renaming a container with the same name as its current name');
    const holder = ctx.byName.get(name);
    if (holder && holder !== rec.id) throw conflict(`Error when allocating new name: ${nameConflict(name, holder).message}`);
    const old = rec.name;
    ctx.byName.set(name, rec.id);
    rec.name = name;
    try {
      await ctx.persist(rec);
    } catch (e) {
      rec.name = old;
      ctx.byName.delete(name);
      throw e;
    }
    ctx.byName.delete(old);
    await renameLinks(ctx, rec, old, name);
    ctx.deps.networks?.renamed(rec.id, name.slice(1));
    ctx.emit(rec, 'rename', { oldName: old });
  });
}

/**
 * Legacy links follow a rename: "/old:/parent/alias" in other containers becomes "/new:…" and
 * the renamed container's own "…:/old/alias" become "…:/new/alias". Never throws (logs).
 */
async function renameLinks(ctx: Ctx, rec: ContainerRecord, oldName: string, newName: string): Promise<void> {
  const rewrite = async (r: ContainerRecord, map: (l: string) => string) => {
    const links = r.hostConfig.Links ?? [];
    const next = links.map(map);
    if (next.every((l, i) => l === links[i])) return;
    r.hostConfig = { ...r.hostConfig, Links: next };
    await ctx.persist(r).catch((e) => ctx.log.warn('cannot update links after a rename', { id: r.id, error: (e as Error).message }));
  };
  await rewrite(rec, (l) => l.replace(`:${oldName}/`, `:${newName}/`));
  for (const other of ctx.byId.values()) {
    if (other !== rec) await rewrite(other, (l) => (l.startsWith(`${oldName}:`) ? newName + l.slice(oldName.length) : l));
  }
}

/**
 * `docker rm --link /parent/alias`: removes a legacy link from its parent (the running parent
 * keeps its /etc/hosts and environment until its next start, as the process already has them).
 * Throws Conflict (the default name of a container), InvalidArgument (no such parent),
 * NotFound (no such link). Never removes a container.
 */
async function removeLink(ctx: Ctx, ref: string): Promise<void> {
  const name = ref.startsWith('/') ? ref : '/' + ref;
  const cut = name.lastIndexOf('/');
  if (cut === 0) {
    ctx.find(ref);
    throw conflict('Conflict, cannot remove the default link name of the container');
  }
  const parentName = name.slice(0, cut);
  const parentId = ctx.byName.get(parentName);
  const parent = parentId ? ctx.byId.get(parentId) : undefined;
  if (!parent) throw invalidArgument(`Cannot get parent ${parentName} for link name ${name}`);
  await ctx.lock.with(parent.id, async () => {
    const links = parent.hostConfig.Links ?? [];
    const kept = links.filter((l) => !l.endsWith(`:${name}`));
    if (kept.length === links.length) throw notFound(`No such container: ${ref}`);
    parent.hostConfig = { ...parent.hostConfig, Links: kept };
    await ctx.persist(parent);
  });
}
