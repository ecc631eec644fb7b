/**
 * `runc delete` of a container whose init has exited, without spawning runc. For such a
 * container runc's delete only removes the container's cgroups (the leaf directories listed in
 * `state.json`) and its state directory, then runs poststop hooks. Doing the removals here saves
 * a Go process start on every container exit.
 *
 * Anything this does not handle exactly like runc makes it return false, and the caller runs
 * `runc delete` itself: poststop hooks, Intel RDT, no private pid namespace (runc must then
 * kill leftovers in the cgroup), an init that still runs, nested cgroups, unreadable state.
 */
import { readFileSync } from 'node:fs';
import { readFile, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode } from '../../lib/errors.js';

/** The parts of runc's state.json this module reads. */
interface RuncState {
  init_process_pid?: number;
  init_process_start?: number;
  cgroup_paths?: Record<string, string>;
  intel_rdt_path?: string;
  config?: {
    namespaces?: { type?: string; path?: string }[];
    Hooks?: Record<string, unknown[] | null> | null;
  };
}

/** True when the init process recorded in a runtime's state still runs (same pid and start time). Never throws. */
export async function initAlive(pid: number | undefined, start: number | undefined): Promise<boolean> {
  if (!pid) return false;
  let stat: string;
  try {
    // procfs: answered from memory, so read at once rather than through the thread pool.
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // Fields after the command name (which may hold spaces): state is field 3, starttime field 22.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (f[0] === 'Z' || f[0] === 'X') return false;
  return start === undefined || Number(f[19]) === start;
}

/**
 * Removes one cgroup directory, retrying while the kernel still tears its tasks down. Resolves
 * true when it is gone (or was absent), false when it stays busy or cannot be removed. Never throws.
 */
export async function removeCgroup(dir: string, stats: { retries: number }): Promise<boolean> {
  for (let delay = 2; ; delay *= 2) {
    try {
      await rmdir(dir);
      return true;
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY' || delay > 64) return false;
    }
    stats.retries++;
    await sleep(delay);
  }
}

/**
 * Deletes the stopped runc container `id` under state root `root` (see the file comment).
 * Resolves true when done; false when the caller must run `runc delete`. `stats.retries` counts
 * the waits for a cgroup still busy. Never throws.
 */
export async function deleteStoppedRunc(root: string, id: string, stats: { retries: number } = { retries: 0 }): Promise<boolean> {
  const dir = path.join(root, id);
  let st: RuncState;
  try {
    st = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as RuncState;
  } catch {
    return false;
  }
  const hooks = st.config?.Hooks ?? {};
  if (Object.values(hooks).some((h) => Array.isArray(h) && h.length > 0)) return false;
  if (st.intel_rdt_path) return false;
  const pidNs = st.config?.namespaces?.find((n) => n.type === 'NEWPID');
  if (!pidNs || pidNs.path) return false;
  if (await initAlive(st.init_process_pid, st.init_process_start)) return false;
  const cgroups = [...new Set(Object.values(st.cgroup_paths ?? {}))];
  if (cgroups.some((p) => !p.startsWith('/sys/fs/cgroup/') || p.includes('/../'))) return false;
  return removeCgroupsAndState(cgroups, dir, stats);
}

/**
 * Removes a deleted container's cgroup directories, then the runtime's state directory `dir`.
 * False when a cgroup cannot be removed (left for the runtime) or the directory removal fails.
 * Never throws.
 */
export async function removeCgroupsAndState(cgroups: readonly string[], dir: string, stats: { retries: number }): Promise<boolean> {
  const removed = await Promise.all(cgroups.map((c) => removeCgroup(c, stats)));
  if (removed.includes(false)) return false;
  try {
    await removeDir(dir, STATE_FILES);
  } catch {
    return false;
  }
  return true;
}

/** What runc and crun keep in a container's state directory. */
const STATE_FILES = ['state.json', 'status', 'config.json', 'seccomp.bpf', 'exec.fifo'];

/**
 * Removes directory `dir`, which usually holds only files named in `expected`: those are
 * unlinked side by side and the directory removed, two rounds of syscalls where a recursive
 * removal needs about six; anything else in it falls back to the recursive removal. Absent is
 * fine. Throws fs errors.
 */
export async function removeDir(dir: string, expected: readonly string[]): Promise<void> {
  await Promise.all(expected.map((n) => unlink(path.join(dir, n)).catch(() => {})));
  try {
    await rmdir(dir);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') return;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    await rm(dir, { recursive: true, force: true });
  }
}
