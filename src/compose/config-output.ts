/**
 * `docker compose config` output of a normalised project: `name`, `services` (sorted, keys
 * sorted, empty values left out), `networks`, `volumes`, `secrets`, `configs`; durations as
 * Compose prints them (`1m30s`), sizes as byte counts.
 */
import { stringify } from 'yaml';
import { formatDurationNs } from '../lib/units.js';
import type { Project, ServiceConfig } from './model.js';

type Obj = Record<string, unknown>;

const isEmpty = (v: unknown) =>
  v === undefined || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

function sortKeys(o: Obj): Obj {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

function ordered(o: Obj, order: string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

function dropEmpty(o: Obj, keep: string[] = []): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (keep.includes(k) || !isEmpty(v)) out[k] = v;
  return out;
}

const dur = (ns: number | undefined) => (ns === undefined ? undefined : formatDurationNs(ns));
const size = (b: number | undefined) => (b === undefined ? undefined : String(b));

function service(s: ServiceConfig): Obj {
  const o: Obj = { ...s };
  delete o.name;
  // env_file contents are already merged into environment (Compose discards the references)
  delete o.env_file;
  if (s.healthcheck) {
    const h = s.healthcheck;
    o.healthcheck = ordered(
      { ...h, interval: dur(h.interval), timeout: dur(h.timeout), start_period: dur(h.start_period), start_interval: dur(h.start_interval) },
      ['test', 'timeout', 'interval', 'retries', 'start_period', 'start_interval', 'disable'],
    );
  }
  if (s.stop_grace_period !== undefined) o.stop_grace_period = dur(s.stop_grace_period);
  if (s.shm_size !== undefined) o.shm_size = size(s.shm_size);
  if (s.mem_limit !== undefined) o.mem_limit = size(s.mem_limit);
  if (s.build) o.build = dropEmpty(ordered({ ...s.build, shm_size: size(s.build.shm_size) }, ['context', 'dockerfile']));
  if (s.deploy) {
    const d: Obj = { ...s.deploy };
    const res = s.deploy.resources;
    if (res) {
      d.resources = dropEmpty({
        ...res,
        limits: res.limits ? { ...res.limits, memory: size(res.limits.memory) } : undefined,
        reservations: res.reservations ? { ...res.reservations, memory: size(res.reservations.memory) } : undefined,
      });
    }
    const rp = s.deploy.restart_policy;
    if (rp) d.restart_policy = { ...rp, delay: dur(rp.delay), window: dur(rp.window) };
    o.deploy = dropEmpty(d);
  }
  if (!Array.isArray(s.depends_on)) {
    o.depends_on = Object.fromEntries(
      Object.entries(s.depends_on).map(([k, d]) => [k, d.restart ? { condition: d.condition, restart: true, required: d.required } : { condition: d.condition, required: d.required }]),
    );
  }
  for (const k of ['secrets', 'configs'] as const) {
    // file modes print in octal, as Compose does ("0440")
    if (s[k]) o[k] = s[k].map((r) => (r.mode === undefined ? r : { ...r, mode: `0${r.mode.toString(8)}` }));
  }
  // (entries may be raw strings in a `--no-interpolate` project)
  o.ports = s.ports.map((p) => (typeof p === 'object' ? ordered({ ...p }, ['name', 'mode', 'host_ip', 'target', 'published', 'protocol']) : p));
  o.volumes = s.volumes.map((v) =>
    typeof v === 'object'
      ? ordered({ ...v, tmpfs: v.tmpfs ? { ...v.tmpfs, size: size(v.tmpfs.size) } : undefined }, ['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs'])
      : v,
  );
  return sortKeys(dropEmpty(o, s.command === null ? ['command'] : []));
}

function top<T extends object>(section: Record<string, T>): Obj {
  const out: Obj = {};
  for (const k of Object.keys(section).sort()) out[k] = dropEmpty({ ...(section[k] as Obj) });
  return out;
}

/** The object `docker compose config` prints for `project`. Never throws. */
export function configObject(project: Project): Obj {
  const services: Obj = {};
  for (const name of Object.keys(project.services).sort()) services[name] = service(project.services[name]!);
  return dropEmpty({
    name: project.name,
    services,
    networks: top(project.networks),
    volumes: top(project.volumes),
    secrets: top(project.secrets),
    configs: top(project.configs),
  });
}

/** Renders the project as `docker compose config` prints it (YAML or indented JSON). Never throws. */
export function toConfigOutput(project: Project, opts: { format: 'yaml' | 'json' }): string {
  const obj = configObject(project);
  if (opts.format === 'json') return JSON.stringify(obj, null, 2) + '\n';
  return stringify(obj, { lineWidth: 0, indentSeq: true, nullStr: 'null' });
}
