/**
 * Starting a container: mount the rw layer, prepare its networks (addresses, ports, the
 * network namespace file, etc files), build the spec, `runtime.create` while the namespace is
 * plumbed, await the plumbing, connect parked attach requests,
 * `runtime.start`, record Running/Pid/StartedAt and watch the exit. A start error
 * leaves the container `created` with State.Error and Docker's exit code (127/126/128), and
 * nothing of its network state allocated.
 */
import { EngineError, conflict, notModified, toEngineError } from '../../lib/errors.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { makeSpec } from './spec-input.js';
import { removeAutoRemoved, watchExit } from './exit.js';
import { nowNano } from './time.js';
import { startHealth } from './health.js';
import { activateNetworking, beginPlumbing, prepareNetworking, releaseNetworking, type NetAttach } from './network-attach.js';

/** Docker's exit code for a failed start: 127 not found, 126 not executable, else 128. */
export function startFailureCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/i.test(message)) return 127;
  if (/permission denied|not a directory/i.test(message)) return 126;
  return 128;
}

/** The error a client sees for a failed task creation (Docker 25 wording). */
function wrapStartError(e: unknown): EngineError {
  const err = toEngineError(e);
  if (/^OCI runtime/.test(err.message)) {
    return new EngineError(err.kind, `failed to create task for container: failed to create shim task: ${err.message}`, { cause: e });
  }
  return err;
}

/** `POST /containers/{id}/start`. Throws NotFound, NotModified (running), Conflict (paused, removing). */
export async function start(ctx: Ctx, ref: string): Promise<void> {
  const rec = ctx.findActive(ref);
  await ctx.lock.with(rec.id, () => startLocked(ctx, rec));
}

/**
 * Starts `rec`; the caller holds its lock. A start that is not a restart-policy restart
 * (`opts.policy`) resets RestartCount and the restart back-off, as Docker does. Throws like `start`.
 */
export async function startLocked(ctx: Ctx, rec: ContainerRecord, opts: { policy?: boolean } = {}): Promise<void> {
  if (rec.state.Paused) throw conflict('cannot start a paused container, try unpause instead');
  if (rec.state.Running && !(opts.policy && rec.state.Restarting)) throw notModified();
  if (ctx.byId.get(rec.id) !== rec) throw conflict(`container ${rec.id} has been removed`);
  const { runtime, snapshots } = ctx.deps;
  if (!opts.policy) {
    clearTimeout(ctx.restarts.get(rec.id)?.timer);
    ctx.restarts.delete(rec.id);
    rec.restartCount = 0;
  }
  let created = false;
  let net: NetAttach | undefined;
  try {
    const t0 = performance.now();
    if (ctx.staleRuntime.delete(rec.id)) await runtime.delete(rec.id, true).catch(() => {});
    // The rw layer and the network plan do not depend on each other; the catch below undoes both.
    // Both settle before a failure is handled, so the cleanup never races a half-done prepare.
    let tMount = t0;
    let tNet = t0;
    const [mounted, prepared] = await Promise.allSettled([
      snapshots.mountRw(rec.id).finally(() => (tMount = performance.now())),
      prepareNetworking(ctx, rec).finally(() => (tNet = performance.now())),
    ]);
    if (mounted.status === 'rejected') throw mounted.reason;
    if (prepared.status === 'rejected') throw prepared.reason;
    const rootfs = mounted.value;
    net = prepared.value;
    const t1 = performance.now();
    const spec = await makeSpec(ctx, rec, rootfs, net);
    const t2 = performance.now();
    const consoleSize = rec.hostConfig.ConsoleSize;
    const creating = runtime.create({
      id: rec.id,
      bundleDir: `${ctx.opts.execRoot}/containers/${rec.id}`,
      spec,
      runtime: rec.runtime,
      terminal: !!rec.config.Tty,
      stdin: !!rec.config.OpenStdin,
      stdinOnce: !!rec.config.StdinOnce,
      logPath: rec.paths.log,
      consoleSize: consoleSize && consoleSize[0] > 0 && consoleSize[1] > 0 ? { height: consoleSize[0], width: consoleSize[1] } : undefined,
    });
    // The namespace file is plumbed while the runtime creates the process (and after its
    // synchronous part, so the runtime's own spawns go first).
    beginPlumbing(ctx, rec, net);
    const { pid } = await creating;
    created = true;
    await activateNetworking(ctx, rec, net, pid);
    const t3 = performance.now();
    await ctx.attachHub.connectAll(rec.id, runtime, ctx.log);
    let ready!: () => void;
    const readyP = new Promise<void>((r) => (ready = r));
    watchExit(ctx, rec.id, readyP);
    try {
      await runtime.start(rec.id);
    } catch (e) {
      ctx.live.delete(rec.id);
      ready();
      throw e;
    }
    rec.state = {
      ...rec.state,
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      Dead: false,
      OOMKilled: false,
      Pid: pid,
      ExitCode: 0,
      Error: '',
      StartedAt: nowNano(),
    };
    startHealth(ctx, rec);
    rec.hasBeenStarted = true;
    rec.manuallyStopped = false;
    // persist snapshots the record now and orders later writes after this one, so the exit of
    // a short-lived process is handled while the write is under way, not after it. The process
    // runs: a failed write fails nothing (the record is written again at its exit).
    const persisted = ctx.persist(rec);
    ready();
    ctx.emit(rec, 'start');
    await persisted.catch((e: Error) => ctx.log.warn('cannot write the record of a started container', { id: rec.id, error: e.message }));
    const ms = (a: number, b: number) => Math.round(b - a);
    const t4 = performance.now();
    ctx.log.debug('container started', { id: rec.id, mountNetMs: ms(t0, t1), mountMs: ms(t0, tMount), netMs: ms(t0, tNet), specMs: ms(t1, t2), createNetMs: ms(t2, t3), startMs: ms(t3, t4) });
  } catch (e) {
    const err = wrapStartError(e);
    if (created) await runtime.delete(rec.id, true).catch(() => {});
    await Promise.all([snapshots.unmountRw(rec.id).catch(() => {}), releaseNetworking(ctx, rec)]);
    rec.state = { ...rec.state, Status: rec.hasBeenStarted ? 'exited' : 'created', Running: false, Restarting: false, Pid: 0, Error: err.message, ExitCode: startFailureCode(err.message) };
    await ctx.persist(rec).catch(() => {});
    if (rec.hostConfig.AutoRemove) await removeAutoRemoved(ctx, rec, 'auto-remove after failed start');
    throw err;
  }
}
