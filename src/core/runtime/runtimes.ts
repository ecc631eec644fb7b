/**
 * The table of OCI runtimes (runc, crun and daemon.json `runtimes`) and the cheap probe that
 * picks the default. crun is the default wherever it can run: on a pure cgroup v2 host, on a
 * v1 host, and on a hybrid host whose unified tree holds no controllers (every controller has
 * its v1 hierarchy; scripts/setup.sh mounts the missing ones). crun 1.8.1 refuses a hybrid host
 * whose unified tree holds controllers ("cgroups in hybrid mode not supported"): runc there.
 */
import { access, constants, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument } from '../../lib/errors.js';

/** One runtime: its executable and the global args placed before every subcommand. */
export interface RuntimeBinary {
  name: string;
  path: string;
  /** Extra global args from the daemon config. */
  runtimeArgs: string[];
}

/** Finds an executable in PATH (or checks an absolute path); undefined when absent. */
export async function findExecutable(name: string, envPath = process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'): Promise<string | undefined> {
  const candidates = name.includes('/') ? [name] : envPath.split(':').filter(Boolean).map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      if ((await stat(c)).isFile()) return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The host's cgroup layout, as far as runtime choice is concerned. */
export type CgroupLayout = 'v2' | 'hybrid' | 'v1';

/**
 * Inspects /sys/fs/cgroup: `v2` (pure unified), `hybrid` (a unified tree at `unified/` that
 * holds controllers: crun refuses that), or `v1` (v1 hierarchies, with or without an empty
 * unified tree). Never throws.
 */
export async function probeCgroupLayout(root = '/sys/fs/cgroup'): Promise<CgroupLayout> {
  try {
    await access(path.join(root, 'cgroup.controllers'));
    return 'v2';
  } catch {
    /* not unified */
  }
  try {
    const c = (await readFile(path.join(root, 'unified', 'cgroup.controllers'), 'utf8')).trim();
    return c ? 'hybrid' : 'v1';
  } catch {
    return 'v1';
  }
}

/**
 * Builds the runtime table: runc and crun when installed, plus configured extras (which
 * override built-ins of the same name). Picks the default: `defaultRuntime` when given (must be
 * in the table, else InvalidArgument), otherwise crun unless the layout is `hybrid` (crun refuses
 * it), then runc, else anything.
 * Throws InvalidArgument when no runtime is available.
 */
export async function buildRuntimeTable(
  options: { runtimes?: Record<string, { path: string; runtimeArgs?: string[] }>; defaultRuntime?: string },
  layout: CgroupLayout,
): Promise<{ table: Map<string, RuntimeBinary>; default: string }> {
  const table = new Map<string, RuntimeBinary>();
  for (const name of ['runc', 'crun']) {
    const p = await findExecutable(name);
    if (p) table.set(name, { name, path: p, runtimeArgs: [] });
  }
  for (const [name, r] of Object.entries(options.runtimes ?? {})) {
    const p = (await findExecutable(r.path)) ?? r.path;
    table.set(name, { name, path: p, runtimeArgs: r.runtimeArgs ?? [] });
  }
  if (options.defaultRuntime) {
    if (!table.has(options.defaultRuntime)) throw invalidArgument(`specified default runtime '${options.defaultRuntime}' does not exist`);
    return { table, default: options.defaultRuntime };
  }
  const order = layout === 'hybrid' ? ['runc'] : ['crun', 'runc'];
  const def = order.find((n) => table.has(n)) ?? [...table.keys()][0];
  if (!def) throw invalidArgument('no OCI runtime found (install runc or crun)');
  return { table, default: def };
}
