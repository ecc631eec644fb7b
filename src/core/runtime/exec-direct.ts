/**
 * The direct exec path: an attached exec without a terminal (`docker exec c cmd`, `-i` too,
 * health checks) is run by pierd itself, without conmon:
 * `<runtime> <global args> exec --process <execs>/<id>.json --pid-file <execs>/<id>.pid <ctr>`,
 * started with posix_spawn (spawn-piped.ts) and real pipes as the process's
 * stdin/stdout/stderr, since crun and runc hand their own stdio to the process. The exit code
 * is the runtime's exit status: both return the process's code, and 128+n for a process
 * killed by signal n (137 for SIGKILL), as Docker reports it.
 *
 * Runtime failures. The runtime reports a process it cannot start (program not found or not
 * executable, missing working directory, container gone…) on its stderr — the very descriptor
 * the process would have had — and exits 255. Both runtimes write the pid file only once the
 * process passed every check (crun right before execve, runc once the process runs), so:
 * nothing of the process is handed on until the pid file holds a pid; a runtime that exits
 * without writing one has failed, and what it wrote to stderr is its message, mapped with
 * `execError` into Docker's "OCI runtime exec failed: …" (InvalidArgument → 126/127 as
 * before). A user program's stderr is therefore never filtered or reworded: once the pid is
 * there, both streams pass byte-exact as they arrive. Nothing is pre-checked against the
 * container's filesystem (no second opinion that could disagree with the runtime). A failure
 * after the pid file (execve itself refusing, e.g. ENOEXEC for crun) shows as the runtime's own
 * text on stderr with its exit status.
 *
 * Lifetime. The runtime process runs in its own process group: a client that
 * disconnects (close()) ends the process's stdin and keeps reading its output, discarding it,
 * so the process neither blocks nor dies of SIGPIPE; the descriptors close at its end. The
 * process dies with its container (the container's PID namespace goes). When pierd stops while
 * a direct exec runs, the kernel closes pierd's pipe ends: the process gets EOF on stdin and
 * EPIPE/SIGPIPE on its next write, the runtime process is reparented and reaped by init —
 * unlike the conmon path (TTY and detached execs), it does not outlive pierd's stream, as
 * Docker's client loses the stream too. Its two files are removed by remove(), or by the exec
 * sweep at the next start.
 */
import { constants } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type net from 'node:net';
import { internal } from '../../lib/errors.js';
import { createPosixSpawner, type PosixSpawner, type SpawnedChild } from '../../lib/posix-spawn.js';
import type { Logger } from '../../lib/log.js';
import type { OciProcess } from '../../oci/runtime-spec.js';
import type { AttachSession, ExecSession, RuntimeExecOptions } from './index.js';
import { createPipeMaker, type PipeMaker } from './exec-pipes.js';
import { spawnPiped } from './spawn-piped.js';
import { execError } from './exec-errors.js';

/** What the direct path needs. */
export interface DirectExecDeps {
  log: Logger;
  /** Folder of the exec files (`<exec-root>/execs`); created when missing. */
  execsDir: string;
  runtimePath: string;
  runtimeArgs: string[];
  /** Extra environment for the runtime (PATH is always set). */
  runtimeEnv?: Record<string, string>;
  /** Pipe maker (libc pipe2); bound per call when not given. */
  pipes?: PipeMaker;
  /** Starts the runtime (posix_spawn); bound per call when not given. */
  spawner?: PosixSpawner;
}

/** Polls of the pid file: every 1 ms at first, then less often (the runtime takes ~5-10 ms). */
const POLL_FAST_MS = 1;
const POLL_FAST_COUNT = 100;
const POLL_SLOW_MS = 20;
/** How long a failed runtime's stderr may take to reach EOF (ms). */
const STDERR_WAIT_MS = 1000;

/** The runtime's argv for a direct exec. Pure. */
export function directExecArgs(o: { runtimeArgs: readonly string[]; processFile: string; pidFile: string; id: string }): string[] {
  return [...o.runtimeArgs, 'exec', '--process', o.processFile, '--pid-file', o.pidFile, o.id];
}

/** The pid in a pid file, or undefined while it is missing, empty or partly written. Never throws. */
export function readPidFile(file: string): number | undefined {
  try {
    const s = readFileSync(file, 'utf8').trim();
    if (!/^\d+$/.test(s)) return undefined;
    const n = Number(s);
    return n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Docker's exit code for a process that ended with `code` or was killed by `signal`. Pure. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? constants.signals[signal] : undefined;
  return n ? 128 + n : 255;
}

/** Resolves with the pid once the pid file holds one, or undefined once the runtime exited without one. */
function waitForPid(pidFile: string, exited: Promise<number>): Promise<number | undefined> {
  return new Promise((resolve) => {
    let done = false;
    let polls = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (pid: number | undefined) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      resolve(pid);
    };
    const poll = () => {
      const pid = readPidFile(pidFile);
      if (pid !== undefined) return finish(pid);
      polls++;
      timer = setTimeout(poll, polls < POLL_FAST_COUNT ? POLL_FAST_MS : POLL_SLOW_MS);
    };
    void exited.then(() => finish(readPidFile(pidFile)));
    timer = setTimeout(poll, POLL_FAST_MS);
  });
}

/** Everything `s` still yields until EOF (or `ms`), as text. Never rejects. */
function readRest(s: net.Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(Buffer.concat(chunks).toString());
    };
    const timer = setTimeout(done, ms);
    s.on('data', (d: Buffer) => chunks.push(d));
    s.once('end', done);
    s.once('close', done);
    s.resume();
  });
}


/** Resolves once `s` ended or closed. Never rejects. */
function streamDone(s: net.Socket): Promise<void> {
  return new Promise((r) => {
    if (s.destroyed || s.readableEnded) return r();
    s.once('end', r);
    s.once('close', r);
  });
}

/** The runtime started for one direct exec, and pierd's ends of its stdio. */
export interface DirectLaunch {
  child: SpawnedChild;
  stdin?: net.Socket;
  stdout: net.Socket;
  stderr: net.Socket;
  processFile: string;
  pidFile: string;
  /** Removes the process spec and pid files. Never rejects. */
  removeFiles(): Promise<void>;
}

/** The process spec file and pid file of exec `execId`. Pure. */
export function directExecFiles(execsDir: string, execId: string): { processFile: string; pidFile: string } {
  const base = path.join(execsDir, execId);
  return { processFile: `${base}.json`, pidFile: `${base}.pid` };
}

/** Removes exec `execId`'s process spec and pid files; missing ones are fine. Never rejects. */
export async function removeDirectExecFiles(execsDir: string, execId: string): Promise<void> {
  const { processFile, pidFile } = directExecFiles(execsDir, execId);
  await Promise.all([unlink(processFile).catch(() => {}), unlink(pidFile).catch(() => {})]);
}

/** The process spec as the direct path hands it to the runtime (never a terminal). Pure. */
export function directProcessText(process: OciProcess): string {
  const spec: OciProcess = { ...process, terminal: false };
  delete spec.consoleSize;
  return JSON.stringify(spec);
}

/**
 * Starts `<runtime> exec --process <processFile> --pid-file <pidFile> <id>` with pipes as its
 * stdio (stdin only when asked). The process file must exist (a file, or a FIFO the spec is
 * written to later). Throws Internal "cannot run <runtime>: ENOENT" / "pipe2: EMFILE".
 */
export function launchDirectExec(deps: DirectExecDeps, o: { id: string; execId: string; stdin: boolean }): DirectLaunch {
  const { processFile, pidFile } = directExecFiles(deps.execsDir, o.execId);
  const started = spawnPiped(
    { spawner: deps.spawner ?? createPosixSpawner(), pipes: deps.pipes ?? createPipeMaker() },
    deps.runtimePath,
    directExecArgs({ runtimeArgs: deps.runtimeArgs, processFile, pidFile, id: o.id }),
    {
      detached: true,
      stdio: [o.stdin ? 'to-child' : 'ignore', 'from-child', 'from-child'],
      env: deps.runtimeEnv ?? {},
    },
  );
  const [stdin, stdout, stderr] = started.streams as [net.Socket | undefined, net.Socket, net.Socket];
  return {
    child: started.child,
    stdin,
    stdout,
    stderr,
    processFile,
    pidFile,
    removeFiles: () => removeDirectExecFiles(deps.execsDir, o.execId),
  };
}

/**
 * Waits until the launched runtime wrote the process's pid (its spec handed over) and returns
 * the session. Throws InvalidArgument/Internal "OCI runtime exec failed: …" (execError) when
 * the runtime exited without starting the process; its files are removed then.
 */
export async function directSession(deps: DirectExecDeps, l: DirectLaunch, o: { id: string; execId: string; program?: string }): Promise<ExecSession> {
  const { stdin, stdout, stderr } = l;
  const exit = l.child.exit.then((e) => exitCodeOf(e.code, e.signal));
  const pid = await waitForPid(l.pidFile, exit);
  if (pid === undefined && (await exit) !== 0) {
    stdout.destroy();
    stdin?.destroy();
    const message = await readRest(stderr, STDERR_WAIT_MS);
    void l.removeFiles();
    deps.log.debug('direct exec failed', { id: o.id, execId: o.execId, message: message.trim() });
    throw execError(message || `${path.basename(deps.runtimePath)} exec exited with ${await exit}`, o.program);
  }

  const closed = Promise.all([streamDone(stdout), streamDone(stderr)]).then(() => undefined);
  let detached = false;
  const attach: AttachSession = {
    stdin,
    stdout,
    stderr,
    closed,
    close() {
      if (detached) return;
      detached = true;
      // Detach: the process keeps running with its stdin ended; its output is read and dropped.
      stdin?.end();
      stdout.resume();
      stderr.resume();
    },
  };
  return {
    pid: pid ?? 0,
    attach,
    exit,
    resize: async () => {},
    remove: l.removeFiles,
  };
}

/**
 * Runs an attached, terminal-less exec directly under the runtime (see the file comment).
 * Resolves once the runtime wrote the process's pid; the output streams hold everything the
 * process wrote from its first byte. Throws InvalidArgument/Internal "OCI runtime exec failed:
 * …" (execError) when the runtime could not start the process (or could not be started),
 * Internal when the process spec cannot be written.
 */
export async function startDirectExec(deps: DirectExecDeps, opts: RuntimeExecOptions): Promise<ExecSession> {
  const { processFile } = directExecFiles(deps.execsDir, opts.execId);
  const text = directProcessText(opts.process);
  // Volatile exec root, read once by the runtime right after: a plain write, synchronous as
  // it is a few KB (three thread-pool round trips cost more than the write).
  try {
    writeFileSync(processFile, text);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw internal(`cannot write the exec's process spec: ${(e as Error).message}`, e);
    await mkdir(deps.execsDir, { recursive: true });
    await writeFile(processFile, text);
  }
  let launched: DirectLaunch;
  try {
    launched = launchDirectExec(deps, { id: opts.id, execId: opts.execId, stdin: opts.stdin });
  } catch (e) {
    void removeDirectExecFiles(deps.execsDir, opts.execId);
    // "cannot run <runtime>: ENOENT", or pipe2 failing: Docker's words all the same.
    throw execError((e as Error).message, opts.process.args?.[0]);
  }
  return directSession(deps, launched, { id: opts.id, execId: opts.execId, program: opts.process.args?.[0] });
}
