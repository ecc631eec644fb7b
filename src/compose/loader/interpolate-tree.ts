/**
 * Interpolates every string value of a parsed compose file (keys are left alone) and casts the
 * values Compose types after interpolation (`replicas: ${N}` → a number, `tty: ${T}` → a
 * boolean), so that schema validation sees the types the file meant.
 */
import { ComposeError } from '../model.js';
import { InvalidTemplateError, type Lookup, substitute } from './interpolate.js';
import type { KeyPath } from './key-path.js';

type Cast = 'int' | 'float' | 'bool';

/** Key-path patterns (`*` = any key or index) and the type their strings are cast to. */
const CASTS: [string[], Cast][] = [
  [['services', '*', 'configs', '*', 'mode'], 'int'],
  [['services', '*', 'secrets', '*', 'mode'], 'int'],
  [['services', '*', 'cpus'], 'float'],
  [['services', '*', 'cpu_count'], 'int'],
  [['services', '*', 'cpu_percent'], 'float'],
  [['services', '*', 'cpu_shares'], 'int'],
  [['services', '*', 'init'], 'bool'],
  [['services', '*', 'deploy', 'replicas'], 'int'],
  [['services', '*', 'deploy', 'restart_policy', 'max_attempts'], 'int'],
  [['services', '*', 'deploy', 'resources', '*', 'pids'], 'int'],
  [['services', '*', 'healthcheck', 'retries'], 'int'],
  [['services', '*', 'healthcheck', 'disable'], 'bool'],
  [['services', '*', 'oom_kill_disable'], 'bool'],
  [['services', '*', 'oom_score_adj'], 'int'],
  [['services', '*', 'pids_limit'], 'int'],
  [['services', '*', 'ports', '*', 'target'], 'int'],
  [['services', '*', 'privileged'], 'bool'],
  [['services', '*', 'read_only'], 'bool'],
  [['services', '*', 'scale'], 'int'],
  [['services', '*', 'stdin_open'], 'bool'],
  [['services', '*', 'tty'], 'bool'],
  [['services', '*', 'ulimits', '*'], 'int'],
  [['services', '*', 'ulimits', '*', 'hard'], 'int'],
  [['services', '*', 'ulimits', '*', 'soft'], 'int'],
  [['services', '*', 'volumes', '*', 'read_only'], 'bool'],
  [['services', '*', 'volumes', '*', 'volume', 'nocopy'], 'bool'],
  [['services', '*', 'volumes', '*', 'bind', 'create_host_path'], 'bool'],
  [['services', '*', 'depends_on', '*', 'required'], 'bool'],
  [['services', '*', 'depends_on', '*', 'restart'], 'bool'],
  [['networks', '*', 'external'], 'bool'],
  [['networks', '*', 'internal'], 'bool'],
  [['networks', '*', 'attachable'], 'bool'],
  [['networks', '*', 'enable_ipv6'], 'bool'],
  [['volumes', '*', 'external'], 'bool'],
  [['secrets', '*', 'external'], 'bool'],
  [['configs', '*', 'external'], 'bool'],
];

function castFor(path: KeyPath): Cast | undefined {
  for (const [pat, c] of CASTS) {
    if (pat.length !== path.length) continue;
    if (pat.every((seg, i) => seg === '*' || seg === String(path[i]))) return c;
  }
  return undefined;
}

function cast(v: string, c: Cast): unknown {
  if (c === 'bool') {
    if (/^(true|yes|y|on)$/i.test(v)) return true;
    if (/^(false|no|n|off)$/i.test(v)) return false;
    return v;
  }
  if (c === 'int') return /^[+-]?\d+$/.test(v) ? Number(v) : v;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : v;
}

/** Options for `interpolateTree`. */
export interface TreeOptions {
  lookup: Lookup;
  /** Skip substitution (still casts). */
  noInterpolate?: boolean;
  onUnset?: (name: string) => void;
  /** Gives errors their file and line. */
  positionOf?: (path: KeyPath) => { line: number; column: number } | undefined;
  file?: string;
}

const dotted = (p: KeyPath) => p.join('.');

/**
 * Returns a copy of `value` with strings interpolated and cast. Throws ComposeError
 * `invalid interpolation format for <path>.\nYou may need to escape any $ with another $.\n<value>`
 * or `error while interpolating <path>: required variable X is missing a value: msg`.
 */
export function interpolateTree(value: unknown, opts: TreeOptions, path: KeyPath = []): unknown {
  if (typeof value === 'string') {
    let s = value;
    if (!opts.noInterpolate) {
      try {
        s = substitute(value, opts.lookup, { onUnset: opts.onUnset });
      } catch (e) {
        const pos = opts.positionOf?.(path);
        const where = { file: opts.file, path: dotted(path), line: pos?.line, column: pos?.column };
        if (e instanceof InvalidTemplateError) {
          throw new ComposeError(`invalid interpolation format for ${dotted(path)}.\nYou may need to escape any $ with another $.\n${e.template}`, where);
        }
        throw new ComposeError(`error while interpolating ${dotted(path)}: ${(e as Error).message}`, where);
      }
    }
    const c = castFor(path);
    return c ? cast(s, c) : s;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, opts, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, opts, [...path, k]);
    return out;
  }
  return value;
}
