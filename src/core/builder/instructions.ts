/**
 * Typed Dockerfile instructions from parser nodes: argument shapes (JSON exec form vs shell
 * form, name=value pairs with the legacy `ENV k v` form, whitespace-separated words), allowed
 * flags per instruction, and Docker's messages for bad input (prefixed with the line number).
 */
import type { Heredoc, Node } from './parser.js';
import { parseError, splitWords } from './parser.js';
import { parseDurationNs } from '../../lib/units.js';

/** A command in exec (JSON) or shell form. */
export interface CommandForm {
  /** True for the shell form (`args` then has one element, the command string). */
  shell: boolean;
  args: string[];
}

/** Healthcheck options as written (durations in nanoseconds). */
export interface HealthSpec {
  test: string[];
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

/** One instruction with its parsed arguments; `node` carries line numbers and the original text. */
export type Instruction = { node: Node } & (
  | { kind: 'from'; image: string; stageName?: string; platform?: string }
  | { kind: 'run'; cmd: CommandForm; network?: string; mounts: string[]; heredocs: Heredoc[] }
  | { kind: 'cmd' | 'entrypoint' | 'shell'; cmd: CommandForm }
  | { kind: 'env' | 'label'; pairs: [string, string][] }
  | { kind: 'arg'; args: { name: string; value?: string }[] }
  | { kind: 'maintainer' | 'workdir' | 'user' | 'stopsignal'; value: string }
  | { kind: 'expose' | 'volume'; values: string[] }
  | { kind: 'copy' | 'add'; sources: string[]; dest: string; from?: string; chown?: string; chmod?: string; link: boolean; heredocs: Heredoc[] }
  | { kind: 'healthcheck'; health: HealthSpec }
  | { kind: 'onbuild'; expression: string }
);

const FLAGS: Record<string, string[]> = {
  from: ['platform'],
  run: ['mount', 'network'],
  copy: ['from', 'chown', 'chmod', 'link'],
  add: ['chown', 'chmod', 'link'],
  healthcheck: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

/** Parses `--name=value` flags against the allowed set. Throws with Docker's "Unknown flag". */
function parseFlags(n: Node): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const allowed = FLAGS[n.cmd] ?? [];
  for (const f of n.flags) {
    if (f === '--') break;
    const m = /^--([^=]+)(?:=([\s\S]*))?$/.exec(f)!;
    const name = m[1]!;
    if (!allowed.includes(name)) throw parseError(n.startLine, `Unknown flag: ${name}`);
    const list = out.get(name) ?? [];
    list.push(m[2] ?? 'true');
    out.set(name, list);
  }
  return out;
}

/** JSON array of strings, or undefined when `rest` is not one. */
function jsonArray(rest: string): string[] | undefined {
  if (!rest.trimStart().startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    /* shell form */
  }
  return undefined;
}

function commandForm(rest: string): CommandForm {
  const j = jsonArray(rest);
  return j ? { shell: false, args: j } : { shell: true, args: [rest] };
}

function nameVal(n: Node, escape: string, kw: string): [string, string][] {
  const words = splitWords(n.rest, escape);
  if (words.length === 0) throw parseError(n.startLine, `${kw} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]+)$/.exec(n.rest.trim());
    if (!m) throw parseError(n.startLine, `${kw} must have two arguments`);
    return [[m[1]!, m[2]!.trim()]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i < 0) throw parseError(n.startLine, `Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (i === 0) throw parseError(n.startLine, `${kw} names can not be blank`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

function health(n: Node, flags: Map<string, string[]>): HealthSpec {
  const words = n.rest.trim();
  const first = /^(\S+)\s*([\s\S]*)$/.exec(words);
  if (!first) throw parseError(n.startLine, 'HEALTHCHECK requires at least one argument');
  const typ = first[1]!.toUpperCase();
  if (typ === 'NONE') {
    if (first[2] !== '') throw parseError(n.startLine, 'HEALTHCHECK NONE takes no arguments');
    return { test: ['NONE'] };
  }
  if (typ !== 'CMD') throw parseError(n.startLine, `Unknown type "${typ}" in HEALTHCHECK (try CMD)`);
  const c = commandForm(first[2]!);
  const h: HealthSpec = { test: c.shell ? ['CMD-SHELL', c.args[0]!] : ['CMD', ...c.args] };
  const dur = (name: string): number | undefined => {
    const v = flags.get(name)?.at(-1);
    if (v === undefined) return undefined;
    let d: number;
    try {
      d = parseDurationNs(v);
    } catch (e) {
      throw parseError(n.startLine, (e as Error).message);
    }
    if (d !== 0 && d < 1e6) throw parseError(n.startLine, `Interval "${name}" cannot be less than 1ms`);
    return d;
  };
  h.interval = dur('interval');
  h.timeout = dur('timeout');
  h.startPeriod = dur('start-period');
  h.startInterval = dur('start-interval');
  const r = flags.get('retries')?.at(-1);
  if (r !== undefined) {
    const v = Number(r);
    if (!Number.isInteger(v)) throw parseError(n.startLine, `strconv.ParseInt: parsing "${r}": invalid syntax`);
    if (v < 0) throw parseError(n.startLine, '--retries cannot be negative');
    h.retries = v;
  }
  return h;
}

/**
 * Turns a node into an instruction. Throws InvalidArgument with the line number for an
 * unknown instruction or flag, a wrong argument count, or a malformed form.
 */
export function toInstruction(n: Node, escape: string): Instruction {
  const flags = parseFlags(n);
  const kw = n.cmdRaw.toUpperCase();
  const words = () => splitWords(n.rest, escape);
  const exactlyOne = () => {
    const w = words();
    if (w.length !== 1) throw parseError(n.startLine, `${kw} requires exactly one argument`);
    return w[0]!;
  };
  switch (n.cmd) {
    case 'from': {
      const w = words();
      if (w.length !== 1 && !(w.length === 3 && w[1]!.toLowerCase() === 'as')) throw parseError(n.startLine, 'FROM requires either one or three arguments');
      const stageName = w[2]?.toLowerCase();
      if (stageName !== undefined && !/^[a-z][a-z0-9-_.]*$/.test(stageName)) throw parseError(n.startLine, `invalid name for build stage: "${w[2]}", name can't start with a number or contain symbols`);
      return { node: n, kind: 'from', image: w[0]!, stageName, platform: flags.get('platform')?.at(-1) };
    }
    case 'run':
      if (n.rest.trim() === '') throw parseError(n.startLine, 'RUN requires at least one argument');
      // BuildKit's RUN --network: default (the build's network), none or host; checked unexpanded, as BuildKit.
      if (flags.has('network') && !['default', 'none', 'host'].includes(flags.get('network')!.at(-1)!)) throw parseError(n.startLine, `invalid network mode "${flags.get('network')!.at(-1)}"`);
      return { node: n, kind: 'run', cmd: commandForm(n.rest), network: flags.get('network')?.at(-1), mounts: flags.get('mount') ?? [], heredocs: n.heredocs };
    case 'cmd':
    case 'entrypoint':
      return { node: n, kind: n.cmd, cmd: commandForm(n.rest) };
    case 'shell': {
      const j = jsonArray(n.rest);
      if (!j) throw parseError(n.startLine, 'SHELL requires the arguments to be in JSON form');
      if (j.length === 0) throw parseError(n.startLine, 'SHELL requires at least one argument');
      return { node: n, kind: 'shell', cmd: { shell: false, args: j } };
    }
    case 'env':
    case 'label':
      return { node: n, kind: n.cmd, pairs: nameVal(n, escape, kw) };
    case 'arg': {
      const w = words();
      if (w.length === 0) throw parseError(n.startLine, 'ARG requires exactly one argument');
      return {
        node: n,
        kind: 'arg',
        args: w.map((x) => {
          const i = x.indexOf('=');
          return i < 0 ? { name: x } : { name: x.slice(0, i), value: x.slice(i + 1) };
        }),
      };
    }
    case 'maintainer':
      if (n.rest.trim() === '') throw parseError(n.startLine, 'MAINTAINER requires exactly one argument');
      return { node: n, kind: 'maintainer', value: n.rest.trim() };
    case 'workdir':
    case 'user':
    case 'stopsignal':
      return { node: n, kind: n.cmd, value: exactlyOne() };
    case 'expose': {
      const w = words();
      if (w.length === 0) throw parseError(n.startLine, 'EXPOSE requires at least one argument');
      return { node: n, kind: 'expose', values: w };
    }
    case 'volume': {
      const j = jsonArray(n.rest);
      const w = j ?? words();
      if (w.length === 0) throw parseError(n.startLine, 'VOLUME requires at least one argument');
      return { node: n, kind: 'volume', values: w };
    }
    case 'copy':
    case 'add': {
      const j = jsonArray(n.rest);
      const w = j ?? words();
      const needed = n.heredocs.length > 0 ? 1 : 2;
      if (w.length < needed) throw parseError(n.startLine, `${kw} requires at least two arguments, but only one was provided. Destination could not be determined.`);
      if (n.cmd === 'add' && flags.has('from')) throw parseError(n.startLine, 'Unknown flag: from');
      return {
        node: n,
        kind: n.cmd,
        sources: w.slice(0, -1),
        dest: w.at(-1)!,
        from: flags.get('from')?.at(-1),
        chown: flags.get('chown')?.at(-1),
        chmod: flags.get('chmod')?.at(-1),
        link: flags.has('link') && flags.get('link')!.at(-1) !== 'false',
        heredocs: n.heredocs,
      };
    }
    case 'healthcheck':
      return { node: n, kind: 'healthcheck', health: health(n, flags) };
    case 'onbuild': {
      const e = n.rest.trim();
      if (e === '') throw parseError(n.startLine, 'ONBUILD requires at least one argument');
      const first = e.split(/\s+/)[0]!.toUpperCase();
      if (first === 'ONBUILD') throw parseError(n.startLine, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (first === 'FROM' || first === 'MAINTAINER') throw parseError(n.startLine, `${first} isn't allowed as an ONBUILD trigger`);
      return { node: n, kind: 'onbuild', expression: e };
    }
    default:
      throw parseError(n.startLine, `unknown instruction: ${kw}`);
  }
}
