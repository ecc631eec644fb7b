/**
 * Exit handling: one watcher per running container on `runtime.waitExit`. On exit the state
 * is recorded (ExitCode, OOMKilled, FinishedAt), `oom`/`die` are emitted, the runtime's
 * container is deleted, the rw layer unmounted and the network state released, waiters are woken, and AutoRemove
 * containers are removed. The restart-policy hook point is `shouldRestart`.
 */
import type { ExitStatus } from '../runtime/index.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { formatNano, toSeconds } from './time.js';
import { removeContainer } from './remove.js';
import { watchLogRotation } from './logs-rotate.js';
import { markRestarting, scheduleRestart } from './restart.js';
import { stopHealth } from './health.js';
import { releaseNetworking } from './network-attach.js';

/**
 * Registers container `id` as live and starts its exit watcher. The handler waits for `ready`
 * (the start path finished recording the running state). Returns the live entry's promise.
 */
export function watchExit(ctx: Ctx, id: string, ready: Promise<unknown>): Promise<void> {
  let done!: () => void;
  const exited = new Promise<void>((r) => (done = r));
  const entry = { exited };
  ctx.live.set(id, entry);
  watchLogRotation(ctx, id, exited);
  void (async () => {
    let status: ExitStatus;
    try {
      status = await ctx.deps.runtime.waitExit(id);
    } catch (e) {
      ctx.log.warn('waiting for container exit failed', { id, error: (e as Error).message });
      status = { exitCode: 255, oomKilled: false, finishedAt: new Date() };
    }
    await ready.catch(() => {});
    if (ctx.state.closed || ctx.live.get(id) !== entry) return;
    await recordExit(ctx, id, status);
    done();
    await afterExit(ctx, id);
  })().catch((e) => ctx.log.error('exit handling failed', { id, error: (e as Error).message }));
  return exited;
}

/**
 * Records an exit into the container's state and cleans up runtime and mount. The restart
 * policy is consulted unless `opts.restoring` (daemon start restarts those, as Docker). Never throws.
 */
export async function recordExit(ctx: Ctx, id: string, status: ExitStatus, opts: { restoring?: boolean } = {}): Promise<void> {
  const rec = ctx.byId.get(id);
  // The live entry stays until the exit is fully recorded: stop/rm wait on it, and a removal
  // running beside this would delete the record before the write below brings it back.
  const entry = ctx.live.get(id);
  const forget = () => {
    if (ctx.live.get(id) === entry) ctx.live.delete(id);
  };
  ctx.execs.containerExited(id);
  if (!rec) return forget();
  const finished = formatNano(BigInt(status.finishedAt.getTime()) * 1_000_000n);
  const started = toSeconds(rec.state.StartedAt);
  rec.state = {
    ...rec.state,
    Status: 'exited',
    Running: false,
    Paused: false,
    Restarting: false,
    Pid: 0,
    ExitCode: status.exitCode,
    OOMKilled: status.oomKilled,
    FinishedAt: finished,
  };
  stopHealth(ctx, id);
  if (!opts.restoring) markRestarting(ctx, rec, status.finishedAt.getTime());
  await Promise.all([
    ctx.deps.runtime.delete(id, true).catch((e) => {
      ctx.staleRuntime.add(id);
      ctx.log.warn('runtime delete failed', { id, error: (e as Error).message });
    }),
    ctx.deps.snapshots.unmountRw(id).catch((e) => ctx.log.warn('unmount failed', { id, error: (e as Error).message })),
    releaseNetworking(ctx, rec),
  ]);
  // Waiters and events need the state in memory, not on disk; the write goes on meanwhile.
  // An AutoRemove container about to be removed is not written at all: a crash before its
  // removal leaves it recorded as running, and daemon start records the exit and removes it
  // (restore.ts); a removal that fails writes the exited state (remove.ts).
  const persisted = willBeRemoved(rec) ? undefined : persistExit(ctx, rec);
  if (status.oomKilled) ctx.emit(rec, 'oom');
  const execDuration = started > 0 ? Math.max(0, Math.round(status.finishedAt.getTime() / 1000 - started)) : 0;
  ctx.emit(rec, 'die', { exitCode: String(status.exitCode), execDuration: String(execDuration) });
  ctx.waiters.exited(id, status.exitCode);
  await persisted;
  forget();
}

/** An exited AutoRemove container that no restart policy brings back: removal follows its exit. */
export const willBeRemoved = (rec: ContainerRecord): boolean => !!rec.hostConfig.AutoRemove && !rec.state.Restarting;

const persistExit = (ctx: Ctx, rec: ContainerRecord): Promise<void> =>
  ctx.persist(rec).catch((e) => ctx.log.error('cannot write container record', { id: rec.id, error: (e as Error).message }));

/**
 * Removes the exited AutoRemove container `rec` under its lock, unless it is gone or running
 * again (see removeAutoRemoved). Never throws (logs).
 */
export async function autoRemove(ctx: Ctx, rec: ContainerRecord): Promise<void> {
  await ctx.lock.with(rec.id, async () => {
    if (ctx.byId.get(rec.id) !== rec || rec.state.Running) return;
    await removeAutoRemoved(ctx, rec, 'auto-remove');
  });
}

/**
 * Removes AutoRemove container `rec` under the removing mark unless it is already being
 * removed; the caller holds its lock. When the removal fails the container stays, exited, with
 * that state written (remove.ts), and `what` names the failure in the log. Never throws.
 */
export async function removeAutoRemoved(ctx: Ctx, rec: ContainerRecord, what: string): Promise<void> {
  if (ctx.removing.has(rec.id)) return;
  ctx.removing.add(rec.id);
  try {
    await removeContainer(ctx, rec);
  } catch (e) {
    ctx.log.warn(`${what} failed`, { id: rec.id, error: (e as Error).message });
  } finally {
    ctx.removing.delete(rec.id);
  }
}

/** True (and the restart scheduled) when the restart policy restarts the container after its exit. */
export function shouldRestart(ctx: Ctx, rec: ContainerRecord): boolean {
  if (!rec.state.Restarting) return false;
  scheduleRestart(ctx, rec);
  return true;
}

async function afterExit(ctx: Ctx, id: string): Promise<void> {
  const rec = ctx.byId.get(id);
  if (!rec) return;
  if (shouldRestart(ctx, rec)) return;
  if (rec.hostConfig.AutoRemove) await autoRemove(ctx, rec);
}
