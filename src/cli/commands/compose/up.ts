/**
 * `pier compose up` and `pier compose create`: flags → UpOptions → the engine's up; then, unless
 * detached, the foreground attach (logs, Ctrl-C, abort/exit-code-from).
 */
import { up, type PullPolicy, type RecreatePolicy, type UpOptions } from '../../../compose/engine/index.js';
import type { OptSpec, ParsedOpts } from '../../spec.js';
import { UsageError } from '../../errors.js';
import { list, str } from '../common.js';
import { attachAndWait, sourcesOf } from './attach.js';
import type { SubSpec } from './types.js';

/** Flags shared by up and create. */
const COMMON: OptSpec[] = [
  { long: 'build', kind: 'bool', description: 'Build images before starting containers' },
  { long: 'force-recreate', kind: 'bool', description: "Recreate containers even if their configuration and image haven't changed" },
  { long: 'no-build', kind: 'bool', description: "Don't build an image, even if it's policy" },
  { long: 'no-recreate', kind: 'bool', description: "If containers already exist, don't recreate them. Incompatible with --force-recreate." },
  { long: 'pull', kind: 'string', description: 'Pull image before running ("always"|"missing"|"never"|"build")', helpDefault: '"policy"' },
  { long: 'quiet-pull', kind: 'bool', description: 'Pull without printing progress information' },
  { long: 'remove-orphans', kind: 'bool', description: 'Remove containers for services not defined in the Compose file' },
  { long: 'scale', kind: 'list', label: 'scale', description: 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.' },
  { long: 'yes', short: 'y', kind: 'bool', description: 'Assume "yes" as answer to all prompts and run non-interactively' },
];

/** Parses `--scale svc=N` values. Throws UsageError for a malformed one. */
export function parseScale(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    const n = Number(v.slice(i + 1));
    if (i <= 0 || !/^\d+$/.test(v.slice(i + 1)) || !Number.isSafeInteger(n)) throw new UsageError(`invalid --scale option "${v}". Should be SERVICE=NUM`);
    out[v.slice(0, i)] = n;
  }
  return out;
}

function upOptions(args: string[], o: ParsedOpts, noStart: boolean): UpOptions {
  if (o['force-recreate'] === true && o['no-recreate'] === true) throw new UsageError('--force-recreate and --no-recreate are incompatible');
  if (o.build === true && o['no-build'] === true) throw new UsageError('--build and --no-build are incompatible');
  const pull = str(o.pull);
  if (pull && !['always', 'missing', 'never', 'build', 'policy'].includes(pull)) throw new UsageError(`invalid --pull option "${pull}"`);
  const recreate: RecreatePolicy = o['force-recreate'] === true ? 'force' : o['no-recreate'] === true ? 'never' : 'diverged';
  return {
    services: args,
    noDeps: o['no-deps'] === true,
    noStart: noStart || o['no-start'] === true,
    recreate,
    removeOrphans: o['remove-orphans'] === true,
    scale: parseScale(list(o.scale)),
    build: o.build === true,
    noBuild: o['no-build'] === true,
    pull: pull && pull !== 'policy' ? (pull as PullPolicy) : undefined,
    renewAnonVolumes: o['renew-anon-volumes'] === true,
    timeout: typeof o.timeout === 'number' ? o.timeout : undefined,
    wait: o.wait === true,
    waitTimeout: typeof o['wait-timeout'] === 'number' ? o['wait-timeout'] : undefined,
  };
}

/** The up subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Create and start containers',
  options: [
    ...COMMON,
    { long: 'abort-on-container-exit', kind: 'bool', description: 'Stops all containers if any container was stopped. Incompatible with -d' },
    { long: 'always-recreate-deps', kind: 'bool', description: 'Recreate dependent containers. Incompatible with --no-recreate.' },
    { long: 'attach', kind: 'list', label: 'stringArray', description: 'Restrict attaching to the specified services. Incompatible with --attach-dependencies.' },
    { long: 'attach-dependencies', kind: 'bool', description: 'Automatically attach to log output of dependent services' },
    { long: 'detach', short: 'd', kind: 'bool', description: 'Detached mode: Run containers in the background' },
    { long: 'exit-code-from', kind: 'string', description: 'Return the exit code of the selected service container. Implies --abort-on-container-exit' },
    { long: 'no-attach', kind: 'list', label: 'stringArray', description: "Do not attach (stream logs) to the specified services" },
    { long: 'no-color', kind: 'bool', description: 'Produce monochrome output' },
    { long: 'no-deps', kind: 'bool', description: "Don't start linked services" },
    { long: 'no-log-prefix', kind: 'bool', description: "Don't print prefix in logs" },
    { long: 'no-start', kind: 'bool', description: "Don't start the services after creating them" },
    { long: 'renew-anon-volumes', short: 'V', kind: 'bool', description: 'Recreate anonymous volumes instead of retrieving data from the previous containers' },
    { long: 'timeout', short: 't', kind: 'int', description: 'Use this timeout in seconds for container shutdown when attached or when containers are already running' },
    { long: 'timestamps', kind: 'bool', description: 'Show timestamps' },
    { long: 'wait', kind: 'bool', description: 'Wait for services to be running|healthy. Implies detached mode.' },
    { long: 'wait-timeout', kind: 'int', description: 'Maximum duration in seconds to wait for the project to be running|healthy' },
  ],
  run: async (c, args, o) => {
    const detach = o.detach === true || o.wait === true;
    const exitCodeFrom = str(o['exit-code-from']);
    const abortOnExit = o['abort-on-container-exit'] === true || exitCodeFrom !== undefined;
    if (detach && abortOnExit) throw new UsageError('--abort-on-container-exit and --detach are incompatible');
    const opts = upOptions(args, o, false);
    const project = await c.project();
    if (exitCodeFrom && !project.services[exitCodeFrom]) throw new UsageError(`no such service: ${exitCodeFrom}`, { code: 1 });
    const engine = c.engine();
    // Builder output goes above the live progress view.
    opts.buildOptions = { output: (t) => engine.deps.progress.warn(t.replace(/\n$/, '')) };
    const result = await up(engine, project, opts);
    if (detach || c.globals.dryRun) return 0;
    const attachOnly = list(o.attach);
    const noAttach = new Set(list(o['no-attach']));
    const named = args.length ? args : Object.keys(project.services);
    const attached = (attachOnly.length ? attachOnly : o['attach-dependencies'] === true ? [...result.keys()] : named).filter((n) => !noAttach.has(n));
    const order = [...result.keys()].sort();
    const containers = attached.sort().flatMap((svc) => (result.get(svc) ?? []).map((t) => ({ ...t, service: svc })));
    return attachAndWait(c, engine, project, {
      sources: sourcesOf(project, containers, order),
      services: [...result.keys()],
      abortOnExit,
      exitCodeFrom,
      noColor: o['no-color'] === true,
      noPrefix: o['no-log-prefix'] === true,
      timestamps: o.timestamps === true,
      timeout: opts.timeout,
    });
  },
};

/** The create subcommand. */
export const createSub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Creates containers for a service',
  options: COMMON,
  run: async (c, args, o) => {
    const project = await c.project();
    await up(c.engine(), project, upOptions(args, o, true));
    return 0;
  },
};
