/**
 * Parses one command's arguments exactly as docker's pflag does: bundled shorts (`-dit`),
 * `--flag=value` and `--flag value`, `-e=VALUE` and `-eVALUE`, repeatable flags,
 * `--bool=false`, `--`, flags after positionals (interspersed) and, for run/create/exec,
 * everything after the first positional is the container's command. A small hand-written parser
 * (no commander): it is on every command's start-up path.
 */
import type { CommandSpec, OptSpec, ParsedOpts } from './spec.js';
import { UsageError } from './errors.js';

/** Result of parsing: positionals, flags, and whether help was asked for. */
export interface ParseResult {
  args: string[];
  opts: ParsedOpts;
  help: boolean;
}

const TRUE = new Set(['true', '1', 't', 'TRUE', 'True', 'T']);
const FALSE = new Set(['false', '0', 'f', 'FALSE', 'False', 'F']);

/** The options of a spec plus the implicit --help (and -h unless taken). */
export function withHelp(options: OptSpec[]): OptSpec[] {
  const hTaken = options.some((o) => o.short === 'h');
  // docker lists `--help` only when -h means something else (run/create: --hostname).
  return [...options, { long: 'help', short: hTaken ? undefined : 'h', kind: 'bool', description: 'Print usage', hidden: !hTaken }];
}

/** "-m, --memory" or "--name" as pflag prints it in errors. */
export function flagTitle(o: OptSpec): string {
  return o.short ? `-${o.short}, --${o.long}` : `--${o.long}`;
}

/** docker's error for a `--filter` value without '=', naming the flag as the command defines it. */
export function badFilter(value: string, o: OptSpec): string {
  return `invalid argument "${value}" for "${flagTitle(o)}" flag: bad format of filter (expected name=value)`;
}

/** Stores one flag value in `opts` by its kind. Throws UsageError for a bad bool or int. */
function store(opts: ParsedOpts, o: OptSpec, value: string | undefined): void {
  if (o.kind === 'bool') {
    if (value === undefined || TRUE.has(value)) opts[o.long] = true;
    else if (FALSE.has(value)) opts[o.long] = false;
    else throw new UsageError(`invalid argument "${value}" for "${flagTitle(o)}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
    return;
  }
  const v = value ?? '';
  if (o.kind === 'list') {
    // docker's filter flags check `name=value` while parsing (before any prompt or request).
    if (o.label === 'filter' && v !== '' && !v.includes('=')) throw new UsageError(badFilter(v, o));
    const prev = opts[o.long] as string[] | undefined;
    opts[o.long] = prev ? [...prev, v] : [v];
  } else if (o.kind === 'int') {
    const m = /^([+-]?)(?:0x([0-9a-f]+)|(\d+))$/i.exec(v);
    const num = m ? (m[1] === '-' ? -1 : 1) * (m[2] !== undefined ? parseInt(m[2], 16) : Number(m[3])) : NaN;
    if (!Number.isSafeInteger(num)) throw new UsageError(`invalid argument "${v}" for "${flagTitle(o)}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    opts[o.long] = num;
  } else opts[o.long] = v;
}

/**
 * Parses `argv` (the words after the command) against `spec`. Throws UsageError (exit 125) for
 * unknown flags, missing values, bad booleans or integers and `filter`-labelled values without
 * '=', worded like pflag and docker.
 */
export function parseArgs(_name: string, spec: CommandSpec, argv: string[]): ParseResult {
  const options = withHelp(spec.options);
  const byLong = new Map<string, OptSpec>();
  const byShort = new Map<string, OptSpec>();
  for (const o of options) {
    byLong.set(o.long, o);
    if (o.short) byShort.set(o.short, o);
  }
  const opts: ParsedOpts = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const o = byLong.get(name);
      if (!o) throw new UsageError(name === '' || name.startsWith('-') ? `bad flag syntax: ${a}` : `unknown flag: --${name}`);
      if (eq > 0) store(opts, o, a.slice(eq + 1));
      else if (o.kind === 'bool') store(opts, o, undefined);
      else if (i + 1 < argv.length) store(opts, o, argv[++i]);
      else throw new UsageError(`flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let rest = a.slice(1);
      while (rest.length) {
        const c = rest[0]!;
        const o = byShort.get(c);
        if (!o) throw new UsageError(`unknown shorthand flag: '${c}' in -${rest}`);
        if (rest[1] === '=') {
          store(opts, o, rest.slice(2));
          break;
        }
        if (o.kind === 'bool') {
          store(opts, o, undefined);
          rest = rest.slice(1);
          continue;
        }
        if (rest.length > 1) store(opts, o, rest.slice(1));
        else if (i + 1 < argv.length) store(opts, o, argv[++i]);
        else throw new UsageError(`flag needs an argument: '${c}' in -${rest}`);
        break;
      }
      continue;
    }
    args.push(a);
    if (spec.stopAtFirstArg) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  const help = opts.help === true;
  delete opts.help;
  return { args, opts, help };
}
