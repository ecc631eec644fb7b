/**
 * `pier compose [OPTIONS] COMMAND`: the compose global flags (-f, -p, --project-directory,
 * --profile, --env-file, --ansi, --progress, --parallel, --dry-run, --compatibility), then a
 * subcommand with its own flags parsed by pier's parser. Compose errors print as Docker
 * Compose prints them (the message, exit 1).
 */
import type { CommandSpec, CliContext, OptSpec, ParsedOpts } from '../../spec.js';
import { CliError, UsageError } from '../../errors.js';
import { ComposeError } from '../../../compose/model.js';
import { list, str } from '../common.js';
import { findSub, SUBCOMMANDS } from './table.js';
import { makeRun } from './run-context.js';
import type { ComposeGlobals } from './types.js';

/** The global flags of `pier compose`. */
export const GLOBAL_OPTIONS: OptSpec[] = [
  { long: 'ansi', kind: 'string', description: 'Control when to print ANSI control characters ("never"|"always"|"auto")', helpDefault: '"auto"' },
  { long: 'compatibility', kind: 'bool', description: 'Run compose in backward compatibility mode' },
  { long: 'dry-run', kind: 'bool', description: 'Execute command in dry run mode' },
  { long: 'env-file', kind: 'list', label: 'stringArray', description: 'Specify an alternate environment file' },
  { long: 'file', short: 'f', kind: 'list', label: 'stringArray', description: 'Compose configuration files' },
  { long: 'parallel', kind: 'int', description: 'Control max parallelism, -1 for unlimited', helpDefault: '-1' },
  { long: 'profile', kind: 'list', label: 'stringArray', description: 'Specify a profile to enable' },
  { long: 'progress', kind: 'string', description: 'Set type of progress output (auto, tty, plain, json, quiet)', helpDefault: '"auto"' },
  { long: 'project-directory', kind: 'string', description: 'Specify an alternate working directory\n(default: the path of the, first specified, Compose file)' },
  { long: 'project-name', short: 'p', kind: 'string', description: 'Project name' },
  { long: 'version', short: 'v', kind: 'bool', description: 'Show the Docker Compose version information', hidden: true },
];

function description(): string {
  const w = Math.max(...SUBCOMMANDS.map((s) => s.name.length)) + 2;
  return `Define and run multi-container applications with Docker\n\nCommands:\n${SUBCOMMANDS.map((s) => `  ${s.name.padEnd(w)}${s.description}`).join('\n')}`;
}

/** Reads the global flags. Throws UsageError for bad --ansi/--progress values. */
export function parseGlobals(o: ParsedOpts, env: NodeJS.ProcessEnv): ComposeGlobals {
  const ansi = str(o.ansi) ?? (env.COMPOSE_ANSI || 'auto');
  if (!['never', 'always', 'auto'].includes(ansi)) throw new UsageError(`invalid argument "${ansi}" for "--ansi" flag: must be one of never, always, auto`);
  const progress = str(o.progress) ?? (env.COMPOSE_PROGRESS || 'auto');
  if (!['auto', 'tty', 'plain', 'quiet', 'json'].includes(progress)) throw new UsageError(`unsupported --progress value "${progress}"`);
  const files = list(o.file);
  const envFiles = list(o['env-file']);
  return {
    files: files.length ? files : (env.COMPOSE_FILE ? env.COMPOSE_FILE.split(env.COMPOSE_PATH_SEPARATOR || ':').filter(Boolean) : []),
    projectName: str(o['project-name']),
    projectDirectory: str(o['project-directory']),
    profiles: list(o.profile),
    envFiles,
    ansi: ansi as ComposeGlobals['ansi'],
    progress: progress as ComposeGlobals['progress'],
    parallel: typeof o.parallel === 'number' && o.parallel > 0 ? o.parallel : undefined,
    dryRun: o['dry-run'] === true,
    compatibility: o.compatibility === true || env.COMPOSE_COMPATIBILITY === 'true',
  };
}

async function dispatch(ctx: CliContext, args: string[], o: ParsedOpts): Promise<number> {
  const [name, ...rest] = args;
  if (o.version === true && !name) return dispatch(ctx, ['version'], {});
  if (!name) {
    const { commandHelp } = await import('../../help.js');
    ctx.out(commandHelp(ctx.path, spec, []));
    return 0;
  }
  const entry = findSub(name);
  if (!entry) throw new UsageError(`unknown docker command: "compose ${name}"`);
  const path = `${ctx.path} ${name}`;
  const [{ sub }, { parseArgs }, { commandHelp, usageTail }] = await Promise.all([entry.load(), import('../../parse.js'), import('../../help.js')]);
  const asSpec: CommandSpec = { ...sub, run: async () => 0 };
  try {
    const parsed = parseArgs(path, asSpec, rest);
    if (parsed.help) {
      ctx.out(commandHelp(path, asSpec, []));
      return 0;
    }
    const a = sub.args;
    const n = parsed.args.length;
    if ((a?.exact !== undefined && n !== a.exact) || (a?.min !== undefined && n < a.min) || (a?.max !== undefined && n > a.max)) {
      const want = a.exact ?? a.min ?? a.max;
      const what = a.exact !== undefined ? `exactly ${want}` : a.min !== undefined && n < a.min ? `at least ${want}` : `at most ${want}`;
      throw new UsageError(`"${path}" requires ${what} argument${want === 1 ? '' : 's'}.`, { code: 1, verb: 'See' });
    }
    const globals = parseGlobals(o, ctx.env);
    return await sub.run(makeRun(ctx, globals, path), parsed.args, parsed.opts);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.err(`${e.message}\n${usageTail(path, sub.usage, e.verb)}`);
      return e.code;
    }
    if (e instanceof ComposeError) throw new CliError(e.message, 1);
    throw e;
  }
}

/** The compose command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] COMMAND',
  description: description(),
  options: GLOBAL_OPTIONS,
  stopAtFirstArg: true,
  run: dispatch,
};
