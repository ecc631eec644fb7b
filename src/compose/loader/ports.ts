/**
 * `ports:` entries to the long syntax: `"[ip:][host[-range]:]container[-range][/proto]"`,
 * bare numbers and long-syntax mappings.
 */
import type { ServicePort } from '../model.js';
import { invalid, isObj } from './convert.js';

function range(s: string, what: string, path: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw invalid(path, `Invalid ${what}: ${s}`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 0 || b > 65535 || b < a) throw invalid(path, `Invalid ${what}: ${s}`);
  return [a, b];
}

/** Parses a short-syntax port spec into one entry per container port. Throws ComposeError. */
export function parsePortSpec(spec: string, path: string): ServicePort[] {
  let rest = spec;
  let protocol: ServicePort['protocol'] = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') throw invalid(path, `Invalid proto: ${p}`);
    protocol = p;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) throw invalid(path, `Invalid ip address: ${rest}`);
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 1).replace(/^:/, '');
  }
  const parts = rest.split(':');
  let host = '';
  let container: string;
  if (parts.length === 1) container = parts[0]!;
  else if (parts.length === 2) [host, container] = parts as [string, string];
  else if (hostIp === undefined) {
    container = parts[parts.length - 1]!;
    host = parts[parts.length - 2]!;
    hostIp = parts.slice(0, -2).join(':');
  } else throw invalid(path, `Invalid port specification: ${JSON.stringify(spec)}`);
  if (hostIp === '') hostIp = undefined;
  const [c0, c1] = range(container, 'containerPort', path);
  if (c0 === 0) throw invalid(path, `Invalid containerPort: ${container}`);
  const base = (target: number, published?: string): ServicePort => {
    const p: ServicePort = { mode: 'ingress', target, protocol };
    if (published !== undefined && published !== '') p.published = published;
    if (hostIp !== undefined) p.host_ip = hostIp;
    return p;
  };
  if (host === '') {
    const out: ServicePort[] = [];
    for (let t = c0; t <= c1; t++) out.push(base(t));
    return out;
  }
  const [h0, h1] = range(host, 'hostPort', path);
  if (c0 === c1) return [base(c0, h0 === h1 ? String(h0) : `${h0}-${h1}`)];
  if (h1 - h0 !== c1 - c0) throw invalid(path, `Invalid ranges specified for container and host Ports: ${container} and ${host}`);
  const out: ServicePort[] = [];
  for (let i = 0; i <= c1 - c0; i++) out.push(base(c0 + i, String(h0 + i)));
  return out;
}

/** Normalises a `ports:` list. Throws ComposeError for a bad entry. */
export function normalizePorts(v: unknown, path: string): ServicePort[] {
  if (!Array.isArray(v)) return [];
  const out: ServicePort[] = [];
  v.forEach((item, i) => {
    const p = `${path}.${i}`;
    if (typeof item === 'number') out.push(...parsePortSpec(String(item), p));
    else if (typeof item === 'string') out.push(...parsePortSpec(item, p));
    else if (isObj(item)) {
      const port: ServicePort = {
        mode: item.mode === 'host' ? 'host' : 'ingress',
        target: Number(item.target),
        protocol: (String(item.protocol ?? 'tcp').toLowerCase() as ServicePort['protocol']),
      };
      if (item.host_ip !== undefined) port.host_ip = String(item.host_ip);
      if (item.published !== undefined && item.published !== null && item.published !== '') port.published = String(item.published);
      if (item.name !== undefined) port.name = String(item.name);
      if (!Number.isInteger(port.target)) throw invalid(p, `Invalid containerPort: ${String(item.target)}`);
      out.push(port);
    }
  });
  return out;
}
