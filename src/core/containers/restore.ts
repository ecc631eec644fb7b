/**
 * Daemon start: containers recorded as running or paused are re-adopted when the runtime still
 * has them (their exit is watched again), otherwise their missed exit is recorded from
 * conmon's exit file (255 when nothing was recorded, e.g. after a reboot). The network service
 * then reconciles its endpoints with the containers still running. AutoRemove containers that
 * do not run are removed, as Docker does at daemon start (a crash between their exit and their
 * removal leaves them recorded as running or exited).
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import type { ExitStatus, RuntimeState } from '../runtime/index.js';
import { nowNano } from './time.js';
import { autoRemove, recordExit, watchExit, willBeRemoved } from './exit.js';
import { startOnDaemonStart } from './restart.js';
import { startHealth } from './health.js';

/**
 * Removes container directories and rw layers left without a record: by a crash during create,
 * or during a removal (the record goes first, the directory after: remove.ts). Never throws.
 */
async function removeOrphans(ctx: Ctx): Promise<void> {
  const dir = path.join(ctx.opts.root, 'containers');
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    if (!/^[a-f0-9]{64}$/.test(n) || ctx.byId.has(n)) continue;
    ctx.log.info('removing leftovers of a container without a record', { id: n });
    await ctx.deps.snapshots.removeRw(n).catch((e) => ctx.log.warn('cannot remove rw layer', { id: n, error: (e as Error).message }));
    await rm(path.join(dir, n), { recursive: true, force: true }).catch(() => {});
  }
}

/** Re-adopts or settles every record the runtime or the record says was started. Never throws (problems are logged). */
export async function restore(ctx: Ctx): Promise<void> {
  await removeOrphans(ctx);
  let known = new Map<string, RuntimeState>();
  try {
    known = new Map((await ctx.deps.runtime.list()).map((c) => [c.id, c.state]));
  } catch (e) {
    ctx.log.warn('cannot list runtime containers', { error: (e as Error).message });
  }
  await Promise.all(
    [...ctx.byId.values()].map((rec) =>
      restoreOne(ctx, rec, known.get(rec.id)).catch((e) => ctx.log.error('restore failed', { id: rec.id, error: (e as Error).message })),
    ),
  );
  // The network service keeps the endpoints of what runs and releases the rest.
  if (ctx.deps.networks) {
    const running = new Map<string, number>();
    for (const r of ctx.byId.values()) if (r.state.Running && r.state.Pid > 0) running.set(r.id, r.state.Pid);
    await ctx.deps.networks.reconcile(running).catch((e) => ctx.log.error('network reconcile failed', { error: (e as Error).message }));
  }
  // Restart policies: containers that were restarting or whose policy starts them on daemon start.
  await startOnDaemonStart(ctx);
}

async function adopt(ctx: Ctx, rec: ContainerRecord, st: RuntimeState): Promise<void> {
  await ctx.deps.snapshots.mountRw(rec.id).catch((e) => ctx.log.warn('remount failed', { id: rec.id, error: (e as Error).message }));
  const paused = st.status === 'paused';
  if (!rec.state.Running || rec.state.Restarting || paused !== rec.state.Paused) {
    // A crash between `runtime start` and the record write leaves a running container recorded as created.
    const wasRunning = rec.state.Running;
    rec.state = { ...rec.state, Running: true, Restarting: false, Paused: paused, Status: paused ? 'paused' : 'running', Pid: st.pid || rec.state.Pid };
    if (!wasRunning) {
      rec.state.StartedAt = nowNano();
      rec.state.ExitCode = 0;
      rec.state.Error = '';
      rec.hasBeenStarted = true;
    }
    await ctx.persist(rec).catch(() => {});
  }
  watchExit(ctx, rec.id, Promise.resolve());
  if (!paused) startHealth(ctx, rec);
  ctx.log.info('re-adopted container', { id: rec.id });
}

async function restoreOne(ctx: Ctx, rec: ContainerRecord, st: RuntimeState | undefined): Promise<void> {
  const { runtime, snapshots } = ctx.deps;
  if (rec.state.Status === 'removing') {
    rec.state = { ...rec.state, Status: rec.hasBeenStarted ? 'exited' : 'created' };
    await ctx.persist(rec).catch(() => {});
  }
  if (st && (st.status === 'running' || st.status === 'paused')) return adopt(ctx, rec, st);
  if (!rec.state.Running) {
    if (st) {
      // Half-done start (runtime container created, never started): drop it.
      await runtime.delete(rec.id, true).catch(() => ctx.staleRuntime.add(rec.id));
      await snapshots.unmountRw(rec.id).catch(() => {});
    }
    if (willBeRemoved(rec)) await autoRemove(ctx, rec);
    return;
  }
  if (st && st.status === 'created') return adopt(ctx, rec, st);
  // Waiting for a policy restart when the daemon stopped: startOnDaemonStart schedules it again.
  if (rec.state.Restarting && !st) return;
  let timer: NodeJS.Timeout | undefined;
  const lost = (): ExitStatus => ({ exitCode: 255, oomKilled: false, finishedAt: new Date() });
  const fallback = new Promise<ExitStatus>((r) => (timer = setTimeout(() => r(lost()), 2000)));
  const exit = await Promise.race([runtime.waitExit(rec.id).catch(lost), fallback]);
  clearTimeout(timer);
  await recordExit(ctx, rec.id, exit, { restoring: true });
  ctx.log.info('recorded missed exit', { id: rec.id, exitCode: exit.exitCode });
  if (rec.hostConfig.AutoRemove) await autoRemove(ctx, rec);
}
