/**
 * In-memory exec instances of one container service (Docker keeps them in memory too): lookup
 * by exec id, the ids a container shows in `ExecIDs`, and their lifetime — an exited exec is
 * dropped a while after its exit (Docker: 5–10 minutes), a created one when its container
 * stops, a finished one shortly after its container stopped. Also caches each running
 * container's OCI spec, the template of its exec processes, and holds the spare runtimes.
 */
import type { OciProcess, OciSpec } from '../../oci/runtime-spec.js';
import type { ExecSession, PreparedExec } from '../runtime/index.js';
import { discardPrepared, ExecSpares } from './exec-spares.js';

/** One exec instance. */
export interface ExecRecord {
  id: string;
  containerId: string;
  entrypoint: string;
  args: string[];
  tty: boolean;
  privileged: boolean;
  /** The user as given, or the container's (empty: keep the container's process user). */
  user: string;
  /** As given, or the container's WorkingDir ("" means "/"). */
  workingDir: string;
  /** The full environment of the process. */
  env: string[];
  openStdin: boolean;
  openStdout: boolean;
  openStderr: boolean;
  /** The detach keys as given (undefined: Docker's default ctrl-p,ctrl-q). */
  detachKeys?: string;
  /** The parsed detach keys as given (empty when none were given). */
  detachKeyBytes: number[];
  /** [height, width] from create. */
  consoleSize?: [number, number];
  state: 'created' | 'starting' | 'running' | 'exited';
  exitCode: number | null;
  pid: number;
  session?: ExecSession;
  /**
   * The process and runtime started ahead at create (containers/exec.ts prepareExec), for the
   * container start it was made for; taken by the start.
   */
  prepared?: { startedAt: string; process: Promise<OciProcess>; runtime: Promise<PreparedExec | undefined> };
  /** A resize that arrived before the session existed. */
  pendingResize?: { height: number; width: number };
  /** Set once the container stopped: dropped shortly after its exit. */
  containerGone?: boolean;
}

/**
 * Takes `ex`'s prepared runtime and process off it and stops the runtime: for a start that
 * will not use it. Never throws.
 */
export function takePrepared(ex: ExecRecord): void {
  const p = ex.prepared;
  ex.prepared = undefined;
  discardPrepared(p?.runtime);
}

/** Options of an ExecStore. */
export interface ExecStoreOptions {
  /** How long an exited exec stays inspectable (ms). Default 5 minutes. */
  retentionMs?: number;
  /** How long a finished exec of a stopped container stays inspectable (ms). Default 10 s. */
  goneRetentionMs?: number;
}

/** The exec instances of a container service (see the file comment). Never throws. */
export class ExecStore {
  /** Spare runtimes for the next exec of a container (exec-spares.ts). */
  readonly spares = new ExecSpares();
  private readonly byId = new Map<string, ExecRecord>();
  private readonly byContainer = new Map<string, Set<string>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly templates = new Map<string, { key: string; spec: Promise<OciSpec> }>();
  private readonly retentionMs: number;
  private readonly goneRetentionMs: number;

  constructor(options: ExecStoreOptions = {}) {
    this.retentionMs = options.retentionMs ?? 5 * 60_000;
    this.goneRetentionMs = options.goneRetentionMs ?? 10_000;
  }

  /** Adds a new exec. */
  add(ex: ExecRecord): void {
    this.byId.set(ex.id, ex);
    const set = this.byContainer.get(ex.containerId) ?? new Set<string>();
    set.add(ex.id);
    this.byContainer.set(ex.containerId, set);
  }

  /** The exec with exactly this id, or undefined. */
  get(id: string): ExecRecord | undefined {
    return this.byId.get(id);
  }

  /** Ids of the container's execs that have not exited (Docker's `ExecIDs`), or null when none. */
  idsOf(containerId: string): string[] | null {
    const out: string[] = [];
    for (const id of this.byContainer.get(containerId) ?? []) {
      const ex = this.byId.get(id);
      if (ex && ex.state !== 'exited' && !ex.containerGone) out.push(id);
    }
    return out.length ? out : null;
  }

  /** Execs of a container that are starting or running. */
  runningOf(containerId: string): ExecRecord[] {
    const out: ExecRecord[] = [];
    for (const id of this.byContainer.get(containerId) ?? []) {
      const ex = this.byId.get(id);
      if (ex && (ex.state === 'running' || ex.state === 'starting')) out.push(ex);
    }
    return out;
  }

  /** Marks an exec's exit as recorded: schedules its removal. */
  finished(id: string): void {
    const ex = this.byId.get(id);
    if (!ex) return;
    this.schedule(id, ex.containerGone ? this.goneRetentionMs : this.retentionMs);
  }

  /**
   * The container stopped: never-started execs go at once, exited ones shortly, running ones
   * shortly after their exit (their sessions end with the container). Drops the spec template.
   */
  containerExited(containerId: string): void {
    this.templates.delete(containerId);
    this.spares.drop(containerId);
    for (const id of [...(this.byContainer.get(containerId) ?? [])]) {
      const ex = this.byId.get(id);
      if (!ex) continue;
      ex.containerGone = true;
      if (ex.state === 'created') this.drop(id);
      else if (ex.state === 'exited') this.schedule(id, this.goneRetentionMs);
    }
  }

  /** The container was removed: drops all its execs now. */
  containerRemoved(containerId: string): void {
    this.templates.delete(containerId);
    this.spares.drop(containerId);
    for (const id of [...(this.byContainer.get(containerId) ?? [])]) this.drop(id);
  }

  /** Forgets an exec. */
  drop(id: string): void {
    const ex = this.byId.get(id);
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
    if (!ex) return;
    // A runtime prepared for a start that will not come now: stop it at once.
    takePrepared(ex);
    this.byId.delete(id);
    const set = this.byContainer.get(ex.containerId);
    set?.delete(id);
    if (set && set.size === 0) this.byContainer.delete(ex.containerId);
  }

  /**
   * The cached spec of a running container (`key` identifies the run, e.g. its StartedAt);
   * loads it with `load` on a miss. A failed load is not cached. Rejects with load's error.
   */
  template(containerId: string, key: string, load: () => Promise<OciSpec>): Promise<OciSpec> {
    const hit = this.templates.get(containerId);
    if (hit && hit.key === key) return hit.spec;
    const spec = load();
    const entry = { key, spec };
    this.templates.set(containerId, entry);
    spec.catch(() => {
      if (this.templates.get(containerId) === entry) this.templates.delete(containerId);
    });
    return spec;
  }

  /** Number of execs held (tests, debugging). */
  get size(): number {
    return this.byId.size;
  }

  /** Cancels every timer and discards the spares (service shutdown). */
  close(): void {
    this.spares.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(id: string, ms: number): void {
    const old = this.timers.get(id);
    if (old) clearTimeout(old);
    const t = setTimeout(() => this.drop(id), ms);
    t.unref();
    this.timers.set(id, t);
  }
}
