/**
 * Path resolution inside a container's root filesystem for `docker cp`, as if chrooted into it:
 * every symlink met is followed with the rootfs as `/` (absolute targets restart at the rootfs,
 * `..` never climbs above it), so no container symlink can point a copy outside the rootfs
 * (the CVE-2018-15664 class). Also Docker's path-stat header (Go FileMode bits).
 */
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import { errnoCode, invalidArgument } from '../../lib/errors.js';
import type { ContainerPathStat } from '../../api/types.js';

const MAX_LINKS = 255;

/** A mount seen by cp: container path `destination` shows host directory (or file) `source`. */
export interface ViewMount {
  destination: string;
  source: string;
  rw: boolean;
}

/** The container's filesystem as cp sees it: the rootfs with mounts laid over it. */
export interface RootView {
  rootfs: string;
  mounts: readonly ViewMount[];
}

/** A rootfs path alone, or a view with mounts. */
export type Root = string | RootView;

/** The rootfs of a Root. Pure. */
export function rootfsOf(root: Root): string {
  return typeof root === 'string' ? root : root.rootfs;
}

/** The mount that holds container path components `parts` (longest destination), if any. Pure. */
export function mountOf(root: Root, parts: readonly string[]): ViewMount | undefined {
  if (typeof root === 'string') return undefined;
  const p = '/' + parts.join('/');
  let best: ViewMount | undefined;
  for (const m of root.mounts) {
    const d = m.destination.replace(/\/+$/, '') || '/';
    if ((p === d || p.startsWith(d + '/')) && (!best || d.length > best.destination.length)) best = m;
  }
  return best;
}

/** Host path of container path components `parts` (through mounts). Pure. */
export function hostOf(root: Root, parts: readonly string[]): string {
  const m = mountOf(root, parts);
  if (!m) return path.join(rootfsOf(root), ...parts);
  const depth = m.destination.split('/').filter(Boolean).length;
  return path.join(m.source, ...parts.slice(depth));
}

/** The result of resolving a container path. */
export interface ResolvedPath {
  /** Components below the rootfs of the resolved path (symlinks followed). */
  parts: string[];
  /** Host path (rootfs joined with parts). */
  host: string;
}

/**
 * Resolves the container path `p` inside `rootfs`. All components are followed through
 * symlinks; the last one too unless `followLast` is false (a trailing `/` or `/.` always
 * follows it). Components that do not exist are
 * kept as they are (the caller stats the result). Throws InvalidArgument on symlink loops.
 */
export function resolveInRoot(root: Root, p: string, followLast = true): ResolvedPath {
  const resolved: string[] = [];
  const queue = p.split('/');
  let links = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    const isLast = queue.length === 0;
    const full = hostOf(root, [...resolved, c]);
    let st: Stats | undefined;
    try {
      st = lstatSync(full);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    if (st?.isSymbolicLink() && (followLast || !isLast)) {
      if (++links > MAX_LINKS) throw invalidArgument(`too many links in ${p}`);
      const target = readlinkSync(full);
      if (target.startsWith('/')) resolved.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    resolved.push(c);
  }
  return { parts: resolved, host: hostOf(root, resolved) };
}

/** Docker's `X-Docker-Container-Path-Stat` body. */
export type PathStat = ContainerPathStat;

const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_DEVICE = 2 ** 26;
const MODE_PIPE = 2 ** 25;
const MODE_SOCKET = 2 ** 24;
const MODE_SETUID = 2 ** 23;
const MODE_SETGID = 2 ** 22;
const MODE_CHARDEV = 2 ** 21;
const MODE_STICKY = 2 ** 20;

/** Converts a Unix st_mode to Go's os.FileMode bits. Pure. */
export function goFileMode(st: Stats): number {
  let m = st.mode & 0o777;
  if (st.isDirectory()) m += MODE_DIR;
  else if (st.isSymbolicLink()) m += MODE_SYMLINK;
  else if (st.isFIFO()) m += MODE_PIPE;
  else if (st.isSocket()) m += MODE_SOCKET;
  else if (st.isCharacterDevice()) m += MODE_DEVICE + MODE_CHARDEV;
  else if (st.isBlockDevice()) m += MODE_DEVICE;
  if (st.mode & 0o4000) m += MODE_SETUID;
  if (st.mode & 0o2000) m += MODE_SETGID;
  if (st.mode & 0o1000) m += MODE_STICKY;
  return m;
}

/** Formats nanoseconds since the epoch like Go's JSON time (RFC3339Nano, trailing zeros dropped, UTC). Pure. */
export function goTime(ns: bigint): string {
  const sec = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return frac ? `${sec}.${frac}Z` : `${sec}Z`;
}

/**
 * Stats the container path `p` (the last component not followed) and returns Docker's stat
 * with `linkTarget` the in-container path a symlink resolves to. Throws the lstat error
 * (ENOENT for a missing path) so the caller can phrase Docker's 404.
 */
export function statInRoot(root: Root, p: string): { stat: PathStat; resolved: ResolvedPath; st: Stats } {
  const resolved = resolveInRoot(root, p, false);
  const st = lstatSync(resolved.host);
  let linkTarget = '';
  if (st.isSymbolicLink()) linkTarget = '/' + resolveInRoot(root, p, true).parts.join('/');
  const base = path.posix.basename(p.replace(/\/+$/, '')) || '/';
  const name = /\/\.$/.test(p) ? '.' : base;
  const mtimeNs = lstatSync(resolved.host, { bigint: true }).mtimeNs;
  return { stat: { name, size: st.size, mode: goFileMode(st), mtime: goTime(mtimeNs), linkTarget }, resolved, st };
}
