/**
 * Spare exec runtimes: after an attached, terminal-less exec ends in a running container, a
 * runtime for the next one is started and left waiting for its process spec (runtime
 * PreparedExec), at most one per container, for a few seconds. Scripts and tools that run
 * `docker exec` one after another then find a runtime that has already loaded the container's
 * state (~2.5 ms of crun's start-up off each exec). A spare serves one exec of the same
 * container run (its StartedAt) and stdin mode; anything else discards it, as do its expiry,
 * the container's exit or removal, and the service's shutdown. A waiting runtime has not
 * touched the container.
 */
import type { PreparedExec } from '../runtime/index.js';

/** How long a spare waits for an exec (ms). */
export const SPARE_TTL_MS = 5_000;

interface Spare {
  startedAt: string;
  stdin: boolean;
  runtime: Promise<PreparedExec | undefined>;
  timer: NodeJS.Timeout;
}

/** Stops a prepared runtime (once it is known), if there is one. Never throws. */
export function discardPrepared(runtime: Promise<PreparedExec | undefined> | undefined): void {
  void runtime?.then((r) => r?.discard());
}

/** The spares of one container service (see the file comment). Never throws. */
export class ExecSpares {
  private readonly byContainer = new Map<string, Spare>();

  constructor(private readonly ttlMs = SPARE_TTL_MS) {}

  /** True when the container has a spare. */
  has(containerId: string): boolean {
    return this.byContainer.has(containerId);
  }

  /** Keeps `runtime` as the container's spare (discarding any other). */
  put(containerId: string, s: { startedAt: string; stdin: boolean; runtime: Promise<PreparedExec | undefined> }): void {
    this.drop(containerId);
    const timer = setTimeout(() => this.drop(containerId), this.ttlMs);
    timer.unref();
    this.byContainer.set(containerId, { ...s, timer });
  }

  /**
   * The container's spare for an exec of run `startedAt` with stdin `stdin`, handed over (the
   * caller owns it then), or undefined; a spare that does not fit is discarded.
   */
  take(containerId: string, startedAt: string, stdin: boolean): Promise<PreparedExec | undefined> | undefined {
    const s = this.byContainer.get(containerId);
    if (!s) return undefined;
    this.byContainer.delete(containerId);
    clearTimeout(s.timer);
    if (s.startedAt === startedAt && s.stdin === stdin) return s.runtime;
    discardPrepared(s.runtime);
    return undefined;
  }

  /** Discards the container's spare, if any. */
  drop(containerId: string): void {
    const s = this.byContainer.get(containerId);
    if (!s) return;
    this.byContainer.delete(containerId);
    clearTimeout(s.timer);
    discardPrepared(s.runtime);
  }

  /** Discards every spare (service shutdown). */
  close(): void {
    for (const id of [...this.byContainer.keys()]) this.drop(id);
  }
}
