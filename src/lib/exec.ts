/**
 * Where Pier spawns programs (with Node's child_process). Everything that runs crun/runc, ip,
 * mount helpers or zstd goes through here so that logging, environment and error translation
 * are uniform. The hot paths (conmon at create, the runtime of an exec) use posix-spawn.ts
 * instead, which does not fork the daemon.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { internal } from './errors.js';

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Data written to the child's stdin (then closed). */
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Kill the child after this many ms. */
  timeoutMs?: number;
}

/**
 * Runs `file args…` to completion and collects its output. Never throws for a non-zero exit:
 * the caller decides. Throws an Internal EngineError when the program cannot be started.
 */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        signal: opts.signal,
        timeout: opts.timeoutMs,
      });
    } catch (e) {
      reject(internal(`cannot run ${file}: ${(e as Error).message}`, e));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(internal(`cannot run ${file}: ${e.message}`, e)));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? -1, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}

/**
 * Runs a program and returns its stdout; throws an Internal EngineError carrying stderr when it
 * exits non-zero or cannot be started.
 */
export async function runChecked(file: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) {
    const msg = (r.stderr || r.stdout).trim() || `exit status ${r.code}`;
    throw internal(`${file} ${args[0] ?? ''}: ${msg}`);
  }
  return r.stdout;
}

/** Starts a long-lived child process (streams left to the caller). Throws like `run`. */
export function start(file: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  try {
    return spawn(file, args, opts);
  } catch (e) {
    throw internal(`cannot run ${file}: ${(e as Error).message}`, e);
  }
}
