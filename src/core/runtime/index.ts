/**
 * Contract of the runtime wrapper: a thin layer over conmon (one per container: holds stdio,
 * writes the log, records the exit code) and an OCI runtime (crun or runc). It holds no policy:
 * whether an operation is legal is the container service's decision. Containers keep running
 * when pierd stops; `restore` re-adopts them.
 *
 * Files: `<exec-root>/containers/<id>/` (bundle config.json, conmon pid file, attach socket,
 * ctl fifo), `<exec-root>/exits/<id>` (exit code written by conmon). The log file path is
 * chosen by the caller (under the data root so it survives reboots).
 *
 * Errors: NotFound when the runtime does not know the container; Internal with the runtime's
 * own stderr otherwise; InvalidArgument for a spec the runtime rejects (e.g. "executable file
 * not found in $PATH" — translated so the CLI can exit 127/126 like Docker).
 */
import type { Readable, Writable } from 'node:stream';
import type { OciProcess, OciResources, OciSpec } from '../../oci/runtime-spec.js';

/** What `create` needs: the bundle, the spec and how conmon should hold the container's stdio. */
export interface RuntimeCreateOptions {
  id: string;
  /** Directory for config.json (created if missing). */
  bundleDir: string;
  spec: OciSpec;
  /** Runtime name from the daemon's table (e.g. "runc", "crun"). */
  runtime: string;
  terminal: boolean;
  /** Keep a stdin pipe (OpenStdin). */
  stdin: boolean;
  /** Close the container's stdin when the first attached client detaches (StdinOnce). */
  stdinOnce: boolean;
  /** Path of the k8s-file log conmon writes ("<RFC3339Nano> stdout|stderr F|P <text>"). */
  logPath: string;
  /** Initial terminal size. */
  consoleSize?: { height: number; width: number };
}

/** The OCI runtime's view of a container. */
export interface RuntimeState {
  status: 'created' | 'running' | 'paused' | 'stopped' | 'unknown';
  pid: number;
}

/** How a container's process ended (from conmon's exit file; OOM from conmon's oom file or the memory cgroup). */
export interface ExitStatus {
  exitCode: number;
  oomKilled: boolean;
  finishedAt: Date;
}

/** Streams of one attach session. With a terminal, everything arrives on stdout. */
export interface AttachSession {
  stdin?: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Detaches (does not stop the container). */
  close(): void;
  /** Resolves when conmon closed the session (container exited or detached). */
  closed: Promise<void>;
}

/** An exec session (`docker exec`) in a running container. */
export interface RuntimeExecOptions {
  /** The container. */
  id: string;
  /** A unique id for the session (names its files under `<exec-root>/execs/`). */
  execId: string;
  /** The process: args, env, cwd, user, capabilities, noNewPrivileges… (`terminal` is set from below). */
  process: OciProcess;
  terminal: boolean;
  /** Give the process a stdin pipe (closed when the attach client half-closes). */
  stdin: boolean;
  consoleSize?: { height: number; width: number };
  /**
   * Nobody reads the output (`docker exec -d`): the session runs under conmon and outlives
   * pierd. Attached execs without a terminal run directly under the runtime instead and end
   * with pierd (see exec-direct.ts).
   */
  detach?: boolean;
}

/** A running exec process. Its streams are attached before the process started. */
export interface ExecSession {
  pid: number;
  attach: AttachSession;
  /** Resolves with the exit code once the process ended (255 when conmon lost it). */
  exit: Promise<number>;
  /** Resizes the session's terminal. */
  resize(size: { height: number; width: number }): Promise<void>;
  /** Removes the session's files (call after `exit`). */
  remove(): Promise<void>;
}

/**
 * An attached exec without a terminal whose runtime was started ahead of its start request
 * (see exec-prepared.ts). Use it once: `start` or `discard`.
 */
export interface PreparedExec {
  /**
   * Hands `process` to the waiting runtime and resolves with the session as `exec` does; or
   * undefined when the prepared runtime is gone (expired, exited, discarded, or the spec too
   * big): run `exec` then. Throws like `exec`.
   */
  start(process: OciProcess): Promise<ExecSession | undefined>;
  /** Stops the waiting runtime and removes its files. Never throws. */
  discard(): void;
}

/** The runtime wrapper (see the file comment); created by `createRuntime`. */
export interface ContainerRuntime {
  /** Names of runtimes available (e.g. ["runc","crun"]) and the default chosen by probing. */
  readonly runtimes: { names: string[]; default: string };
  /** Writes the bundle, starts conmon and `runtime create`. Resolves with the init pid once created (not started). */
  create(opts: RuntimeCreateOptions): Promise<{ pid: number }>;
  /** `runtime start`: runs the user's process. */
  start(id: string): Promise<void>;
  /** Sends a signal (name without or with SIG, or number) to the init process (`all` to every process). */
  kill(id: string, signal: string | number, all?: boolean): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  state(id: string): Promise<RuntimeState>;
  /**
   * Resolves once the container's process has exited and conmon recorded it (also for an exit
   * that happened while pierd was down). Safe to call many times.
   */
  waitExit(id: string): Promise<ExitStatus>;
  /** Removes the runtime's state, conmon's files and the bundle (kills first when `force`). */
  delete(id: string, force?: boolean): Promise<void>;
  /** Connects to conmon's attach socket. Call before start to see output from the first byte. */
  attach(id: string, opts: { stdin: boolean }): Promise<AttachSession>;
  /** Resizes the container's terminal. */
  resize(id: string, size: { height: number; width: number }): Promise<void>;
  /**
   * Makes conmon close its log file and create a fresh one at the same path (log rotation: the
   * caller renames the current file first). Throws Conflict when conmon is gone.
   */
  reopenLog?(id: string): Promise<void>;
  /** Ids the runtime knows with their state (for re-adoption at daemon start). */
  list(): Promise<{ id: string; state: RuntimeState }[]>;
  /** Path of tini (for --init), or undefined when not installed. */
  readonly initPath: string | undefined;
  /**
   * Runs a process in the running container `id` (`runtime exec` under its own conmon), attached
   * from the first byte. Throws NotFound for an unknown container, InvalidArgument "OCI runtime
   * exec failed: … executable file not found in $PATH: unknown" for a missing program.
   */
  exec(opts: RuntimeExecOptions): Promise<ExecSession>;
  /**
   * Starts the runtime of an attached, terminal-less exec of the running container `id` before
   * its process is known (at exec create); `PreparedExec.start` runs it. Resolves undefined when
   * that is not possible (use `exec`). The runtime is killed if not started within `ttlMs`
   * (default 10 s). Never rejects.
   */
  prepareExec?(opts: { id: string; execId: string; stdin: boolean; ttlMs?: number }): Promise<PreparedExec | undefined>;
  /**
   * Changes the cgroup resources of a running container (`runtime update`). Throws NotFound for
   * an unknown container, Internal with the runtime's message when the kernel refuses a value.
   */
  update?(id: string, resources: OciResources): Promise<void>;
  /**
   * Stops watchers (daemon shutdown); containers and conmons keep running. Removes the daemon's
   * parent cgroup directories that are empty.
   */
  close(): void;
}

/** Options of `createRuntime`. */
export interface RuntimeOptions {
  execRoot: string;
  /** Extra runtimes from daemon.json `runtimes` (name → path). */
  runtimes?: Record<string, { path: string; runtimeArgs?: string[] }>;
  /** daemon.json `default-runtime`; probed when unset. */
  defaultRuntime?: string;
  /**
   * This daemon instance's parent cgroup (`/pier-<instance>`): removed in every hierarchy when
   * empty, at start (leftovers of earlier runs) and at close(). Parents seen in created
   * containers' `/pier-…/<id>` cgroupsPaths are removed at close() too.
   */
  cgroupParent?: string;
}

export { createRuntime } from './create.js';
