/**
 * The `pier` program: global flags, dispatch to a command (loaded lazily), help, and turning
 * errors into docker's messages and exit codes. `runCli` never throws; it resolves with the
 * exit code.
 */
import type { EngineClient } from '../client/index.js';
import { aliasesOf, findInGroup, findTop, GROUPS, type CommandEntry } from './registry.js';
import type { CliContext, CliIO, CommandSpec, GlobalOptions } from './spec.js';
import { CliError, StatusError, UsageError } from './errors.js';
import { CLI_VERSION } from './version.js';

const PROG = 'pier';

/** Dependencies of runCli. */
export interface AppDeps {
  io: CliIO;
  env: NodeJS.ProcessEnv;
}

interface GlobalParse {
  globals: GlobalOptions;
  rest: string[];
  version: boolean;
  help: boolean;
}

const VALUE_GLOBALS: Record<string, keyof GlobalOptions | 'tls'> = {
  '-H': 'host', '--host': 'host', '-l': 'logLevel', '--log-level': 'logLevel', '--config': 'config', '-c': 'context', '--context': 'context',
  '--tlscacert': 'tls', '--tlscert': 'tls', '--tlskey': 'tls',
};

/** Splits the global flags (before the command) from the rest. Throws UsageError for unknown ones. */
export function parseGlobals(argv: string[]): GlobalParse {
  const globals: GlobalOptions = { debug: false };
  let version = false;
  let help = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--') { i++; break; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const key = VALUE_GLOBALS[name];
    if (key) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`flag needs an argument: ${name.startsWith('--') ? name : `'${name[1]}' in ${name}`}`);
      if (key !== 'tls') (globals as unknown as Record<string, string>)[key] = v;
      continue;
    }
    if (name === '-D' || name === '--debug') globals.debug = true;
    else if (name === '-v' || name === '--version') version = true;
    else if (name === '-h' || name === '--help') help = true;
    else if (name === '--tls' || name === '--tlsverify') continue;
    else if (name.startsWith('--')) throw new UsageError(`unknown flag: ${name}`);
    else throw new UsageError(`unknown shorthand flag: '${name[1]}' in ${name}`);
  }
  return { globals, rest: argv.slice(i), version, help };
}

function makeContext(deps: AppDeps, globals: GlobalOptions, path: string, usage: string, cleanups: (() => void)[], createClient: typeof import('../client/index.js').createClient): CliContext {
  let client: EngineClient | undefined;
  return {
    io: deps.io,
    env: deps.env,
    globals,
    prog: PROG,
    path,
    usage,
    client: () => (client ??= createClient({ env: deps.env }, { host: globals.host, userAgent: `Pier-Client/${CLI_VERSION}` })),
    out: (t) => void deps.io.stdout.write(t),
    err: (t) => void deps.io.stderr.write(t),
    onExit: (fn) => void cleanups.push(fn),
  };
}

/**
 * docker 28's wording for a wrong argument count (cobra's positional-args checks in docker/cli):
 * the message after "pier: " and the word before "'pier x --help'". After `requires at most N` docker 28.2
 * prints "SRun" (sic; measured with the real CLI), and so does pier. Undefined when `n` fits.
 */
export function argCountError(path: string, a: CommandSpec['args'], n: number): { message: string; verb: string } | undefined {
  if (!a) return undefined;
  const plural = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
  if (a.exact !== undefined) return n === a.exact ? undefined : { message: `'${path}' requires ${plural(a.exact)}`, verb: 'Run' };
  if (a.min !== undefined && a.max !== undefined) {
    if (n >= a.min && n <= a.max) return undefined;
    return { message: `'${path}' requires at least ${a.min} and at most ${plural(a.max)}`, verb: 'Run' };
  }
  if (a.min !== undefined && n < a.min) return { message: `'${path}' requires at least ${plural(a.min)}`, verb: 'See' };
  if (a.max === 0 && n > 0) return { message: `'${path}' accepts no arguments`, verb: 'Run' };
  if (a.max !== undefined && n > a.max) return { message: `'${path}' requires at most ${plural(a.max)}`, verb: 'SRun' };
  return undefined;
}

async function dispatch(deps: AppDeps, g: GlobalParse, cleanups: (() => void)[]): Promise<number> {
  const { io } = deps;
  const [first, ...rest] = g.rest;
  if (g.version && !first) {
    io.stdout.write(`Pier version ${CLI_VERSION}, build pier\n`);
    return 0;
  }
  if (!first || (g.help && !first)) {
    const { rootHelp } = await import('./root-help.js');
    io.stdout.write(rootHelp(PROG));
    return 0;
  }
  let entry: CommandEntry | undefined;
  let path: string;
  let argv: string[];
  if (GROUPS.some((x) => x.name === first)) {
    const [verb, ...more] = rest;
    if (!verb || verb === '--help' || verb === '-h') {
      const { groupHelp } = await import('./root-help.js');
      io.stdout.write(groupHelp(PROG, first));
      return 0;
    }
    entry = findInGroup(first, verb);
    if (!entry) {
      io.stderr.write(`${PROG}: unknown command: ${PROG} ${first} ${verb}\n\nUsage:  ${PROG} ${first}${first === 'volume' ? ' COMMAND' : ''}\n\nRun '${PROG} ${first} --help' for more information\n`);
      return 1;
    }
    // docker names a command by its canonical name even when reached through an alias
    // (`network list` → usage and errors say `network ls`).
    path = `${PROG} ${first} ${entry.name}`;
    argv = more;
  } else {
    if (first === 'help') {
      if (rest.length) return dispatch(deps, { ...g, rest: [...rest, '--help'] }, cleanups);
      const { rootHelp } = await import('./root-help.js');
      io.stdout.write(rootHelp(PROG));
      return 0;
    }
    entry = findTop(first);
    if (!entry) {
      io.stderr.write(`${PROG}: unknown command: ${PROG} ${first}\n\nRun '${PROG} --help' for more information\n`);
      return 1;
    }
    path = `${PROG} ${first}`;
    argv = rest;
  }
  const [{ spec }, { parseArgs }, { commandHelp, usageTail }, { createClient }] = await Promise.all([
    entry.load(), import('./parse.js'), import('./help.js'), import('../client/index.js'),
  ]);
  const ctx = makeContext(deps, g.globals, path, `${path} ${spec.usage}`, cleanups, createClient);
  try {
    const parsed = parseArgs(path, spec, argv);
    if (parsed.help || g.help) {
      io.stdout.write(commandHelp(path, spec, aliasesOf(PROG, entry)));
      return 0;
    }
    const bad = argCountError(path, spec.args, parsed.args.length);
    if (bad) {
      io.stderr.write(`${PROG}: ${bad.message}\n${usageTail(path, spec.usage, bad.verb)}`);
      return 1;
    }
    return await spec.run(ctx, parsed.args, parsed.opts);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${e.prefixed ? `${PROG}: ` : ''}${e.message}\n${usageTail(path, spec.usage, e.verb)}`);
      return e.code;
    }
    throw e;
  }
}

/** Runs `pier` with `argv` (without node and script). Resolves with the exit code; never throws. */
export async function runCli(argv: string[], deps: AppDeps): Promise<number> {
  const cleanups: (() => void)[] = [];
  try {
    const g = parseGlobals(argv);
    return await dispatch(deps, g, cleanups);
  } catch (e) {
    if (e instanceof StatusError) {
      if (e.message) deps.io.stderr.write(`${e.message}\n`);
      return e.code;
    }
    if (e instanceof UsageError) {
      deps.io.stderr.write(`${e.message}\n\nUsage:  ${PROG} [OPTIONS] COMMAND [ARG...]\n\nRun '${PROG} --help' for more information\n`);
      return e.code;
    }
    if (e instanceof CliError) {
      deps.io.stderr.write(`${e.message}\n`);
      return e.code;
    }
    const { describeError } = await import('./describe.js');
    deps.io.stderr.write(`${describeError(e)}\n`);
    return 1;
  } finally {
    for (const fn of cleanups.reverse()) {
      try { fn(); } catch { /* best effort */ }
    }
  }
}
