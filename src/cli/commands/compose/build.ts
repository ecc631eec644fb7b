/** `pier compose build|pull|push`: service images through POST /build, /images/create and push. */
import { buildServices, pullImage, pushImage, selectServices, serviceImage, dependenciesOf, parallel, type Ctx } from '../../../compose/engine/index.js';
import type { Project, ServiceConfig } from '../../../compose/model.js';
import { describeError } from '../../describe.js';
import { StatusError } from '../../errors.js';
import { list } from '../common.js';
import type { ComposeRun, SubSpec } from './types.js';

/** `--build-arg` values as a map (a bare KEY takes the environment's value). Never throws. */
function buildArgs(env: NodeJS.ProcessEnv, values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i >= 0) out[v.slice(0, i)] = v.slice(i + 1);
    else if (env[v] !== undefined) out[v] = env[v]!;
  }
  return out;
}

/** The build subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Build or rebuild services',
  options: [
    { long: 'build-arg', kind: 'list', label: 'stringArray', description: 'Set build-time variables for services' },
    { long: 'no-cache', kind: 'bool', description: 'Do not use cache when building the image' },
    { long: 'pull', kind: 'bool', description: 'Always attempt to pull a newer version of the image' },
    { long: 'quiet', short: 'q', kind: 'bool', description: "Don't print anything to STDOUT" },
    { long: 'with-dependencies', kind: 'bool', description: 'Also build dependencies (transitively)' },
  ],
  run: async (c, args, o) => {
    const quiet = o.quiet === true;
    const { project, engine, names } = await selection(c, args, quiet, o['with-dependencies'] === true);
    await buildServices(engine, project, names, { noCache: o['no-cache'] === true, pull: o.pull === true, quiet, args: buildArgs(c.ctx.env, list(o['build-arg'])), output: (t) => c.ctx.err(t) });
    return 0;
  },
};

/**
 * What build, pull and push work on: the project, an engine context, and the services named in
 * `args` (all when none) plus, with `deps`, their dependencies. Throws ComposeError (loading,
 * unknown service).
 */
async function selection(c: ComposeRun, args: string[], quiet: boolean, deps: boolean): Promise<{ project: Project; engine: Ctx; names: string[]; service(name: string): ServiceConfig }> {
  const project = await c.project();
  const names = withDeps(project, selectServices(project, args), deps);
  return { project, engine: c.engine({ quiet }), names, service: (n) => project.services[n] ?? project.disabledServices[n]! };
}

function withDeps(project: Project, names: string[], include: boolean): string[] {
  if (!include) return names;
  const out = new Set<string>();
  const add = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    const s = project.services[n];
    if (s) for (const d of dependenciesOf(s)) add(d);
  };
  names.forEach(add);
  return [...out];
}

/** The pull subcommand. */
export const pullSub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Pull service images',
  options: [
    { long: 'ignore-buildable', kind: 'bool', description: 'Ignore images that can be built' },
    { long: 'ignore-pull-failures', kind: 'bool', description: 'Pull what it can and ignores images with pull failures' },
    { long: 'include-deps', kind: 'bool', description: 'Also pull services declared as dependencies' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Pull without printing progress information' },
  ],
  run: async (c, args, o) => {
    const { engine, names, service } = await selection(c, args, o.quiet === true, o['include-deps'] === true);
    let failed = false;
    await parallel(names, async (n) => {
      const s = service(n);
      if (!s.image || (s.build && o['ignore-buildable'] === true)) return;
      try {
        await pullImage(engine, s.image, n);
      } catch (e) {
        if (o['ignore-pull-failures'] !== true && !s.build) {
          failed = true;
          c.ctx.err(`${describeError(e)}\n`);
        }
      }
    });
    if (failed) throw new StatusError(1);
    return 0;
  },
};

/** The push subcommand. */
export const pushSub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Push service images',
  options: [
    { long: 'ignore-push-failures', kind: 'bool', description: 'Push what it can and ignores images with push failures' },
    { long: 'include-deps', kind: 'bool', description: 'Also push images of services declared as dependencies' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Push without printing progress information' },
  ],
  run: async (c, args, o) => {
    const { project, engine, names, service } = await selection(c, args, o.quiet === true, o['include-deps'] === true);
    for (const n of names) {
      const s = service(n);
      if (!s.build && !s.image) continue;
      if (!s.image) continue;
      try {
        await pushImage(engine, serviceImage(project, s, c.globals.compatibility), n);
      } catch (e) {
        if (o['ignore-push-failures'] !== true) throw e;
      }
    }
    return 0;
  },
};
