/**
 * `docker logs -f` after the initial read (logs.ts): reads on as conmon appends, across
 * rotations (the open file is read to its end before the next one; the chain of logs-chain.ts
 * keeps rotated files readable), until the container's run ends, `until` passes or the client
 * leaves. The log directory is watched only while waiting; a fast writer's output is gathered
 * for a moment between reads.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { errnoCode } from '../../lib/errors.js';
import type { LogScanner, LogChunk } from './logs-scan.js';
import { logFiles } from './logs-rotate.js';
import type { LogChain } from './logs-chain.js';
import type { ContainerRecord } from './types.js';
import type { LogsOptions } from './index.js';

/** How a follower learns that the container stopped. */
export interface FollowHooks {
  /** True while the container runs (more output may come). */
  running(): boolean;
  /** Resolves when the current run ends (or immediately when not running). */
  exited(): Promise<void>;
  /** The open chain of log files of the current run when it rotates (logs-chain.ts). */
  chain?(): LogChain | undefined;
}

const COALESCE_MS = 20;
const QUICK_MS = 10;
const BURST = 64 * 1024;

async function sameFile(fh: FileHandle, p: string): Promise<boolean | undefined> {
  try {
    const [a, b] = await Promise.all([fh.stat(), stat(p)]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The file written after the one with `done`'s inode: a follower that lags behind a rotation
 * continues with the rotated files in order. Undefined (take the live file) when that inode is
 * no longer among the plain files (deleted or compressed).
 */
async function successor(log: string, done: { ino: number; dev: number }): Promise<string | undefined> {
  const files = (await logFiles(log)).filter((f) => !f.endsWith('.gz'));
  for (let i = 0; i < files.length - 1; i++) {
    const st = await stat(files[i]!).catch(() => undefined);
    if (st && st.ino === done.ino && st.dev === done.dev) return files[i + 1];
  }
  return undefined;
}

/**
 * Follows the live log of `rec` from `offset` of `initial` (the handle the initial read used),
 * feeding `scanner` and yielding its frames. Ends when the run is over (after a last drain),
 * `until` passes or the signal aborts. Throws file system errors other than a missing file.
 */
export async function* follow(
  rec: ContainerRecord,
  o: LogsOptions,
  hooks: FollowHooks,
  scanner: LogScanner,
  initial: FileHandle | undefined,
  offset: number,
  chain: LogChain | undefined,
  token: object,
): AsyncGenerator<LogChunk> {
  let wake: (() => void) | undefined;
  // A poke while we are reading (exit, timer, abort) must not be lost: the wait checks it.
  let pending = false;
  const poke = () => {
    pending = true;
    wake?.();
  };
  let watcher: FSWatcher | undefined;
  let stopped = false;
  // The run is over as soon as the container is seen running and then not: its state turns
  // to stopped when conmon's exit record is read, and conmon writes that only after the last
  // log line. `exited()` resolves later, after the clean-up (unmount, network, record write).
  let sawRunning = hooks.running();
  const checkRunning = () => {
    if (hooks.running()) sawRunning = true;
    else if (sawRunning && !stopped) {
      stopped = true;
      poke();
    }
  };
  const timer = setInterval(() => {
    checkRunning();
    poke();
  }, 250);
  o.signal.addEventListener('abort', poke);
  let fh = initial;
  /**
   * When a cycle last read a burst (a fast writer): shortly after, the exit is looked for every
   * few ms. A slow writer's followers do not poll (its exit comes through `exited()`).
   */
  let lastBurst = 0;
  let cycleBytes = 0;
  const owned = new Set<FileHandle>();
  void hooks.exited().then(() => {
    stopped = true;
    poke();
  });
  // Waits for a poke (new data, exit, timer, abort); within a second of the last burst read
  // the container's state is also checked every QUICK_MS: a fast writer that just stopped has
  // likely exited, and the follower ends without waiting for the clean-up.
  const waitForMore = async () => {
    while (!pending && !stopped) {
      const quick = Date.now() - lastBurst < 1000;
      let t: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        wake = r;
        if (quick) t = setTimeout(r, QUICK_MS);
      });
      clearTimeout(t);
      wake = undefined;
      checkRunning();
    }
  };
  const base = path.basename(rec.paths.log);
  // The directory is watched only while waiting: a fast writer would otherwise wake the
  // daemon once per conmon write (thousands of inotify events a second) while it is busy
  // reading anyway.
  const arm = () => {
    if (watcher) return;
    try {
      watcher = watch(path.dirname(rec.paths.log), (_e, name) => {
        if (name === base || name === null) poke();
      });
      watcher.on('error', () => {});
    } catch {
      /* poll only */
    }
  };
  const disarm = () => {
    watcher?.close();
    watcher = undefined;
  };
  let next: string | undefined;
  try {
    for (;;) {
      pending = false;
      cycleBytes = 0;
      const wasStopped = stopped;
      for (;;) {
        if (!fh) {
          try {
            fh = await open(next ?? rec.paths.log, 'r');
            owned.add(fh);
            offset = 0;
          } catch {
            if (next) {
              next = undefined;
              continue; // rotated away meanwhile: take the live file
            }
            break; // not created yet / being rotated
          }
          next = undefined;
        }
        chain?.at(token, (await fh.stat()).ino);
        const drainOpen = async function* (h: FileHandle): AsyncGenerator<LogChunk> {
          for (;;) {
            const { buf, off } = scanner.space();
            const { bytesRead } = await h.read(buf, off, buf.length - off, offset);
            if (bytesRead === 0) return;
            cycleBytes += bytesRead;
            if (cycleBytes >= BURST) lastBurst = Date.now();
            offset += bytesRead;
            scanner.commit(bytesRead);
            yield* scanner.take();
            if (o.signal.aborted) return;
          }
        };
        yield* drainOpen(fh);
        if (o.signal.aborted) return;
        // Rotated? conmon made a new file at the path only after closing ours, so one more
        // drain reads what it wrote between our last read and its reopen: ours is complete.
        const same = await sameFile(fh, rec.paths.log);
        if (same === true) break;
        // No file at the path: renamed away and conmon not reopened yet (it may still write to
        // ours), or renamed away for good at exit. Ours is complete once the chain holds a newer
        // file (conmon closed ours before creating it); otherwise wait, or at exit we are done.
        if (same === undefined && !chain?.hasAfter((await fh.stat()).ino)) break;
        yield* drainOpen(fh);
        const done = await fh.stat();
        if (owned.has(fh)) {
          owned.delete(fh);
          await fh.close().catch(() => {});
        }
        // The next file in creation order: from the chain (held open even if rotated away), or by name.
        const held = chain?.after(token, done.ino);
        if (held) {
          fh = held.fh;
          offset = 0;
          continue;
        }
        next = await successor(rec.paths.log, done);
        fh = undefined;
      }
      if (wasStopped || o.signal.aborted) return;
      if (o.until !== undefined && o.until > 0 && Date.now() / 1000 > o.until) return;
      if (stopped) continue; // exited while we read: one last drain
      arm();
      // Written between our last read and the watch: no event will come for it.
      const grew = fh !== undefined && (await fh.stat()).size > offset;
      if (!grew) await waitForMore();
      disarm();
      // Let a fast writer's output gather for a moment: fewer, larger reads (one wake-up per
      // conmon write would cost a read and three stats each).
      if (!stopped) await sleep(COALESCE_MS);
    }
  } finally {
    clearInterval(timer);
    disarm();
    o.signal.removeEventListener('abort', poke);
    chain?.leave(token);
    for (const f of owned) await f.close().catch(() => {});
  }
}
