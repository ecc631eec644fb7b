/**
 * Watches conmon's exit directory so `waitExit` resolves promptly: fs.watch on the directory
 * plus a fallback poll (fs.watch can miss events). An exit file already present (the container
 * exited while pierd was down) resolves at once. When conmon is gone without writing an exit
 * file (killed), the waiter resolves with exit code 255.
 */
import { closeSync, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../lib/log.js';
import { errnoCode } from '../../lib/errors.js';

/** The raw exit record conmon left. */
export interface RawExit {
  exitCode: number;
  finishedAt: Date;
}

/** Waits for exit files of containers. */
export interface ExitWatcher {
  /** Resolves when `<exitsDir>/<id>` exists (or `conmonAlive(id)` turns false without it). */
  wait(id: string): Promise<RawExit>;
  /** Reads the exit file now; undefined when absent. Throws fs errors other than ENOENT. */
  read(id: string): Promise<RawExit | undefined>;
  /** Stops watching; pending waiters stay pending. */
  close(): void;
}

/** Options of the exit watcher. */
export interface ExitWatcherOptions {
  exitsDir: string;
  /** Whether conmon of `id` still runs; used by the poll to detect a lost conmon. */
  conmonAlive(id: string): Promise<boolean>;
  pollMs?: number;
}

/** Creates the watcher (creates the directory). Throws fs errors. */
export async function createExitWatcher(deps: { log: Logger }, options: ExitWatcherOptions): Promise<ExitWatcher> {
  const { exitsDir } = options;
  await mkdir(exitsDir, { recursive: true });
  const waiters = new Map<string, { promise: Promise<RawExit>; resolve: (e: RawExit) => void }>();
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let closed = false;

  // An exit file is a few bytes conmon has just written into the exec root (a tmpfs as a rule):
  // read at once rather than through four thread-pool round trips on the way to `die`.
  const read = async (id: string): Promise<RawExit | undefined> => {
    let fd: number;
    try {
      fd = openSync(path.join(exitsDir, id), 'r');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const st = fstatSync(fd);
      const buf = Buffer.alloc(64);
      const text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8').trim();
      if (text === '') return undefined; // being written
      const code = Number.parseInt(text, 10);
      return { exitCode: Number.isNaN(code) || code < 0 ? 255 : code, finishedAt: st.mtime };
    } finally {
      closeSync(fd);
    }
  };

  const check = async (id: string, allowLost: boolean) => {
    const w = waiters.get(id);
    if (!w) return;
    let ex = await read(id).catch(() => undefined);
    if (!ex && allowLost && !(await options.conmonAlive(id))) {
      ex = await read(id).catch(() => undefined);
      if (!ex) {
        deps.log.warn('conmon is gone without an exit file', { id });
        ex = { exitCode: 255, finishedAt: new Date() };
      }
    }
    if (ex && waiters.get(id) === w) {
      waiters.delete(id);
      w.resolve(ex);
    }
    syncTimers();
  };

  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      for (const id of [...waiters.keys()]) await check(id, true);
    } finally {
      polling = false;
    }
  };

  const syncTimers = () => {
    if (closed) return;
    if (waiters.size > 0 && !timer) {
      // Kept referenced while someone waits: a pending waiter is work in progress.
      timer = setInterval(() => void poll(), options.pollMs ?? 1000);
    } else if (waiters.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  try {
    watcher = watch(exitsDir, { persistent: false }, (_ev, name) => {
      if (name) void check(name.toString(), false);
    });
    watcher.on('error', (e) => deps.log.warn('exit dir watch failed; polling only', { error: e.message }));
  } catch (e) {
    deps.log.warn('cannot watch exit dir; polling only', { error: (e as Error).message });
  }

  return {
    read,
    wait(id) {
      let w = waiters.get(id);
      if (!w) {
        let resolve!: (e: RawExit) => void;
        const promise = new Promise<RawExit>((r) => (resolve = r));
        w = { promise, resolve };
        waiters.set(id, w);
        syncTimers();
        void check(id, false);
      }
      return w.promise;
    },
    close() {
      closed = true;
      watcher?.close();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
