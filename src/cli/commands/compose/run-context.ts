/**
 * Builds what a compose subcommand runs with: the project loader (the loader's LoadOptions from
 * the global flags, cached), the name-only project for file-less commands, and the engine
 * context with a progress printer on stderr.
 */
import { loadProject } from '../../../compose/loader/index.js';
import { ComposeError, type Project } from '../../../compose/model.js';
import { createProgress, limitClient, listProjectContainers, type Ctx, type ObservedContainer } from '../../../compose/engine/index.js';
import type { CliContext } from '../../spec.js';
import type { ComposeGlobals, ComposeRun } from './types.js';

async function readStdin(ctx: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** An empty project named `name` (commands that work from labels alone). Never throws. */
export function emptyProject(name: string, cwd: string): Project {
  return { name, workingDir: cwd, configFiles: [], services: {}, disabledServices: {}, networks: {}, volumes: {}, secrets: {}, configs: {}, environment: {}, profiles: [] };
}

/**
 * Whether `name` can be a service of `project`: one it declares (enabled or not), or any name
 * when there is no file (a label-only project). Never throws.
 */
export function isKnownService(project: Project, name: string): boolean {
  return !project.configFiles.length || !!project.services[name] || !!project.disabledServices[name];
}

/**
 * The container of `service`'s replica `index` (only running ones with `running`). Throws
 * ComposeError "no such service", or "service … is not running [container #N]".
 */
export async function serviceContainer(c: ComposeRun, project: Project, service: string, index: number, running = false): Promise<ObservedContainer> {
  if (!isKnownService(project, service)) throw new ComposeError(`no such service: ${service}`);
  let cs = await listProjectContainers(c.ctx.client(), project.name, { service });
  if (running) cs = cs.filter((x) => x.state === 'running');
  const found = cs.find((x) => x.number === index);
  if (!found) throw new ComposeError(running && !cs.length ? `service "${service}" is not running` : `service "${service}" is not running container #${index}`);
  return found;
}

/** Creates the run context of a subcommand. Never throws. */
export function makeRun(ctx: CliContext, globals: ComposeGlobals, path: string): ComposeRun {
  let cached: Promise<Project> | undefined;
  const project = () =>
    (cached ??= loadProject({
      files: globals.files,
      projectDirectory: globals.projectDirectory,
      projectName: globals.projectName,
      profiles: globals.profiles,
      envFiles: globals.envFiles,
      cwd: process.cwd(),
      env: ctx.env,
      readStdin: () => readStdin(ctx),
      // Compose v2 prints the loader's warnings (unset variables, obsolete `version`) this way.
      warn: (m: string) => ctx.err(`WARN[0000] ${m}\n`),
    }));
  const stderrTty = ctx.io.stderr.isTTY === true;
  const color = () => globals.ansi === 'always' || (globals.ansi === 'auto' && ctx.io.stdout.isTTY === true && !ctx.env.NO_COLOR);
  return {
    ctx,
    globals,
    path,
    project,
    async projectOrName() {
      try {
        return await project();
      } catch (e) {
        const name = globals.projectName ?? ctx.env.COMPOSE_PROJECT_NAME;
        if (name && !globals.files.length && e instanceof ComposeError && /no configuration file|not found/i.test(e.message)) return emptyProject(name, process.cwd());
        throw e;
      }
    },
    engine(opts = {}): Ctx {
      const mode = opts.quiet || globals.progress === 'quiet' ? 'quiet' : globals.progress === 'tty' || (globals.progress === 'auto' && stderrTty && globals.ansi !== 'never') ? 'tty' : 'plain';
      const rows = (ctx.io.stderr as { rows?: number }).rows;
      const progress = createProgress({ write: (t) => ctx.err(t), mode, rows, color: globals.ansi === 'always' || (globals.ansi === 'auto' && stderrTty) });
      return { deps: { client: limitClient(ctx.client(), globals.parallel), progress }, options: { compatibility: globals.compatibility, dryRun: globals.dryRun } };
    },
    color,
  };
}
