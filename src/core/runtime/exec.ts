/**
 * Exec sessions. An attached exec without a terminal (the common `docker exec c cmd`, health
 * checks) runs directly under the runtime, without conmon (exec-direct.ts: faster, and ends
 * with pierd's stream). TTY and detached execs go through conmon, which outlives pierd
 * (`--exec --exec-attach`, as podman drives it): conmon sets up
 * an attach socket in the session directory, reports on the attach pipe, waits on the start
 * pipe until the client is attached (so no output is lost), runs `runtime exec --detach`,
 * reports the pid on the sync pipe and, when the process ends, its exit code on the same pipe.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../../lib/log.js';
import type { OciProcess } from '../../oci/runtime-spec.js';
import { openAttach } from './attach.js';
import { parseSyncMessage } from './conmon.js';
import type { AttachSession, ExecSession, RuntimeExecOptions } from './index.js';
import type { NativeCalls } from './native.js';
import { writeResize } from './ctl.js';
import { execError } from './exec-errors.js';
import { startDirectExec } from './exec-direct.js';
import { createPosixSpawner, type PosixSpawner } from '../../lib/posix-spawn.js';
import { createPipeMaker, type PipeMaker } from './exec-pipes.js';
import { spawnPiped, type PipedChild } from './spawn-piped.js';

export { execError };

/** What an exec needs from the runtime wrapper. */
export interface ExecDeps {
  log: Logger;
  conmonPath: string;
  native: () => NativeCalls;
  /** Directory for the session's files (`<exec-root>/execs/<execId>`). */
  sessionDir: string;
  runtimePath: string;
  runtimeArgs: string[];
  /** libc pipe2 for the direct path, made once by the runtime wrapper (bound per exec when absent). */
  pipes?: PipeMaker;
  /** posix_spawn for the direct path, made once by the runtime wrapper (bound per exec when absent). */
  spawner?: PosixSpawner;
  /** Extra environment for the runtime on the direct path (e.g. `_LIBCONTAINER_CLONED_BINARY`). */
  runtimeEnv?: Record<string, string>;
}

/** Builds conmon's argv for an exec session. Pure. */
export function execConmonArgs(o: { id: string; execId: string; dir: string; runtimePath: string; runtimeArgs: string[]; terminal: boolean; stdin: boolean }): string[] {
  const args = [
    '--api-version', '1',
    '-c', o.id,
    '-u', o.execId,
    '-n', o.id,
    '-r', o.runtimePath,
    '-b', o.dir,
    '-p', path.join(o.dir, 'pid'),
    '-e',
    '--exec-attach',
    '--exec-process-spec', path.join(o.dir, 'process.json'),
    '--exit-dir', path.join(o.dir, 'exits'),
    '--persist-dir', o.dir,
    '--socket-dir-path', o.dir,
    '--full-attach',
    '-l', 'none',
    '--log-level', 'error',
  ];
  if (o.terminal) args.push('-t');
  if (o.stdin) args.push('-i');
  for (const a of o.runtimeArgs) args.push('--runtime-arg', a);
  return args;
}

/** Reads newline-terminated JSON messages from a conmon pipe, one at a time. */
function messageReader(stream: Readable): () => Promise<string> {
  let buf = '';
  let ended = false;
  const waiting: (() => void)[] = [];
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    waiting.splice(0).forEach((w) => w());
  });
  const onEnd = () => {
    ended = true;
    waiting.splice(0).forEach((w) => w());
  };
  stream.on('end', onEnd);
  stream.on('close', onEnd);
  stream.on('error', onEnd);
  return async () => {
    for (;;) {
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        const line = buf.slice(0, nl + 1);
        buf = buf.slice(nl + 1);
        if (line.trim()) return line;
        continue;
      }
      if (ended) {
        const rest = buf;
        buf = '';
        return rest;
      }
      await new Promise<void>((r) => waiting.push(r));
    }
  };
}

/**
 * Starts an exec session and attaches to it before the process runs (directly when neither
 * `terminal` nor `detach`, else under conmon). Resolves once the process runs (with its pid). Throws InvalidArgument/Internal with Docker's "OCI runtime exec
 * failed: …" wording when the runtime cannot start it.
 */
export async function startExec(deps: ExecDeps, opts: RuntimeExecOptions): Promise<ExecSession> {
  if (!opts.terminal && !opts.detach) {
    return startDirectExec({ log: deps.log, execsDir: path.dirname(deps.sessionDir), runtimePath: deps.runtimePath, runtimeArgs: deps.runtimeArgs, runtimeEnv: deps.runtimeEnv, pipes: deps.pipes, spawner: deps.spawner }, opts);
  }
  const dir = deps.sessionDir;
  await mkdir(path.join(dir, 'exits'), { recursive: true });
  const processSpec: OciProcess = { ...opts.process, terminal: opts.terminal };
  if (opts.terminal && opts.consoleSize) processSpec.consoleSize = { ...opts.consoleSize };
  // A fresh folder in the volatile exec root that only conmon reads, after this: a plain write.
  await writeFile(path.join(dir, 'process.json'), JSON.stringify(processSpec));
  const args = execConmonArgs({ id: opts.id, execId: opts.execId, dir, runtimePath: deps.runtimePath, runtimeArgs: deps.runtimeArgs, terminal: opts.terminal, stdin: opts.stdin });
  deps.native().closeInheritedOnExec();
  let started: PipedChild;
  try {
    started = spawnPiped({ spawner: deps.spawner ?? createPosixSpawner(), pipes: deps.pipes ?? createPipeMaker() }, deps.conmonPath, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'ignore', 'from-child', 'from-child', 'to-child', 'from-child'],
      env: {
        _OCI_SYNCPIPE: '3',
        _OCI_STARTPIPE: '4',
        _OCI_ATTACHPIPE: '5',
      },
    });
  } catch (e) {
    void rm(dir, { recursive: true, force: true });
    throw execError(`cannot run conmon: ${(e as Error).message}`, opts.process.args?.[0]);
  }
  const [, , stderrPipe, syncPipe, startPipe, attachPipe] = started.streams as [undefined, undefined, Readable, Readable, Writable, Readable];
  const stderr: Buffer[] = [];
  stderrPipe.on('data', (d: Buffer) => stderr.push(d));
  startPipe.on('error', () => {});
  const readSync = messageReader(syncPipe);
  const readAttach = messageReader(attachPipe);
  const cleanupPipes = () => {
    syncPipe.destroy();
    startPipe.destroy();
    attachPipe.destroy();
    stderrPipe.destroy();
  };
  const fail = (message: string): never => {
    cleanupPipes();
    void rm(dir, { recursive: true, force: true });
    throw execError(message, opts.process.args?.[0]);
  };

  startPipe.write(Buffer.from([0]));
  const attachMsg = await readAttach();
  if (!attachMsg.trim()) fail(Buffer.concat(stderr).toString() || 'conmon exited before the exec session was ready');
  let session: AttachSession;
  try {
    session = openAttach(deps.native(), path.join(dir, 'attach'), { stdin: opts.stdin });
  } catch (e) {
    cleanupPipes();
    throw e;
  }
  startPipe.write(Buffer.from([0]));
  const pidMsg = await readSync();
  let pid = 0;
  try {
    const r = parseSyncMessage(pidMsg || '{"data": -1, "message": "conmon exited without reporting"}');
    if (!r.ok) {
      session.close();
      fail(r.message);
    } else pid = r.pid;
  } catch (e) {
    session.close();
    if ((e as { kind?: string }).kind) throw e;
    fail(pidMsg);
  }
  const exit = (async () => {
    const line = await readSync();
    cleanupPipes();
    try {
      const o = JSON.parse(line) as { data?: number };
      return typeof o.data === 'number' && o.data >= 0 ? o.data : 255;
    } catch {
      return 255;
    }
  })();
  return {
    pid,
    attach: session,
    exit,
    resize: (size) => writeResize(dir, opts.execId, size),
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
