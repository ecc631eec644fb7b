/**
 * Filters of `GET /containers/json` and container prune (moby's rules): id and name are
 * unanchored regular expressions, label `k`/`k=v`/`k!=v`, status, exited, ancestor, before,
 * since, network (name or id), health, is-task, publish/expose (`portFilterMatches`, applied
 * by list.ts on the list Ports). `volume` is applied by list.ts (it needs the resolved mounts).
 * Repeated values of a key are OR'd, different
 * keys AND'd.
 */
import { filterRegexpMatch } from '../../api/filters.js';
import type { Filters, Port } from '../../api/types.js';
import { invalidArgument } from '../../lib/errors.js';
import type { ContainerRecord } from './types.js';

const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);
const HEALTH = new Set(['starting', 'healthy', 'unhealthy', 'none']);

/** True when `labels` satisfy every label filter value (`k`, `k=v`, `k!=v`). */
export function labelsMatch(values: readonly string[], labels: Record<string, string>): boolean {
  return values.every((v) => {
    const ne = v.indexOf('!=');
    if (ne > 0) return labels[v.slice(0, ne)] !== v.slice(ne + 2);
    const eq = v.indexOf('=');
    if (eq < 0) return v in labels;
    const k = v.slice(0, eq);
    return k in labels && labels[k] === v.slice(eq + 1);
  });
}

/** What a list filter needs beside the record. */
export interface MatchEnv {
  state(rec: ContainerRecord): string;
  /** Image ids matched by the ancestor values (resolved by the caller). */
  ancestorIds: Set<string>;
  ancestorRefs: Set<string>;
  /** Creation-time bounds from before/since (seconds). */
  before?: number;
  since?: number;
  createdSec(rec: ContainerRecord): number;
  /** Networks the container is configured for (name and id); the NetworkMode's name when absent. */
  networks?(rec: ContainerRecord): { name: string; id: string }[];
}

/**
 * Expands a publish/expose filter value (`80`, `80/udp`, `8000-8002/tcp`) into "port/proto"
 * keys. Throws InvalidArgument for a bad value.
 */
export function portFilterKeys(value: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(value.trim());
  if (!m) throw invalidArgument(`Unable to parse port filter: ${value}`);
  const first = Number(m[1]);
  const last = m[2] !== undefined ? Number(m[2]) : first;
  if (last < first || last > 65535) throw invalidArgument(`Unable to parse port filter: ${value}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const out: string[] = [];
  for (let p = first; p <= last; p++) out.push(`${p}/${proto}`);
  return out;
}

/**
 * moby's publish/expose filters on a container's list Ports: `publish` matches a public port,
 * `expose` a private one; a container matching either is kept. Throws InvalidArgument.
 */
export function portFilterMatches(ports: readonly Port[], publish?: readonly string[], expose?: readonly string[]): boolean {
  const pub = new Set((publish ?? []).flatMap(portFilterKeys));
  const exp = new Set((expose ?? []).flatMap(portFilterKeys));
  return ports.some((p) => (p.PublicPort !== undefined && pub.has(`${p.PublicPort}/${p.Type}`)) || exp.has(`${p.PrivatePort}/${p.Type}`));
}

/** True when `rec` passes every filter. Throws InvalidArgument for a bad status/exited value. */
export function recordMatches(rec: ContainerRecord, f: Filters | undefined, env: MatchEnv): boolean {
  if (!f) return true;
  const id = f.get('id');
  if (id && !id.some((p) => filterRegexpMatch(p, rec.id))) return false;
  const name = f.get('name');
  if (name && !name.some((p) => filterRegexpMatch(p, rec.name) || filterRegexpMatch(p, rec.name.slice(1)))) return false;
  const label = f.get('label');
  if (label && !labelsMatch(label, rec.config.Labels ?? {})) return false;
  const status = f.get('status');
  if (status) {
    for (const s of status) if (!STATUSES.has(s)) throw invalidArgument(`invalid filter 'status=${s}'`);
    if (!status.includes(env.state(rec))) return false;
  }
  const exited = f.get('exited');
  if (exited) {
    const codes = exited.map((e) => {
      if (!/^-?\d+$/.test(e)) throw invalidArgument(`invalid filter 'exited=${e}'`);
      return Number(e);
    });
    if (rec.state.Running || !rec.hasBeenStarted || !codes.includes(rec.state.ExitCode)) return false;
  }
  if (f.has('ancestor')) {
    if (!env.ancestorIds.has(rec.imageId) && !env.ancestorRefs.has(rec.config.Image ?? '')) return false;
  }
  const isTask = f.get('is-task');
  if (isTask && isTask.includes('true')) return false;
  const network = f.get('network');
  if (network) {
    const mode = rec.hostConfig.NetworkMode ?? 'default';
    const nets = env.networks?.(rec) ?? [{ name: mode === 'default' ? 'bridge' : mode, id: '' }];
    if (!network.some((n) => n === mode || nets.some((x) => x.name === n || (x.id !== '' && x.id === n)))) return false;
  }
  const health = f.get('health');
  if (health) {
    for (const h of health) if (!HEALTH.has(h)) throw invalidArgument(`Unrecognised filter value for health: ${h}`);
    if (!health.includes(rec.state.Health?.Status ?? 'none')) return false;
  }
  const created = env.createdSec(rec);
  if (env.before !== undefined && !(created < env.before)) return false;
  if (env.since !== undefined && !(created > env.since)) return false;
  return true;
}
