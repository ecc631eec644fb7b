/**
 * The ContainerRuntime implementation: composes the runtime table (runtimes.ts), the runtime
 * CLI (runtime-cli.ts), conmon (conmon.ts), exit watching (exit-watch.ts), attach (attach.ts)
 * and resize (resize.ts). Holds no policy; see index.ts for the contract.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { pathExists } from '../../lib/path-exists.js';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, internal, invalidArgument, isKind, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { ContainerRuntime, ExitStatus, RuntimeCreateOptions, RuntimeOptions, RuntimeState } from './index.js';
import { createAttachMux } from './attach-mux.js';
import { startThroughFifo } from './fifo-start.js';
import { deleteStoppedRunc } from './fast-delete.js';
import { deleteStoppedCrun, startCrunThroughFifo } from './crun-fast.js';
import { startExec } from './exec.js';
import { sweepExecSessions } from './exec-sweep.js';
import { hostCgroupMountPoints, instanceParentOf, removeEmptyCgroupParent } from './cgroup-parent.js';
import { conmonArgs, spawnConmon } from './conmon.js';
import { sealRuntimeBinary, type SealedBinary } from './exec-sealed-binary.js';
import { createPipeMaker, type PipeMaker } from './exec-pipes.js';
import { prepareDirectExec } from './exec-prepared.js';
import { createPosixSpawner, type PosixSpawner } from '../../lib/posix-spawn.js';
import { containerFiles } from './container-files.js';
import { createExitWatcher } from './exit-watch.js';
import { createNativeCalls, type NativeCalls } from './native.js';
import { wasOomKilled } from './oom.js';
import { runtimePaths, specFactsOf } from './paths.js';
import { writeReopenLog, writeResize } from './ctl.js';
import { createRuntimeCli, type RuntimeCli } from './runtime-cli.js';
import { createError } from './runtime-errors.js';
import { buildRuntimeTable, findExecutable, probeCgroupLayout } from './runtimes.js';
import { normalizeSignal } from './signals.js';
import { updateResources } from './update.js';
import { withSeccompBpf } from './seccomp-annotation.js';
import { createSeccompBpfCompiler } from './seccomp-bpf.js';

const ms = (a: number, b: number): number => Math.round(b - a);

/** What an exec id may be made of (it names files under `<exec-root>/execs`). */
const EXEC_ID = /^[A-Za-z0-9_.-]+$/;

/**
 * runc or crun itself without extra global args: its state layout is known (runc:
 * fifo-start.ts, fast-delete.ts; crun: crun-fast.ts).
 */
const isPlain = (cli: RuntimeCli, name: 'runc' | 'crun'): boolean => cli.binary.name === name && path.basename(cli.binary.path) === name && cli.binary.runtimeArgs.length === 0;

/**
 * Creates the runtime wrapper: probes the cgroup layout and installed runtimes, creates the
 * exec-root directories and starts watching conmon's exit directory. Throws InvalidArgument
 * when no runtime is usable or `defaultRuntime` is unknown, Internal when conmon is missing.
 */
export async function createRuntime(deps: { log: Logger }, options: RuntimeOptions): Promise<ContainerRuntime> {
  const log = deps.log.child({ component: 'runtime' });
  const paths = runtimePaths(options.execRoot);
  const layout = await probeCgroupLayout();
  const { table, default: defaultName } = await buildRuntimeTable(options, layout);
  const conmonPath = await findExecutable('conmon');
  if (!conmonPath) throw internal('conmon not found in PATH');
  const initPath = (await findExecutable('docker-init')) ?? (await findExecutable('tini-static')) ?? (await findExecutable('tini'));
  log.info('runtimes', { names: [...table.keys()], default: defaultName, cgroups: layout });

  await mkdir(paths.socketDir, { recursive: true });
  // Exec session folders left by an earlier pierd whose conmon is gone.
  await sweepExecSessions({ log }, path.join(options.execRoot, 'execs'));
  // This instance's parent cgroup, left empty by an earlier run (see cgroup-parent.ts).
  const cgroupMounts = hostCgroupMountPoints();
  const cgroupParents = new Set<string>(options.cgroupParent ? [options.cgroupParent] : []);
  for (const p of cgroupParents) removeEmptyCgroupParent(cgroupMounts, p);
  const files = containerFiles(paths);
  const exits = await createExitWatcher({ log }, { exitsDir: paths.exitsDir, conmonAlive: (id) => files.conmonAlive(id) });
  const clis = new Map<string, RuntimeCli>();
  for (const [name, bin] of table) clis.set(name, createRuntimeCli(bin, paths.runtimeRoot(name)));
  // crun run from a read-only bind mount of itself skips its per-call self-copy and re-exec
  // (exec-sealed-binary.ts); conmon runs `crun create` through it. Plain binary when unavailable.
  const sealed = new Map<string, SealedBinary>();
  for (const [name, cli] of clis) {
    if (!isPlain(cli, 'crun')) continue;
    await mkdir(path.join(options.execRoot, 'rt'), { recursive: true });
    const s = sealRuntimeBinary({ log }, { binary: cli.binary.path, target: path.join(options.execRoot, 'rt', `${name}.sealed`) });
    if (s) sealed.set(name, s);
  }
  /** The binary to run `cli`'s runtime from, with the environment that goes with it. */
  const binaryOf = (cli: RuntimeCli): { path: string; env?: Record<string, string> } => sealed.get(cli.binary.name) ?? { path: cli.binary.path };
  let pipes: PipeMaker | undefined;
  let spawner: PosixSpawner | undefined;
  /** The posix_spawn and pipe2 bindings, made on first use and shared by every spawn. */
  const spawning = () => ({ spawner: (spawner ??= createPosixSpawner()), pipes: (pipes ??= createPipeMaker()) });
  /** How an exec starts `cli`'s runtime (direct or prepared path). */
  const execLaunch = (cli: RuntimeCli) => ({ log, runtimePath: binaryOf(cli).path, runtimeArgs: cli.globalArgs, runtimeEnv: binaryOf(cli).env, ...spawning() });
  const seccompBpf = createSeccompBpfCompiler({ warn: (m) => log.debug(m) });
  let native: NativeCalls | undefined;
  const nativeCalls = (): NativeCalls => (native ??= createNativeCalls());
  const mux = createAttachMux(nativeCalls);

  const cliFor = (name: string): RuntimeCli => {
    const c = clis.get(name);
    if (!c) throw invalidArgument(`unknown or invalid runtime name: ${name}`);
    return c;
  };
  const cliOf = async (id: string): Promise<RuntimeCli> => cliFor((await files.meta(id)).runtime);

  const create = async (o: RuntimeCreateOptions): Promise<{ pid: number }> => {
    const cli = cliFor(o.runtime || defaultName);
    const t0 = performance.now();
    const parent = instanceParentOf(o.spec.linux?.cgroupsPath);
    if (parent) cgroupParents.add(parent);
    const persistDir = paths.persistDir(o.id);
    await Promise.all([
      // A stale exit file from an earlier run of the same id must not satisfy waitExit.
      files.clearStale(o.id),
      mkdir(o.bundleDir, { recursive: true }),
      mkdir(persistDir, { recursive: true }),
      mkdir(path.dirname(o.logPath), { recursive: true }),
      mkdir(paths.runtimeRoot(cli.binary.name), { recursive: true }),
    ]);
    const proc = o.spec.process ? { ...o.spec.process, terminal: o.terminal } : undefined;
    // The runtime sets the initial size itself at create (no race with the first output).
    if (proc && o.terminal && o.consoleSize && o.consoleSize.height > 0 && o.consoleSize.width > 0) proc.consoleSize = { ...o.consoleSize };
    const spec = withSeccompBpf({ log, compiler: seccompBpf }, cli.binary, { ...o.spec, process: proc });
    await Promise.all([
      // Nothing reads the bundle's config.json before conmon runs the runtime: a plain write.
      writeFile(path.join(o.bundleDir, 'config.json'), JSON.stringify(spec), { mode: 0o644 }),
      files.writeMeta({
        id: o.id,
        bundleDir: o.bundleDir,
        runtime: cli.binary.name,
        cgroupsPath: o.spec.linux?.cgroupsPath,
        terminal: o.terminal,
        stdin: o.stdin,
        stdinOnce: o.stdinOnce,
        specFacts: specFactsOf(spec),
      }),
    ]);
    const args = conmonArgs({
      id: o.id,
      runtimePath: binaryOf(cli).path,
      runtimeArgs: cli.globalArgs,
      bundleDir: o.bundleDir,
      persistDir,
      exitsDir: paths.exitsDir,
      socketDir: paths.socketDir,
      logPath: o.logPath,
      terminal: o.terminal,
      stdin: o.stdin,
      stdinOnce: o.stdinOnce,
    });
    log.debug('starting conmon', { id: o.id, args });
    nativeCalls().closeInheritedOnExec();
    const t1 = performance.now();
    const r = await spawnConmon({ log, ...spawning() }, conmonPath, args, { cwd: o.bundleDir, env: binaryOf(cli).env });
    if (!r.ok) {
      await cli.raw('delete', ['--force', o.id]).catch(() => undefined);
      await files.remove(o.id, undefined).catch(() => {});
      throw createError(cli.binary.name, r.message, o.spec.process?.args?.[0]);
    }
    if (o.terminal && o.consoleSize) {
      await writeResize(o.bundleDir, o.id, o.consoleSize).catch((e) => log.debug('initial resize failed', { id: o.id, error: String(e) }));
    }
    log.debug('runtime created', { id: o.id, filesMs: ms(t0, t1), conmonMs: ms(t1, performance.now()) });
    return { pid: r.pid };
  };

  const state = async (id: string): Promise<RuntimeState> => {
    const cli = await cliOf(id);
    try {
      return await cli.state(id);
    } catch (e) {
      if (isKind(e, 'NotFound') && (await exits.read(id))) return { status: 'stopped', pid: 0 };
      throw e;
    }
  };

  const waitExit = async (id: string): Promise<ExitStatus> => {
    const meta = await files.metaIfExists(id);
    const ex = (await exits.read(id)) ?? (meta ? await exits.wait(id) : undefined);
    if (!ex) throw notFound(`No such container: ${id}`);
    const oomKilled = await wasOomKilled(paths.persistDir(id), meta?.cgroupsPath);
    return { exitCode: ex.exitCode, oomKilled, finishedAt: ex.finishedAt };
  };

  const del = async (id: string, force = false): Promise<void> => {
    const t0 = performance.now();
    const meta = await files.meta(id);
    const cli = cliFor(meta.runtime);
    // A runc or crun container whose exit conmon recorded is deleted without spawning the
    // runtime when possible (fast-delete.ts, crun-fast.ts); otherwise, and for anything still
    // running, `runtime delete`.
    const stats = { retries: 0 };
    const root = paths.runtimeRoot(cli.binary.name);
    const conmonGone = async () => {
      // Let conmon record the exit and go away before its files are removed (it normally is gone
      // already; poll briefly at first, then every 40 ms, for at most ~2 s).
      for (let waited = 0, step = 2; waited < 2000 && (await files.conmonAlive(id)); waited += step, step = Math.min(step * 2, 40)) {
        await sleep(step);
      }
    };
    // conmon writes its exit file under a temporary name and renames it: present means complete.
    const exited = (isPlain(cli, 'runc') || isPlain(cli, 'crun')) && (await pathExists(paths.exitFile(id)).catch(() => false));
    let fast = false;
    let filesDone: Promise<void> | undefined;
    if (exited) {
      // conmon recorded the exit: the runtime's state and cgroups (runc, crun without spawning
      // them: fast-delete.ts, crun-fast.ts) and conmon's files go away side by side.
      filesDone = conmonGone().then(() => files.remove(id, meta.bundleDir));
      fast = isPlain(cli, 'runc') ? await deleteStoppedRunc(root, id, stats) : await deleteStoppedCrun(root, id, cgroupMounts, stats, meta.specFacts);
    }
    // Anything else, and anything still running, goes through `runtime delete`.
    if (!fast) {
      const r = await cli.raw('delete', force ? ['--force', id] : [id]);
      if (r.code !== 0 && !/does not exist|not found|No such file/i.test(r.stderr)) {
        if (filesDone) {
          // Keep meta.json for a later retry of this delete.
          await filesDone.catch(() => {});
          await mkdir(paths.persistDir(id), { recursive: true }).then(() => files.writeMeta(meta)).catch(() => {});
        }
        throw internal(`${cli.binary.name} delete ${id}: ${r.stderr.trim()}`);
      }
    }
    const t1 = performance.now();
    if (!filesDone) {
      await conmonGone();
      filesDone = files.remove(id, meta.bundleDir);
    }
    await filesDone;
    log.debug('runtime deleted', { id, fast, cgroupRetries: stats.retries, runtimeMs: ms(t0, t1), totalMs: ms(t0, performance.now()) });
  };

  const start = async (id: string): Promise<void> => {
    const meta = await files.meta(id);
    const cli = cliFor(meta.runtime);
    // runc and crun: release the init through its exec fifo (fifo-start.ts, crun-fast.ts);
    // anything else, or a fifo nobody waits on, goes through the runtime's own `start` for its
    // exact errors.
    if (isPlain(cli, 'runc')) {
      if (await startThroughFifo(paths.runtimeRoot(cli.binary.name), id)) return;
      log.debug('exec fifo not ready; running runtime start', { id });
    } else if (isPlain(cli, 'crun')) {
      if (await startCrunThroughFifo(paths.runtimeRoot(cli.binary.name), id, meta.specFacts)) return;
      log.debug('exec fifo not ready; running runtime start', { id });
    }
    await cli.checked('start', [id], id);
  };

  return {
    runtimes: { names: [...table.keys()], default: defaultName },
    initPath,
    create,
    start,
    async kill(id, signal, all) {
      const sig = normalizeSignal(signal);
      await (await cliOf(id)).checked('kill', all ? ['--all', id, sig] : [id, sig], id);
    },
    async pause(id) {
      await (await cliOf(id)).checked('pause', [id], id);
    },
    async resume(id) {
      await (await cliOf(id)).checked('resume', [id], id);
    },
    state,
    waitExit,
    delete: del,
    async attach(id, opts) {
      const meta = await files.meta(id);
      const stdinOnce = !!(meta.stdin && meta.stdinOnce);
      try {
        return mux.attach(id, path.join(meta.bundleDir, 'attach'), { stdin: opts.stdin && meta.stdin, stdinOnce, needsStdinOpen: stdinOnce });
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'ENOENT' || code === 'ECONNREFUSED') throw internal(`cannot attach to container ${id}: conmon is not running`, e);
        throw e;
      }
    },
    async exec(o) {
      const meta = await files.meta(o.id);
      const cli = cliFor(meta.runtime);
      if (!EXEC_ID.test(o.execId)) throw invalidArgument(`invalid exec id: ${o.execId}`);
      return startExec(
        { ...execLaunch(cli), conmonPath, native: nativeCalls, sessionDir: path.join(options.execRoot, 'execs', o.execId) },
        o,
      );
    },
    async prepareExec(o) {
      if (!EXEC_ID.test(o.execId)) return undefined;
      try {
        const cli = cliFor((await files.meta(o.id)).runtime);
        return await prepareDirectExec(
          { ...execLaunch(cli), execsDir: path.join(options.execRoot, 'execs') },
          { id: o.id, execId: o.execId, stdin: o.stdin },
          { ttlMs: o.ttlMs },
        );
      } catch {
        return undefined;
      }
    },
    async resize(id, size) {
      await writeResize((await files.meta(id)).bundleDir, id, size);
    },
    async reopenLog(id) {
      await writeReopenLog((await files.meta(id)).bundleDir, id);
    },
    async update(id, resources) {
      const meta = await files.meta(id);
      await updateResources(cliFor(meta.runtime), meta.bundleDir, id, resources, meta.cgroupsPath);
    },
    async list() {
      const out: { id: string; state: RuntimeState }[] = [];
      for (const cli of clis.values()) out.push(...(await cli.list()));
      return out;
    },
    close() {
      exits.close();
      for (const s of sealed.values()) s.release();
      for (const p of cgroupParents) removeEmptyCgroupParent(cgroupMounts, p);
    },
  };
}
