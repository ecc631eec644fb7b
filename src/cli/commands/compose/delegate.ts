/**
 * Compose subcommands that are a container command on a service's container: `attach`, `cp`,
 * `commit`, `export`, `stats`, `wait`. The service (and `--index`) is resolved to a container
 * name, then pier's own container command runs with the same flags.
 */
import { listProjectContainers } from '../../../compose/engine/index.js';
import { ComposeError, type Project } from '../../../compose/model.js';
import type { CommandSpec, OptSpec, ParsedOpts } from '../../spec.js';
import type { ComposeRun, SubSpec } from './types.js';
import { serviceContainer } from './run-context.js';

const INDEX: OptSpec = { long: 'index', kind: 'int', description: 'index of the container if service has multiple replicas.' };

/** The container name of `service`'s replica `index` (default 1). Throws ComposeError when there is none. */
export async function containerOfService(c: ComposeRun, project: Project, service: string, index = 1): Promise<string> {
  return (await serviceContainer(c, project, service, index)).name;
}

type Rewrite = (c: ComposeRun, project: Project, args: string[], o: ParsedOpts) => Promise<string[]>;

function delegate(load: () => Promise<{ spec: CommandSpec }>, base: Omit<SubSpec, 'run' | 'options'> & { options: OptSpec[] }, rewrite: Rewrite): SubSpec {
  return {
    ...base,
    run: async (c, args, o) => {
      const { spec } = await load();
      const project = await c.projectOrName();
      const rest: ParsedOpts = { ...o };
      delete rest.index;
      return spec.run(c.ctx, await rewrite(c, project, args, o), rest);
    },
  };
}

const idx = (o: ParsedOpts) => (typeof o.index === 'number' ? o.index : 1);
const first: Rewrite = async (c, p, [svc, ...rest], o) => [await containerOfService(c, p, svc!, idx(o)), ...rest];

/** attach. */
export const attachSub = delegate(() => import('../container/attach.js'), {
  usage: '[OPTIONS] SERVICE',
  description: "Attach local standard input, output, and error streams to a service's running container",
  options: [
    { long: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching from a container.' },
    INDEX,
    { long: 'no-stdin', kind: 'bool', description: 'Do not attach STDIN' },
    { long: 'sig-proxy', kind: 'bool', description: 'Proxy all received signals to the process', helpDefault: 'true' },
  ],
  args: { exact: 1 },
}, first);

/** commit. */
export const commitSub = delegate(() => import('../container/commit.js'), {
  usage: '[OPTIONS] SERVICE [REPOSITORY[:TAG]]',
  description: "Create a new image from a service container's changes",
  options: [
    { long: 'author', short: 'a', kind: 'string', description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { long: 'change', short: 'c', kind: 'list', description: 'Apply Dockerfile instruction to the created image' },
    INDEX,
    { long: 'message', short: 'm', kind: 'string', description: 'Commit message' },
    { long: 'pause', short: 'p', kind: 'bool', description: 'Pause container during commit', helpDefault: 'true' },
  ],
  args: { min: 1, max: 2 },
}, first);

/** export. */
export const exportSub = delegate(() => import('../container/export.js'), {
  usage: '[OPTIONS] SERVICE',
  description: "Export a service container's filesystem as a tar archive",
  options: [INDEX, { long: 'output', short: 'o', kind: 'string', description: 'Write to a file, instead of STDOUT' }],
  args: { exact: 1 },
}, first);

/** cp: `SERVICE:SRC DEST` or `SRC SERVICE:DEST`. */
export const cpSub = delegate(() => import('../container/cp.js'), {
  usage: '[OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\tpier compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH',
  description: 'Copy files/folders between a service container and the local filesystem',
  options: [
    { long: 'all', kind: 'bool', description: 'Include containers created by the run command', hidden: true },
    { long: 'archive', short: 'a', kind: 'bool', description: 'Archive mode (copy all uid/gid information)' },
    { long: 'follow-link', short: 'L', kind: 'bool', description: 'Always follow symbol link in SRC_PATH' },
    INDEX,
  ],
  args: { exact: 2 },
}, async (c, p, args, o) => Promise.all(args.map(async (a) => {
  const i = a.indexOf(':');
  if (i <= 0 || a.startsWith('/') || a.startsWith('.')) return a;
  return `${await containerOfService(c, p, a.slice(0, i), idx(o))}:${a.slice(i + 1)}`;
})));

/** stats: one row per container of the named (or all) services. */
export const statsSub = delegate(() => import('../container/stats.js'), {
  usage: '[OPTIONS] [SERVICE]',
  description: 'Display a live stream of container(s) resource usage statistics',
  options: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all containers (default shows just running)' },
    { long: 'format', kind: 'string', description: 'Format output using a custom template' },
    { long: 'no-stream', kind: 'bool', description: 'Disable streaming stats and only pull the first result' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
  ],
  args: { max: 1 },
}, async (c, p, args, o) => {
  const cs = await listProjectContainers(c.ctx.client(), p.name, { service: args[0] });
  return cs.filter((x) => o.all === true || x.state === 'running').map((x) => x.name);
});

/** wait: blocks until the services' containers stop, printing their exit codes. */
export const waitSub = delegate(() => import('../container/wait.js'), {
  usage: 'SERVICE [SERVICE...] [OPTIONS]',
  description: 'Block until containers of all (or specified) services stop.',
  options: [],
  args: { min: 1 },
}, async (c, p, args) => {
  const cs = await listProjectContainers(c.ctx.client(), p.name);
  const names = cs.filter((x) => args.includes(x.service)).map((x) => x.name);
  if (!names.length) throw new ComposeError(`no containers for services ${args.join(', ')}`);
  return names;
});
