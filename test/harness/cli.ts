/**
 * Runs client programs against a test daemon: the real docker CLI, `pier` (bin/pier),
 * or any command with the daemon's environment.
 */
import { spawn } from 'node:child_process';
import { dockerCliPath, pierLauncherPath } from './paths.js';

/** The outcome of a client run. `code` is the exit status (128+n when killed by signal n; -1 on timeout). */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as raw bytes (for binary output such as `save`/`export` to stdout). */
  stdoutBytes: Buffer;
  /** Wall time in milliseconds. */
  ms: number;
}

/** Options of the client runners. */
export interface CliOptions {
  /** Written to stdin, then stdin is closed (stdin is closed at once otherwise). */
  input?: string | Buffer;
  /** Kill after this long (default 60 s); the result then has code -1. */
  timeoutMs?: number;
  /** Added to the daemon's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** What the runners need of a daemon: the environment that points clients at it. */
export interface HasEnv {
  env: NodeJS.ProcessEnv;
}

/** Runs `file args…` with `env` and resolves with its result. Rejects only when it cannot be spawned. */
export function runCommand(file: string, args: readonly string[], env: NodeJS.ProcessEnv, opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { env: { ...env, ...opts.env }, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const sigNo = signal ? (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 } as Record<string, number>)[signal] ?? 1) : 0;
      const bytes = Buffer.concat(out);
      resolve({
        code: timedOut ? -1 : code ?? 128 + sigNo,
        stdout: bytes.toString('utf8'),
        stdoutBytes: bytes,
        stderr: Buffer.concat(err).toString('utf8') + (timedOut ? `\n(timed out after ${opts.timeoutMs ?? 60_000} ms)` : ''),
        ms,
      });
    });
    child.stdin.end(opts.input);
  });
}

/** Runs the real docker CLI (`docker args…`) against the daemon. Rejects only when docker cannot be spawned. */
export function runDocker(daemon: HasEnv, args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return runCommand(dockerCliPath(), args, daemon.env, opts);
}

/**
 * Runs `pier args…` against the daemon through bin/pier, the launcher users run (it starts
 * node on dist/pier.cjs). Rejects only when the launcher cannot be spawned.
 */
export function runPier(daemon: HasEnv, args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return runCommand(pierLauncherPath(), args, daemon.env, opts);
}

/** A named client runner, so one test case can run through both the docker CLI and pier. */
export interface Client {
  /** 'docker' or 'pier'. */
  name: 'docker' | 'pier';
  run(args: readonly string[], opts?: CliOptions): Promise<CliResult>;
}

/** The docker CLI bound to `daemon`. Never throws. */
export function dockerClient(daemon: HasEnv): Client {
  return { name: 'docker', run: (args, opts) => runDocker(daemon, args, opts) };
}

/** pier bound to `daemon`. Never throws. */
export function pierClient(daemon: HasEnv): Client {
  return { name: 'pier', run: (args, opts) => runPier(daemon, args, opts) };
}
