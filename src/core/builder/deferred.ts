/**
 * Context files kept in memory instead of on disk. The regular files of a build context are
 * received into memory (within a budget) and nothing is created for them on disk: a fully
 * cached build then writes no context file at all (a context of thousands of small files
 * costs no file creations), and a COPY writes them straight into the rootfs from memory.
 * Readers of the context (copy-files.ts) see held files through heldStat/heldNames as if they
 * were on disk: mode as extracted, owned by the daemon's user. Whoever needs the real files on
 * disk (a RUN bind mount of the context, ADD's archive check, a Dockerfile read) calls
 * materialize, which creates them and restores file and directory times.
 */
import { chmod, open, utimes } from 'node:fs/promises';
import path from 'node:path';

/** What lstat would say about a file: the subset of fs.Stats the builder reads. */
export interface StatLike {
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** Files held in memory, by host path (none of them exists on disk). */
export interface DeferredBodies {
  /** host path → chunks of the file's content. */
  bodies: Map<string, Buffer[]>;
  /** host path → permission bits (mode & 0o7777) of the held file. */
  modes: Map<string, number>;
  /** host directory → names of the held files in it. */
  names: Map<string, Set<string>>;
  /** Directory times set by the extraction, set again after materializing (creating files changes them). */
  dirTimes: [string, Date][];
  /** Bytes still allowed in memory. */
  budget: number;
}

/** Bytes counted per held file besides its content (map entries, names, the Buffer object: heap, roughly). */
export const HELD_OVERHEAD = 512;

const S_IFREG = 0o100000;
/** Bits a file created with open(…, mode) may lose to the umask (then a chmod restores them). */
const UMASKED = 0o022;

/** A fresh set of held files allowed `budget` bytes. Never throws. */
export function createDeferredBodies(budget: number): DeferredBodies {
  return { bodies: new Map(), modes: new Map(), names: new Map(), dirTimes: [], budget };
}

/** Holds `file` (no file on disk) with its content and permission bits. Never throws. */
export function holdFile(d: DeferredBodies, file: string, chunks: Buffer[], mode: number, size: number): void {
  d.bodies.set(file, chunks);
  d.modes.set(file, mode & 0o7777);
  const dir = path.dirname(file);
  let set = d.names.get(dir);
  if (!set) d.names.set(dir, (set = new Set()));
  set.add(path.basename(file));
  d.budget -= size + HELD_OVERHEAD;
}

/**
 * lstat of a held file as it will be once written (regular file, its mode, owned by the
 * daemon's user; mtime from `mtimes`), or undefined when `file` is not held. Never throws.
 */
export function heldStat(d: DeferredBodies | undefined, file: string, mtimes?: Map<string, Date>): StatLike | undefined {
  const mode = d?.modes.get(file);
  if (mode === undefined) return undefined;
  return {
    mode: S_IFREG | mode,
    uid: process.geteuid?.() ?? 0,
    gid: process.getegid?.() ?? 0,
    mtime: mtimes?.get(file) ?? new Date(0),
    isFile: () => true,
    isDirectory: () => false,
    isSymbolicLink: () => false,
  };
}

/** Names of the held files in directory `dir`. Never throws. */
export function heldNames(d: DeferredBodies | undefined, dir: string): string[] {
  const set = d?.names.get(dir);
  return set ? [...set] : [];
}

/**
 * Writes `chunks` to `file` (flag 'w' creates/truncates, 'r+' requires the file to exist).
 * Throws fs errors.
 */
export async function writeChunks(file: string, chunks: readonly Buffer[], flag: 'w' | 'r+', mode?: number): Promise<void> {
  const fh = await open(file, flag, mode);
  try {
    for (let i = 0; i < chunks.length; i += 256) await fh.writev(chunks.slice(i, i + 256));
  } finally {
    await fh.close();
  }
}

function forget(d: DeferredBodies, file: string): void {
  const chunks = d.bodies.get(file);
  if (!chunks) return;
  for (const c of chunks) d.budget += c.length;
  d.budget += HELD_OVERHEAD;
  d.bodies.delete(file);
  d.modes.delete(file);
  const dir = path.dirname(file);
  const set = d.names.get(dir);
  set?.delete(path.basename(file));
  if (set?.size === 0) d.names.delete(dir);
}

/** Forgets the held file `target` and held files below it (they were replaced). Never throws. */
export function dropDeferred(d: DeferredBodies, target: string): void {
  forget(d, target);
  const prefix = target + '/';
  for (const dir of [...d.names.keys()]) {
    if (dir !== target && !dir.startsWith(prefix)) continue;
    for (const n of [...(d.names.get(dir) ?? [])]) forget(d, path.join(dir, n));
  }
}

/**
 * Creates one held file on disk (content, mode, mtime), then forgets it: until the file is
 * complete, readers still take it from memory. Throws fs errors.
 */
export async function materializeOne(d: DeferredBodies, file: string, mtimes?: Map<string, Date>): Promise<void> {
  const chunks = d.bodies.get(file);
  const mode = d.modes.get(file);
  if (!chunks || mode === undefined) return;
  await writeChunks(file, chunks, 'w', mode);
  if ((mode & UMASKED) !== 0 || mode > 0o777) await chmod(file, mode);
  const t = mtimes?.get(file);
  if (t) await utimes(file, t, t);
  if (d.bodies.get(file) === chunks) forget(d, file);
}

/**
 * Creates every held file on disk with its content, mode and mtime (from `mtimes`), by a pool
 * of parallel writers, then sets the directory times again. Afterwards nothing is held.
 * Throws fs errors.
 */
export async function materializeDeferred(d: DeferredBodies, mtimes?: Map<string, Date>): Promise<void> {
  const files = [...d.bodies.keys()];
  if (files.length === 0) return;
  const writers = Array.from({ length: Math.min(32, files.length) }, async () => {
    for (let f = files.pop(); f !== undefined; f = files.pop()) await materializeOne(d, f, mtimes);
  });
  await Promise.all(writers);
  const times = [...d.dirTimes];
  await Promise.all(
    Array.from({ length: Math.min(32, times.length) }, async () => {
      for (let e = times.pop(); e; e = times.pop()) await utimes(e[0], e[1], e[1]).catch(() => {});
    }),
  );
}
