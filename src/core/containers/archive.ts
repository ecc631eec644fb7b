/**
 * `docker cp` on the engine side: `HEAD/GET/PUT /containers/{id}/archive`. Works on running
 * containers (the mounted rootfs; the container is paused while its files are read or written,
 * so no process inside can swap a path for a symlink mid-copy) and on stopped ones (the rw layer
 * is mounted under the container's lock and unmounted afterwards). Paths resolve inside the
 * rootfs as if chrooted (archive-path.ts), with the container's bind and volume mounts and its
 * /etc/hosts, /etc/hostname and /etc/resolv.conf laid over it as the container sees them.
 * tmpfs mounts are not visible to cp; a directory copied out does not descend into mounts
 * below it.
 */
import type { Readable } from 'node:stream';
import { errnoCode, invalidArgument, notFound, permissionDenied } from '../../lib/errors.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { statInRoot, type PathStat, type RootView, type ViewMount } from './archive-path.js';
import { archiveTar } from './archive-tar.js';
import { extractInto } from './archive-extract.js';

export type { PathStat } from './archive-path.js';

/** Options of a PUT. */
export interface ArchivePutOptions {
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
}

interface Rootfs {
  path: RootView;
  release(): Promise<void>;
}

/** The container's filesystem view for cp: its rootfs with mounts (see the module comment). */
function viewOf(rec: ContainerRecord, rootfs: string): RootView {
  const mounts: ViewMount[] = [];
  if (rec.hasBeenStarted) {
    mounts.push(
      { destination: '/etc/resolv.conf', source: rec.paths.resolvConf, rw: true },
      { destination: '/etc/hostname', source: rec.paths.hostname, rw: true },
      { destination: '/etc/hosts', source: rec.paths.hosts, rw: true },
    );
  }
  for (const m of rec.mounts ?? []) {
    if (m.type === 'tmpfs' || !m.source) continue;
    mounts.push({ destination: m.destination, source: m.source, rw: m.rw });
  }
  return { rootfs, mounts };
}

function holdLock(ctx: Ctx, id: string): Promise<() => void> {
  return new Promise((acquired) => {
    void ctx.lock.with(id, () => new Promise<void>((release) => acquired(release)));
  });
}

/** A Rootfs whose `release` runs `release` on the first call only. */
function releasedOnce(path: RootView, release: () => Promise<void>): Rootfs {
  let done = false;
  return {
    path,
    async release() {
      if (done) return;
      done = true;
      await release();
    },
  };
}

/** Gives the container's rootfs for the duration of an operation (see the module comment). */
async function acquire(ctx: Ctx, rec: ContainerRecord): Promise<Rootfs> {
  const { snapshots, runtime } = ctx.deps;
  const unlock = await holdLock(ctx, rec.id);
  try {
    const path = viewOf(rec, await snapshots.mountRw(rec.id));
    if (rec.state.Running) {
      const pause = !rec.state.Paused;
      if (pause) await runtime.pause(rec.id);
      unlock();
      return releasedOnce(path, async () => {
        if (pause) await runtime.resume(rec.id).catch((e) => ctx.log.warn('resume after cp failed', { id: rec.id, error: (e as Error).message }));
      });
    }
    return releasedOnce(path, async () => {
      try {
        if (!rec.state.Running) await snapshots.unmountRw(rec.id).catch(() => {});
      } finally {
        unlock();
      }
    });
  } catch (e) {
    unlock();
    throw e;
  }
}

function missing(p: string, ref: string, e: unknown): Error {
  const code = errnoCode(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') return notFound(`Could not find the file ${p} in container ${ref}`);
  return e as Error;
}

function statOf(rootfs: RootView, p: string, ref: string): ReturnType<typeof statInRoot> {
  try {
    return statInRoot(rootfs, p);
  } catch (e) {
    throw missing(p, ref, e);
  }
}

/** `HEAD …/archive`: the path's stat. Throws NotFound (container, or Docker's "Could not find the file …"). */
export async function archiveStat(ctx: Ctx, ref: string, p: string): Promise<PathStat> {
  const rec = ctx.findActive(ref);
  const root = await acquire(ctx, rec);
  try {
    return statOf(root.path, p, ref).stat;
  } finally {
    await root.release();
  }
}

/**
 * `GET …/archive`: the stat and a tar of the path (a directory with its tree, rebased on the
 * path's base name; `/.` gives the contents as `./…`). Throws NotFound.
 */
export async function archiveGet(ctx: Ctx, ref: string, p: string): Promise<{ stat: PathStat; tar: Readable }> {
  const rec = ctx.findActive(ref);
  const root = await acquire(ctx, rec);
  try {
    const { stat, resolved } = statOf(root.path, p, ref);
    const base = p.endsWith('/.') ? '.' : stat.name;
    const tar = archiveTar(resolved.host, base, () => root.release());
    tar.once('close', () => void root.release());
    ctx.emit(rec, 'archive-path');
    return { stat, tar };
  } catch (e) {
    await root.release();
    throw e;
  }
}

function containerOwner(rec: ContainerRecord): { uid: number; gid: number } | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(rec.config.User ?? '');
  if (!m) return undefined;
  return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
}

/**
 * `PUT …/archive`: extracts `tar` into the directory `p`. Throws NotFound (missing path),
 * InvalidArgument "extraction point is not a directory" / overwrite refusals / hostile names,
 * PermissionDenied "container rootfs is marked read-only".
 */
export async function archivePut(ctx: Ctx, ref: string, p: string, tar: Readable, o: ArchivePutOptions): Promise<void> {
  const rec = ctx.findActive(ref);
  if (rec.hostConfig.ReadonlyRootfs) throw permissionDenied('container rootfs is marked read-only');
  const root = await acquire(ctx, rec);
  try {
    const { resolved, st } = (() => {
      try {
        return statInRoot(root.path, p.replace(/\/*$/, '/.'));
      } catch (e) {
        throw missing(p, ref, e);
      }
    })();
    if (!st.isDirectory()) throw invalidArgument('extraction point is not a directory');
    await extractInto(tar, {
      rootfs: root.path,
      dest: '/' + resolved.parts.join('/'),
      noOverwriteDirNonDir: o.noOverwriteDirNonDir,
      owner: o.copyUIDGID ? containerOwner(rec) : undefined,
    });
    ctx.emit(rec, 'extract-to-dir');
  } finally {
    await root.release();
  }
}
