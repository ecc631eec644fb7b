/**
 * Exec sessions live in `<exec-root>/execs/<exec-id>` while their conmon runs (TTY and detached
 * execs); a direct exec (exec-direct.ts) has just `<exec-id>.json` and `<exec-id>.pid` there.
 * pierd removes them when the session ends. A pierd that stopped (or was killed) while an exec ran
 * leaves the folder behind, so at runtime start every session folder whose conmon is gone is
 * removed. A session whose conmon still runs is kept (its process keeps running; nobody can
 * attach to it again, but deleting its files under it would break conmon's exit report).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../lib/log.js';

/**
 * Returns the NUL-separated command lines of every conmon process on the host (from /proc).
 * Never throws (processes that vanish while being read are skipped).
 */
export async function conmonCommandLines(): Promise<string[]> {
  const out: string[] = [];
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8');
        if (cmd.includes('conmon')) out.push(cmd);
      } catch {
        /* gone meanwhile */
      }
    }),
  );
  return out;
}

/**
 * Removes the session folders under `execsDir` that no running conmon uses, and the files
 * direct execs left (their runtime process, if still running, has read them already) (a conmon of a
 * session has the folder as its bundle, `-b <dir>`). `liveCommandLines` is injectable for
 * tests. Returns the removed exec ids. Never throws (failures are logged).
 */
export async function sweepExecSessions(
  deps: { log: Logger; liveCommandLines?: () => Promise<string[]> },
  execsDir: string,
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(execsDir);
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  const live = await (deps.liveCommandLines ?? conmonCommandLines)();
  const inUse = (dir: string) => live.some((cmd) => cmd.split('\0').includes(dir));
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(execsDir, name);
    if (inUse(dir)) continue;
    try {
      await rm(dir, { recursive: true, force: true });
      removed.push(name);
    } catch (e) {
      deps.log.warn('cannot remove a stale exec session folder', { dir, error: String(e) });
    }
  }
  if (removed.length > 0) deps.log.debug('removed stale exec session folders', { count: removed.length });
  return removed;
}
