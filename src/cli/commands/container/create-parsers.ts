/**
 * Parsers for container flag values, with docker's semantics and error texts: env/label files,
 * ports, ulimits, restart policies, devices, mounts, capabilities, cpus and sizes.
 * Every parser throws UsageError (or Error with docker's text) for bad input.
 */
import type { DeviceMapping, MountSpec, RestartPolicy, Ulimit } from '../../../api/types.js';
import { parseRAMInBytes } from '../../../lib/units.js';
import { UsageError } from '../../errors.js';

export { parsePorts } from './create-ports.js';

/**
 * Reads a docker env/label file: `KEY=value` lines; `#` comments and blank lines skipped; a bare
 * `KEY` takes its value from `lookup` or is dropped. Throws Error for keys with whitespace.
 */
export function parseKVFile(content: string, lookup: (k: string) => string | undefined, file = ''): string[] {
  const out: string[] = [];
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq >= 0 ? line.slice(0, eq) : line.trimEnd();
    if (/\s/.test(key)) throw new Error(`variable '${key}' contains whitespaces`);
    if (key === '') throw new Error(`no variable name on line '${line}' in ${file}:${i + 1}`);
    if (eq >= 0) out.push(line);
    else {
      const v = lookup(key);
      if (v !== undefined) out.push(`${key}=${v}`);
    }
  });
  return out;
}

/** `-e KEY` takes the value from the environment when set, else stays bare (docker's ValidateEnv). */
export function expandEnvFlag(v: string, lookup: (k: string) => string | undefined): string {
  const eq = v.indexOf('=');
  if (eq === 0 || v === '') throw new UsageError(`invalid argument "${v}" for "-e, --env" flag: invalid environment variable: ${v}`);
  if (eq > 0) return v;
  const x = lookup(v);
  return x === undefined ? v : `${v}=${x}`;
}

/** `KEY=VALUE` strings to a map (a bare `KEY` maps to ""). */
export function kvToMap(list: string[]): Record<string, string> {
  const m: Record<string, string> = {};
  for (const s of list) {
    const i = s.indexOf('=');
    if (i < 0) m[s] = '';
    else m[s.slice(0, i)] = s.slice(i + 1);
  }
  return m;
}

/** A copy of `o` with keys sorted (Go marshals maps sorted). */
export function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `name=soft[:hard]` → Ulimit (docker's field order Name, Hard, Soft). Throws UsageError. */
export function parseUlimit(s: string): Ulimit {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(s);
  if (!m) throw new UsageError(`invalid argument "${s}" for "--ulimit" flag: invalid ulimit argument: ${s}`);
  const soft = Number(m[2]);
  const hard = m[3] !== undefined ? Number(m[3]) : soft;
  if (soft > hard) throw new UsageError(`invalid argument "${s}" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: m[1]!, Hard: hard, Soft: soft } as Ulimit;
}

/** `no|always|unless-stopped|on-failure[:N]` → RestartPolicy. Throws UsageError. */
export function parseRestart(s: string | undefined): RestartPolicy {
  if (!s) return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count] = s.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!)) throw new UsageError(`invalid restart policy format: ${s}`);
  if (count !== undefined && name !== 'on-failure') throw new UsageError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
  const n = count === undefined ? 0 : Number(count);
  if (!Number.isInteger(n)) throw new UsageError(`invalid restart policy format: maximum retry count must be an integer`);
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: n };
}

/** `/dev/x[:/dev/y[:rwm]]` → DeviceMapping. Throws UsageError. */
export function parseDevice(s: string): DeviceMapping {
  const parts = s.split(':');
  const host = parts[0]!;
  let inCtr = host;
  let perms = 'rwm';
  if (parts.length === 2) {
    if (/^[rwm]+$/.test(parts[1]!)) perms = parts[1]!;
    else inCtr = parts[1]!;
  } else if (parts.length === 3) {
    inCtr = parts[1]!;
    perms = parts[2]!;
  } else if (parts.length > 3) throw new UsageError(`invalid argument "${s}" for "--device" flag: invalid device specification: ${s}`);
  return { PathOnHost: host, PathInContainer: inCtr, CgroupPermissions: perms };
}

/** Splits a CSV record like Go's encoding/csv (double quotes group commas; "" is a quote). */
export function csvFields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur.length === 0) quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

function splitKV(v: string): [string, string] {
  const i = v.indexOf('=');
  return i < 0 ? [v, ''] : [v.slice(0, i), v.slice(i + 1)];
}

/** `--mount type=…,source=…,target=…,readonly,…` → MountSpec. Throws UsageError. */
export function parseMount(s: string): MountSpec {
  const m: MountSpec = { Type: 'volume' } as MountSpec;
  let ro: boolean | undefined;
  const bind: NonNullable<MountSpec['BindOptions']> = {};
  const vol: NonNullable<MountSpec['VolumeOptions']> = {};
  const tmp: NonNullable<MountSpec['TmpfsOptions']> = {};
  let source: string | undefined;
  let target: string | undefined;
  for (const field of csvFields(s)) {
    const i = field.indexOf('=');
    const k = (i < 0 ? field : field.slice(0, i)).toLowerCase();
    const v = i < 0 ? undefined : field.slice(i + 1);
    switch (k) {
      case 'type': m.Type = v as MountSpec['Type']; break;
      case 'source': case 'src': source = v; break;
      case 'target': case 'destination': case 'dst': target = v; break;
      case 'readonly': case 'ro': ro = v === undefined || ['1', 'true'].includes(v.toLowerCase()); break;
      case 'bind-propagation': bind.Propagation = v; break;
      case 'volume-nocopy': vol.NoCopy = v === undefined || v === 'true' || v === '1'; break;
      case 'volume-driver': vol.DriverConfig = { ...vol.DriverConfig, Name: v }; break;
      case 'volume-opt': {
        const [ok, ov] = splitKV(v ?? '');
        vol.DriverConfig = { ...vol.DriverConfig, Options: { ...vol.DriverConfig?.Options, [ok]: ov } };
        break;
      }
      case 'volume-label': {
        const [lk, lv] = splitKV(v ?? '');
        vol.Labels = { ...vol.Labels, [lk]: lv };
        break;
      }
      case 'volume-subpath': (vol as Record<string, unknown>).Subpath = v; break;
      case 'bind-nonrecursive': (bind as Record<string, unknown>).NonRecursive = v === undefined || ['1', 'true'].includes(v.toLowerCase()); break;
      case 'tmpfs-size': tmp.SizeBytes = parseRAMInBytes(v ?? ''); break;
      case 'tmpfs-mode': tmp.Mode = parseInt(v ?? '0', 8); break;
      case 'consistency': m.Consistency = v; break;
      default: throw new UsageError(`invalid argument "${s}" for "--mount" flag: unexpected key '${k}' in '${field}'`);
    }
  }
  if (!target) throw new UsageError(`invalid argument "${s}" for "--mount" flag: target is required`);
  const out: MountSpec = { Type: m.Type } as MountSpec;
  if (source !== undefined) out.Source = source;
  out.Target = target;
  if (ro) out.ReadOnly = true;
  if (m.Consistency) out.Consistency = m.Consistency;
  if (Object.keys(bind).length) out.BindOptions = bind;
  if (Object.keys(vol).length) out.VolumeOptions = vol;
  if (Object.keys(tmp).length) out.TmpfsOptions = tmp;
  return out;
}

/** Docker's capability normalisation: upper case, "CAP_" prefix, "ALL" kept. */
export function normalizeCap(c: string): string {
  const u = c.toUpperCase();
  return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`;
}

/** "1.5" → 1500000000 NanoCpus. Throws UsageError. */
export function parseCpus(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || s.trim() === '') throw new UsageError(`invalid argument "${s}" for "--cpus" flag: failed to parse ${s} as a rational number`);
  return Math.round(n * 1e9);
}

/** A bytes flag (`-m 512m`); "-1" allowed when `allowMinusOne`. Throws UsageError with pflag's text. */
export function parseBytesFlag(title: string, s: string, allowMinusOne = false): number {
  if (allowMinusOne && s === '-1') return -1;
  try {
    return parseRAMInBytes(s);
  } catch (e) {
    throw new UsageError(`invalid argument "${s}" for "${title}" flag: ${(e as Error).message}`);
  }
}

/** `/dev/sda:200` (weight or IOPS) or `/dev/sda:1mb` (bytes when `bytes`) → {Path, Weight|Rate}. Throws UsageError. */
export function parseDeviceRate(v: string, flag: string, key: 'Weight' | 'Rate', bytes = false): Record<string, string | number> {
  const i = v.lastIndexOf(':');
  const p = v.slice(0, i);
  const val = v.slice(i + 1);
  if (i <= 0 || !p.startsWith('/dev/')) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: bad format: ${v}`);
  let n: number;
  try {
    n = bytes ? parseRAMInBytes(val) : Number(val);
  } catch {
    n = NaN;
  }
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: invalid rate for device: ${v}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb`);
  return { Path: p, [key]: n };
}

/** `--gpus all|N|device=…` → a DeviceRequest as docker sends it. Throws UsageError. */
export function parseGpus(v: string): Record<string, unknown> {
  const req: Record<string, unknown> = { Driver: '', Count: 0, DeviceIDs: null, Capabilities: [['gpu']], Options: {} };
  for (const field of v.split(',')) {
    const [k, val] = field.includes('=') ? (field.split('=', 2) as [string, string]) : ['count', field];
    if (k === 'count') req.Count = val === 'all' ? -1 : Number(val);
    else if (k === 'device') req.DeviceIDs = val.split(',');
    else if (k === 'driver') req.Driver = val;
    else if (k === 'capabilities') req.Capabilities = [val.split(',')];
    else throw new UsageError(`invalid argument "${v}" for "--gpus" flag: unexpected key '${k}' in '${field}'`);
  }
  if (!Number.isFinite(req.Count as number)) throw new UsageError(`invalid argument "${v}" for "--gpus" flag: invalid count (${v}): value must be either "all" or an integer`);
  return req;
}
