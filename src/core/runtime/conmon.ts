/**
 * Starting conmon for one container: its command line (as podman drives conmon 2.1 with API
 * version 1), a detached spawn in its own session, the start pipe (released once spawned) and
 * the sync pipe on which conmon reports `{"data": <pid>}` or `{"data": -1, "message": "…"}`.
 * conmon double-forks, so pierd never owns it: it outlives the daemon.
 */
import type { Readable, Writable } from 'node:stream';
import type { PosixSpawner } from '../../lib/posix-spawn.js';
import type { PipeMaker } from './exec-pipes.js';
import { spawnPiped, type PipedChild } from './spawn-piped.js';
import { internal } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';

/** Everything conmon's command line needs. */
export interface ConmonArgsInput {
  id: string;
  runtimePath: string;
  runtimeArgs: string[];
  bundleDir: string;
  persistDir: string;
  exitsDir: string;
  socketDir: string;
  logPath: string;
  terminal: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Builds conmon's argv. Pure. */
export function conmonArgs(i: ConmonArgsInput): string[] {
  const args = [
    '--api-version', '1',
    '-c', i.id,
    '-u', i.id,
    '-n', i.id,
    '-r', i.runtimePath,
    '-b', i.bundleDir,
    '-p', `${i.persistDir}/pidfile`,
    '-P', `${i.persistDir}/conmon.pid`,
    '--persist-dir', i.persistDir,
    '--exit-dir', i.exitsDir,
    '--socket-dir-path', i.socketDir,
    '--full-attach',
    // No fsync of the whole log between the container's exit and its exit file (Docker's
    // json-file does not sync at exit either): `wait` and `logs -f` end with the process.
    '--no-sync-log',
    '-l', `k8s-file:${i.logPath}`,
    '--log-level', i.logLevel ?? 'error',
  ];
  if (i.terminal) args.push('-t');
  if (i.stdin) args.push('-i');
  if (i.stdin && !i.stdinOnce) args.push('--leave-stdin-open');
  for (const a of i.runtimeArgs) args.push('--runtime-arg', a);
  return args;
}

/** The result of conmon's `runtime create`: the pid, or the runtime's error text. */
export type SyncResult = { ok: true; pid: number } | { ok: false; message: string };

/** Parses the first complete JSON object conmon wrote on the sync pipe. Pure; throws on garbage. */
export function parseSyncMessage(text: string): SyncResult {
  const line = text.split('\n').find((l) => l.trim());
  if (!line) throw internal('conmon closed the sync pipe without reporting');
  const o = JSON.parse(line) as { data?: number; message?: string; pid?: number };
  const data = o.data ?? o.pid ?? -1;
  if (data > 0) return { ok: true, pid: data };
  return { ok: false, message: o.message ?? `conmon reported ${data}` };
}

/**
 * Spawns conmon detached with the sync pipe on fd 3 and the start pipe on fd 4 (`opts.env` added
 * to its environment, which the runtime inherits), releases it, and resolves with what it
 * reports once `runtime create` finished. Throws Internal when
 * conmon cannot start or exits without reporting (with its stderr).
 */
export function spawnConmon(
  deps: { log: Logger; spawner: PosixSpawner; pipes: PipeMaker },
  conmonPath: string,
  args: string[],
  opts: { cwd: string; timeoutMs?: number; env?: Record<string, string> },
): Promise<SyncResult> {
  return new Promise((resolve, reject) => {
    let started: PipedChild;
    try {
      started = spawnPiped(deps, conmonPath, args, {
        cwd: opts.cwd,
        detached: true,
        stdio: ['ignore', 'ignore', 'from-child', 'from-child', 'to-child'],
        env: {
          ...opts.env,
          _OCI_SYNCPIPE: '3',
          _OCI_STARTPIPE: '4',
        },
      });
    } catch (e) {
      reject(internal(`cannot run conmon: ${(e as Error).message}`, e));
      return;
    }
    const [, , stderrPipe, syncPipe, startPipe] = started.streams as [undefined, undefined, Readable, Readable, Writable];
    const stderr: Buffer[] = [];
    const sync: Buffer[] = [];
    let done = false;
    const timer = setTimeout(() => finish(internal('timed out waiting for conmon to create the container')), opts.timeoutMs ?? 120_000);
    const finish = (r: SyncResult | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      syncPipe.destroy();
      startPipe.destroy();
      stderrPipe.destroy();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    stderrPipe.on('data', (d: Buffer) => stderr.push(d));
    startPipe.on('error', () => {});
    syncPipe.on('error', () => {});
    syncPipe.on('data', (d: Buffer) => {
      sync.push(d);
      const text = Buffer.concat(sync).toString();
      if (!text.includes('\n')) return;
      try {
        finish(parseSyncMessage(text));
      } catch (e) {
        finish(internal(`bad message from conmon: ${text.trim()}`, e));
      }
    });
    syncPipe.on('end', () => {
      const text = Buffer.concat(sync).toString();
      if (text.trim()) {
        try {
          finish(parseSyncMessage(text));
          return;
        } catch {
          /* fall through */
        }
      }
      const err = Buffer.concat(stderr).toString().trim();
      finish(internal(`conmon failed: ${err || 'exited without reporting'}`));
    });
    // Release conmon: it blocks on the start pipe until we write (a cgroup move would go here).
    startPipe.write(Buffer.from([0]), (e) => {
      if (e) deps.log.debug('conmon start pipe write failed', { error: e.message });
    });
  });
}
