/**
 * `docker exec`: create an exec instance in a running container, start it (attached or
 * detached) through the runtime's exec sessions, inspect and resize it. Exec instances live in
 * memory (`ctx.execs`); events `exec_create: <cmd>`, `exec_start: <cmd>` and `exec_die` are
 * emitted as Docker does. Errors use Docker's words.
 */
import { conflict, invalidArgument, notFound, toEngineError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import type { ExecAttachment, ExecConfig, ExecInspect, ExecStartOptions } from './exec-types.js';
import { takePrepared, type ExecRecord } from './exec-store.js';
import { parseDetachKeys } from './detach-keys.js';
import { buildExecProcess, execEnv, execFailureCode, readBundleSpec } from './exec-process.js';
import { errorAttachment, pendingExecStream } from './exec-attach.js';
import type { ExecSession } from '../runtime/index.js';
import type { OciProcess } from '../../oci/runtime-spec.js';
import { hostSpecDefaults } from './spec/index.js';
import { discardPrepared, SPARE_TTL_MS } from './exec-spares.js';

/** How long after an exec's end its container's spare runtime is started (ms). */
const SPARE_DELAY_MS = 2;

/** Throws Docker's Conflict when `rec` cannot run an exec (`shown` is how the container is named). */
function assertExecable(rec: ContainerRecord, shown: string): void {
  if (!rec.state.Running) throw conflict(`Container ${rec.id} is not running`);
  if (rec.state.Paused) throw conflict(`Container ${shown} is paused, unpause the container before exec`);
  if (rec.state.Restarting) throw conflict(`Container ${rec.id} is restarting, wait until the container is running`);
}

function validSize(s: readonly number[] | null | undefined): { height: number; width: number } | undefined {
  if (!s || s.length !== 2) return undefined;
  const [height, width] = s as [number, number];
  return height > 0 && width > 0 ? { height, width } : undefined;
}

/**
 * `POST /containers/{id}/exec`. Throws InvalidArgument `No exec command specified` / `Invalid
 * escape keys (x) provided`, NotFound for the container, Conflict when it is not running,
 * paused or restarting.
 */
export async function execCreate(ctx: Ctx, ref: string, config: ExecConfig): Promise<{ Id: string }> {
  const cmd = config.Cmd ?? [];
  if (cmd.length === 0) throw invalidArgument('No exec command specified');
  const rec = ctx.findActive(ref);
  assertExecable(rec, ref);
  const detachKeyBytes = config.DetachKeys ? parseDetachKeys(config.DetachKeys) : [];
  const tty = !!config.Tty;
  const ex: ExecRecord = {
    id: newId(),
    containerId: rec.id,
    entrypoint: cmd[0]!,
    args: cmd.slice(1),
    tty,
    privileged: !!config.Privileged,
    user: config.User || rec.config.User || '',
    workingDir: config.WorkingDir || rec.config.WorkingDir || '',
    env: execEnv(rec, tty, config.Env ?? []),
    openStdin: !!config.AttachStdin,
    openStdout: !!config.AttachStdout,
    openStderr: !!config.AttachStderr,
    detachKeys: config.DetachKeys || undefined,
    detachKeyBytes,
    consoleSize: config.ConsoleSize && config.ConsoleSize.length === 2 ? [config.ConsoleSize[0], config.ConsoleSize[1]] : undefined,
    state: 'created',
    exitCode: null,
    pid: 0,
  };
  ctx.execs.add(ex);
  ctx.emit(rec, `exec_create: ${ex.entrypoint} ${ex.args.join(' ')}`, { execID: ex.id });
  prepareExec(ctx, rec, ex, !!config.Detach);
  return { Id: ex.id };
}

/**
 * For an exec a client will most likely start attached and without a terminal (as `docker
 * exec c cmd` does right after create), starts its process spec and the runtime now, while
 * the client sends the start request (runtime/exec-prepared.ts). Never throws.
 */
function prepareExec(ctx: Ctx, rec: ContainerRecord, ex: ExecRecord, detach: boolean): void {
  const prepare = ctx.deps.runtime.prepareExec;
  if (!prepare || ex.tty || detach || !(ex.openStdout || ex.openStderr)) return;
  const process = execProcessOf(ctx, rec, ex);
  process.catch(() => {}); // rethrown to the start that awaits it
  ex.prepared = {
    startedAt: rec.state.StartedAt,
    process,
    runtime:
      ctx.execs.spares.take(rec.id, rec.state.StartedAt, ex.openStdin) ??
      prepare.call(ctx.deps.runtime, { id: rec.id, execId: ex.id, stdin: ex.openStdin }).catch(() => undefined),
  };
}

/**
 * After an exec that used a prepared runtime ended, starts a spare for the container's next
 * one (exec-spares.ts), unless it has one or no longer runs. Never throws.
 */
function keepSpare(ctx: Ctx, containerId: string, stdin: boolean): void {
  const prepare = ctx.deps.runtime.prepareExec;
  const rec = ctx.byId.get(containerId);
  if (!prepare || !rec || !rec.state.Running || rec.state.Paused || rec.state.Restarting || ctx.execs.spares.has(containerId)) return;
  const runtime = prepare
    .call(ctx.deps.runtime, { id: containerId, execId: `spare-${newId()}`, stdin, ttlMs: SPARE_TTL_MS + SPARE_DELAY_MS })
    .catch(() => undefined);
  ctx.execs.spares.put(containerId, { startedAt: rec.state.StartedAt, stdin, runtime });
}

/** The exec's OCI process, from the container's spec (cached per container start). Throws what reading the spec or resolving the user throws. */
async function execProcessOf(ctx: Ctx, rec: ContainerRecord, ex: ExecRecord): Promise<OciProcess> {
  const bundleDir = `${ctx.opts.execRoot}/containers/${rec.id}`;
  const spec = await ctx.execs.template(rec.id, rec.state.StartedAt, () => readBundleSpec(bundleDir));
  let allCaps: string[] | undefined;
  if (ex.privileged) {
    ctx.memo.hostSpecDefaults ??= hostSpecDefaults().catch(() => ({}));
    allCaps = (await ctx.memo.hostSpecDefaults).allCapabilities;
  }
  return buildExecProcess(spec, bundleDir, rec, ex, allCaps);
}

/** The exec `id` and its container, checked like Docker's getExecConfig. Throws NotFound, Conflict. */
function findExec(ctx: Ctx, id: string): { ex: ExecRecord; rec: ContainerRecord } {
  const ex = ctx.execs.get(id);
  if (!ex) throw notFound(`No such exec instance: ${id}`);
  const rec = ctx.byId.get(ex.containerId);
  if (!rec) throw notFound(`No such container: ${id}`);
  return { ex, rec };
}

/** Records the end of an exec (exit code, exec_die) and schedules its removal. Never throws. */
function recordExecExit(ctx: Ctx, ex: ExecRecord, rec: ContainerRecord, code: number): void {
  ex.exitCode = code;
  ex.state = 'exited';
  ctx.execs.finished(ex.id);
  ctx.emit(rec, 'exec_die', { execID: ex.id, exitCode: String(code) });
}

/**
 * `POST /exec/{id}/start`. Detached: resolves undefined once the process runs (start errors
 * are thrown). Attached: resolves with the session, whose `begin()` starts the process once
 * the caller sent its response headers; start errors, and starting an exec twice, come
 * in-band as the only output (Docker writes them after hijacking). Throws NotFound
 * `No such exec instance: x`, Conflict (container not running / paused; `Error: Exec command
 * x is already running` / `has already run` when detached).
 */
export async function execStart(ctx: Ctx, id: string, opts: ExecStartOptions): Promise<ExecAttachment | undefined> {
  const { ex, rec } = findExec(ctx, id);
  try {
    assertExecable(rec, rec.id);
  } catch (e) {
    takePrepared(ex);
    throw e;
  }
  if (ex.state !== 'created') {
    const msg = ex.state === 'exited' ? `Error: Exec command ${ex.id} has already run` : `Error: Exec command ${ex.id} is already running`;
    if (opts.detach) throw conflict(msg);
    return errorAttachment(opts.tty, msg + '\r\n');
  }
  ex.state = 'starting';
  if (opts.detach) {
    const { session } = await launchExec(ctx, rec, ex, opts, false);
    session.attach.stdout.resume();
    session.attach.stderr.resume();
    session.attach.close();
    return undefined;
  }
  const pending = pendingExecStream(
    {
      rawStream: opts.tty,
      stdout: ex.openStdout,
      stderr: ex.openStderr,
      stdin: ex.openStdin,
      tty: ex.tty,
      detachKeys: ex.detachKeys,
      onDetach: () => ctx.emit(rec, 'exec_detach', { execID: ex.id }),
    },
    () => {
      launchExec(ctx, rec, ex, opts, ex.openStdin).then(
        ({ session, exitRecorded }) => pending.connect(session, exitRecorded),
        (e) => pending.fail(toEngineError(e).message + '\r\n'),
      );
    },
  );
  return pending.attachment;
}

/**
 * Runs the exec's process: `exec_start`, the process from the container's spec, the runtime
 * session; records the exit (and removes the session's files) when it ends. On failure the
 * exec is recorded as exited with Docker's 126/127 and the error is rethrown.
 */
async function launchExec(
  ctx: Ctx,
  rec: ContainerRecord,
  ex: ExecRecord,
  opts: ExecStartOptions,
  stdin: boolean,
): Promise<{ session: ExecSession; exitRecorded: Promise<void> }> {
  ctx.emit(rec, `exec_start: ${ex.entrypoint} ${ex.args.join(' ')}`, { execID: ex.id });
  const prepared = ex.prepared;
  ex.prepared = undefined;
  let session: ExecSession | undefined;
  const t0 = performance.now();
  let t1 = t0;
  let ahead = false;
  try {
    // What was prepared holds for the container run it was made for. Its runtime is used
    // when the start is what was expected; otherwise it is discarded and the normal path runs.
    const current = prepared?.startedAt === rec.state.StartedAt ? prepared : undefined;
    const process = await (current ? current.process : execProcessOf(ctx, rec, ex));
    t1 = performance.now();
    const runtimePrepared = prepared ? await prepared.runtime : undefined;
    if (runtimePrepared && current && !opts.detach) session = await runtimePrepared.start(process);
    else runtimePrepared?.discard();
    ahead = session !== undefined;
    session ??= await ctx.deps.runtime.exec({
      id: rec.id,
      execId: ex.id,
      process,
      terminal: ex.tty,
      stdin,
      detach: opts.detach,
      consoleSize: ex.tty ? (validSize(opts.consoleSize) ?? validSize(ex.consoleSize)) : undefined,
    });
  } catch (e) {
    // e.g. the user could not be resolved: a runtime still waiting for this exec goes too.
    discardPrepared(prepared?.runtime);
    const err = toEngineError(e);
    recordExecExit(ctx, ex, rec, execFailureCode(ex.entrypoint, err.message));
    throw err;
  }
  ctx.log.debug('exec started', { id: ex.id, prepared: ahead, specMs: Math.round(t1 - t0), runtimeMs: Math.round(performance.now() - t1) });
  ex.pid = session.pid;
  ex.state = 'running';
  ex.session = session;
  if (ex.pendingResize) {
    const size = ex.pendingResize;
    ex.pendingResize = undefined;
    session.resize(size).catch(() => {});
  }
  const s = session;
  const exitRecorded = s.exit.then(
    (code) => recordExecExit(ctx, ex, rec, code),
    () => recordExecExit(ctx, ex, rec, 255),
  );
  void exitRecorded
    .then(() => Promise.race([s.attach.closed, new Promise((r) => setTimeout(r, 2000).unref())]))
    .then(() => {
      ex.session = undefined;
      // A moment later, off this exec's last steps (the client's exec inspect).
      if (ahead) setTimeout(() => keepSpare(ctx, rec.id, stdin), SPARE_DELAY_MS).unref();
      return s.remove();
    })
    .catch((e) => ctx.log.warn('exec session cleanup failed', { id: ex.id, error: (e as Error).message }));
  return { session: s, exitRecorded };
}

/** `GET /exec/{id}/json`. Throws NotFound `No such exec instance: x`. */
export function execInspect(ctx: Ctx, id: string): ExecInspect {
  const ex = ctx.execs.get(id);
  if (!ex) throw notFound(`No such exec instance: ${id}`);
  const pc: ExecInspect['ProcessConfig'] = { tty: ex.tty, entrypoint: ex.entrypoint, arguments: ex.args, privileged: ex.privileged };
  if (ex.user) pc.user = ex.user;
  return {
    ID: ex.id,
    Running: ex.state === 'running' || ex.state === 'starting',
    ExitCode: ex.exitCode,
    ProcessConfig: pc,
    OpenStdin: ex.openStdin,
    OpenStderr: ex.openStderr,
    OpenStdout: ex.openStdout,
    CanRemove: false,
    ContainerID: ex.containerId,
    DetachKeys: Buffer.from(ex.detachKeyBytes).toString('base64'),
    Pid: ex.pid,
  };
}

/**
 * `POST /exec/{id}/resize`. A resize before the session exists is applied when it starts.
 * Throws NotFound, Conflict (container not running), InvalidArgument for a negative size.
 */
export async function execResize(ctx: Ctx, id: string, height: number, width: number): Promise<void> {
  const { ex, rec } = findExec(ctx, id);
  assertExecable(rec, rec.id);
  if (height < 0 || width < 0) throw invalidArgument(`invalid resize height ${height} or width ${width}`);
  if (!ex.tty || ex.state === 'exited') return;
  const size = { height, width };
  if (!ex.session) {
    ex.pendingResize = size;
    return;
  }
  await ex.session.resize(size).catch((e) => ctx.log.debug('exec resize failed', { id, error: (e as Error).message }));
}
