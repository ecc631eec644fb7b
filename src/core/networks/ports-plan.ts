/**
 * Which host ports a container asks for (pure): PortBindings plus, with PublishAllPorts, every
 * exposed port without a binding on an ephemeral port; and NetworkSettings.Ports once the host
 * ports are known.
 */
import type { PortBinding } from '../../api/types.js';
import { invalidArgument } from '../../lib/errors.js';

/** One host port to reserve for one container port. */
export interface WantedPort {
  /** NetworkSettings.Ports key, e.g. "80/tcp". */
  key: string;
  proto: 'tcp' | 'udp' | 'sctp';
  containerPort: number;
  /** "" for every address. */
  hostIp: string;
  /** 0: ephemeral. */
  hostPort: number;
  hostPortEnd?: number;
}

/** Parses "80/tcp", "53/udp", "80" (tcp). Throws InvalidArgument. */
export function parsePortKey(key: string): { port: number; proto: 'tcp' | 'udp' | 'sctp' } {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(key);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw invalidArgument(`invalid port specification: "${key}"`);
  return { port, proto: (m[2]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp' | 'sctp' };
}

function parseHostPort(v: string | undefined): { first: number; last?: number } {
  if (v === undefined || v === '') return { first: 0 };
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  const first = m ? Number(m[1]) : NaN;
  const last = m?.[2] !== undefined ? Number(m[2]) : undefined;
  if (!m || first > 65535 || (last !== undefined && (last > 65535 || last < first))) {
    throw invalidArgument(`error parsing HostPort value(${v}):invalid port`);
  }
  return last === undefined || last === first ? { first } : { first, last };
}

/**
 * The ports of a container in NetworkSettings.Ports key order (`keys`: every bound or exposed
 * port) and the host ports to reserve. `defaultBindIp` replaces an empty HostIp. Throws
 * InvalidArgument for malformed keys or host ports.
 */
export function planPorts(
  portBindings: Record<string, PortBinding[] | null>,
  exposedPorts: readonly string[],
  publishAll: boolean,
  defaultBindIp: string,
): { keys: string[]; wanted: WantedPort[] } {
  const keys: string[] = [];
  const seen = new Set<string>();
  const norm = (k: string) => {
    const p = parsePortKey(k);
    return `${p.port}/${p.proto}`;
  };
  for (const k of [...Object.keys(portBindings), ...exposedPorts]) {
    const n = norm(k);
    if (!seen.has(n)) {
      seen.add(n);
      keys.push(n);
    }
  }
  const wanted: WantedPort[] = [];
  const bound = new Set<string>();
  for (const [k, list] of Object.entries(portBindings)) {
    const { port, proto } = parsePortKey(k);
    for (const b of list ?? []) {
      const hp = parseHostPort(b.HostPort);
      wanted.push({ key: norm(k), proto, containerPort: port, hostIp: b.HostIp || defaultBindIp, hostPort: hp.first, ...(hp.last ? { hostPortEnd: hp.last } : {}) });
      bound.add(norm(k));
    }
  }
  if (publishAll) {
    for (const k of exposedPorts) {
      const n = norm(k);
      if (bound.has(n)) continue;
      const { port, proto } = parsePortKey(k);
      wanted.push({ key: n, proto, containerPort: port, hostIp: defaultBindIp, hostPort: 0 });
      bound.add(n);
    }
  }
  return { keys, wanted };
}

/** NetworkSettings.Ports: each key's bindings with the host ports reserved (`got`, in `wanted` order), null when unbound. */
export function portMapOf(keys: readonly string[], wanted: readonly WantedPort[], got: readonly number[]): Record<string, PortBinding[] | null> {
  const out: Record<string, PortBinding[] | null> = {};
  for (const k of keys) out[k] = null;
  wanted.forEach((w, i) => {
    const list = out[w.key] ?? [];
    list.push({ HostIp: w.hostIp || '0.0.0.0', HostPort: String(got[i]) });
    out[w.key] = list;
  });
  return out;
}
