/**
 * Direct execs started ahead of their start request. Between `POST /containers/{id}/exec` and
 * `POST /exec/{id}/start` a client spends a millisecond or more; the runtime spends ~2.5 ms
 * before it needs the process spec (its own start-up, the container's state and config). So at
 * exec create the runtime is started with `--process` naming a FIFO: it loads everything and
 * blocks reading it. Start writes the spec and closes the FIFO; from there on it is the
 * direct path (exec-direct.ts) unchanged.
 *
 * pierd holds the FIFO open read-write, so the runtime's open never blocks and a runtime
 * that died leaves pierd's write nowhere to hang (the spec fits the pipe's buffer; a bigger
 * one is not prepared). A prepared runtime that is not started in time (`ttlMs`), or is
 * discarded (the start asked for something else, the container changed), is killed — it has
 * not touched the container yet — and its files removed. If it exited on its own (e.g. the
 * container stopped), `start` resolves undefined and the caller runs the normal path, whose
 * error is then the answer.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { OciProcess } from '../../oci/runtime-spec.js';
import type { ExecSession, PreparedExec } from './index.js';
import { createPipeMaker } from './exec-pipes.js';
import { directExecFiles, directProcessText, directSession, launchDirectExec, removeDirectExecFiles, type DirectExecDeps, type DirectLaunch } from './exec-direct.js';

/** How long a prepared runtime waits for its start (ms). */
const DEFAULT_TTL_MS = 10_000;
/** The largest spec written to the FIFO: well inside a pipe's 64 KiB buffer. */
const FIFO_SPEC_MAX = 60_000;

/** Tuning. */
export interface PrepareOptions {
  /** How long the runtime waits for start before it is killed (ms). Default 10 s. */
  ttlMs?: number;
}

/**
 * Starts the runtime of a future direct exec (see the file comment). Resolves undefined when
 * that cannot be done (no FIFO, no runtime): the caller runs the normal path. Never rejects.
 */
export async function prepareDirectExec(
  deps: DirectExecDeps,
  o: { id: string; execId: string; stdin: boolean },
  options: PrepareOptions = {},
): Promise<PreparedExec | undefined> {
  const pipes = deps.pipes ?? createPipeMaker();
  const { processFile } = directExecFiles(deps.execsDir, o.execId);
  let fd: number | undefined;
  let launched: DirectLaunch;
  try {
    try {
      pipes.fifo(processFile);
    } catch {
      await mkdir(deps.execsDir, { recursive: true });
      pipes.fifo(processFile);
    }
    // Read-write: never blocks, and keeps a reader so pierd's write cannot block either.
    fd = openSync(processFile, 'r+');
    launched = launchDirectExec({ ...deps, pipes }, o);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    await removeDirectExecFiles(deps.execsDir, o.execId);
    deps.log.debug('exec not prepared', { id: o.id, execId: o.execId, error: (e as Error).message });
    return undefined;
  }
  const specFd = fd;
  let state: 'waiting' | 'started' | 'gone' = 'waiting';
  let exited = false;
  void launched.child.exit.then(() => {
    exited = true;
  });
  // Only a waiting runtime is dropped: once started, the session owns it (and the FIFO is closed).
  const drop = () => {
    if (state !== 'waiting') return;
    state = 'gone';
    clearTimeout(ttl);
    closeSync(specFd);
    launched.child.kill('SIGKILL');
    launched.stdin?.destroy();
    launched.stdout.destroy();
    launched.stderr.destroy();
    void launched.child.exit.then(() => launched.removeFiles());
  };
  const ttl = setTimeout(drop, options.ttlMs ?? DEFAULT_TTL_MS);
  ttl.unref();

  return {
    async start(process: OciProcess): Promise<ExecSession | undefined> {
      if (state !== 'waiting') return undefined;
      const text = directProcessText(process);
      if (exited || Buffer.byteLength(text) > FIFO_SPEC_MAX) {
        drop();
        return undefined;
      }
      try {
        writeSync(specFd, text);
      } catch {
        drop();
        return undefined;
      }
      state = 'started';
      clearTimeout(ttl);
      // Closing pierd's end gives the runtime its EOF, but a FIFO nobody holds open loses
      // its contents: so only once the runtime has read the spec (or exited).
      await consumed(() => pipes.unread(specFd) === 0 || exited);
      closeSync(specFd);
      return directSession(deps, launched, { id: o.id, execId: o.execId, program: process.args?.[0] });
    },
    discard: drop,
  };
}

/** Polls of the FIFO until the runtime read the spec: a few loop turns, then every 1 ms. */
const CONSUMED_SPINS = 20;
const CONSUMED_POLL_MS = 1;

/** The longest wait for the runtime to read its spec (ms): it reads it or exits long before. */
const CONSUMED_MAX_MS = 10_000;

/**
 * Resolves once `done()` holds (checked at once, then on loop turns and timers) or after
 * CONSUMED_MAX_MS. A throwing check counts as done. Never rejects.
 */
async function consumed(done: () => boolean): Promise<void> {
  const until = Date.now() + CONSUMED_MAX_MS;
  const check = () => {
    try {
      return done();
    } catch {
      return true;
    }
  };
  for (let i = 0; !check() && Date.now() < until; i++) {
    await new Promise((r) => (i < CONSUMED_SPINS ? setImmediate(r) : setTimeout(r, CONSUMED_POLL_MS)));
  }
}
