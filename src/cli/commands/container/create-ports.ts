/**
 * `-p/--publish` and `--expose` of run/create with docker 28's rules and messages (its
 * nat.ParsePortSpec): `[ip:][hostPort:]containerPort[/proto]`, ranges on both sides (a single
 * container port with a host range binds the range as one dynamic `HostPort`), IPv6 hosts in
 * brackets, protocols tcp/udp/sctp (case-insensitive).
 */
import { isIP } from 'node:net';
import type { PortBinding } from '../../../api/types.js';
import { CliError } from '../../errors.js';

/**
 * An option value docker rejects while building the request: printed as `pier: <msg>` with the
 * `Run 'pier run --help'` hint, exit 125 (run.ts wraps it like a create failure).
 */
export class RunOptionError extends CliError {
  constructor(message: string) {
    super(message, 125);
  }
}

/** Go's strconv.ParseUint(s, 10, 16); throws Error with Go's message. */
function parseUint16(s: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** docker's ParsePortRange ("80" or "8000-8010"); throws Error with docker's message. */
export function parsePortRange(s: string): [number, number] {
  if (s === '') throw new Error('empty string specified for ports');
  if (!s.includes('-')) {
    const n = parseUint16(s);
    return [n, n];
  }
  const parts = s.split('-');
  const lo = parseUint16(parts[0]!);
  const hi = parseUint16(parts[1]!);
  if (hi < lo) throw new Error(`invalid range specified for port: ${s}`);
  return [lo, hi];
}

/** docker's SplitProtoPort: "80/udp" → ["udp", "80"]; "80" → ["tcp", "80"]. */
function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  if (parts[1] === '') return ['tcp', parts[0]!];
  return [parts[1]!, parts[0]!];
}

/** Go's net.SplitHostPort(ip + ":") for a bracketed host: the host, or Error "address …: why". */
function unbracket(ip: string): string {
  const hp = `${ip}:`;
  const fail = (why: string) => new Error(`address ${hp}: ${why}`);
  const end = hp.indexOf(']');
  if (end < 0) throw fail("missing ']' in address");
  if (end + 1 !== hp.length - 1) throw fail(hp[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
  if (hp.slice(1).includes('[')) throw fail("unexpected '[' in address");
  if (hp.slice(end + 1).includes(']')) throw fail("unexpected ']' in address");
  return hp.slice(1, end);
}

/** Go's net.ParseIP acceptance (no zones, no leading zeros in IPv4). */
function validIp(ip: string): boolean {
  if (isIP(ip) === 4) return !ip.split('.').some((p) => p.length > 1 && p.startsWith('0'));
  return isIP(ip) === 6 && !ip.includes('%');
}

/** One `-p` spec as (port key, binding) pairs in order. Throws RunOptionError with docker's text. */
export function parsePortSpec(raw: string): [string, PortBinding][] {
  const parts = raw.split(':');
  const n = parts.length;
  let ip = n >= 3 ? parts.slice(0, n - 2).join(':') : '';
  const host = n >= 2 ? parts[n - 2]! : '';
  const [proto0, cport] = splitProtoPort(parts[n - 1]!);
  if (ip.startsWith('[')) {
    try {
      ip = unbracket(ip);
    } catch (e) {
      throw new RunOptionError(`invalid IP address ${ip}: ${(e as Error).message}`);
    }
  }
  if (ip !== '' && !validIp(ip)) throw new RunOptionError(`invalid IP address: ${ip}`);
  if (cport === '') throw new RunOptionError(`no port specified: ${raw}<empty>`);
  let lo: number, hi: number;
  try {
    [lo, hi] = parsePortRange(cport);
  } catch {
    throw new RunOptionError(`invalid containerPort: ${cport}`);
  }
  let hlo = 0, hhi = 0;
  if (host !== '') {
    try {
      [hlo, hhi] = parsePortRange(host);
    } catch {
      throw new RunOptionError(`invalid hostPort: ${host}`);
    }
  }
  if (host !== '' && hi - lo !== hhi - hlo && hi !== lo) {
    throw new RunOptionError(`invalid ranges specified for container and host Ports: ${cport} and ${host}`);
  }
  const proto = proto0.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new RunOptionError(`invalid proto: ${proto}`);
  const out: [string, PortBinding][] = [];
  for (let i = 0; i <= hi - lo; i++) {
    let hp = host === '' ? '' : String(hlo + i);
    // A single container port with a host range: the range is where the daemon picks one.
    if (lo === hi && hlo !== hhi) hp = `${hp}-${hhi}`;
    out.push([`${lo + i}/${proto}`, { HostIp: ip, HostPort: hp }]);
  }
  return out;
}

/** Copy with keys sorted (Go marshals maps sorted). */
function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Parses `-p` specs into ExposedPorts and PortBindings (keys sorted, bindings of one port in the
 * order given). Throws RunOptionError with docker's messages (`invalid containerPort: x`,
 * `invalid hostPort: x`, `invalid IP address: x`, `no port specified: x<empty>`, `invalid proto: x`,
 * `invalid ranges specified for container and host Ports: a and b`).
 */
export function parsePorts(specs: string[]): { exposed: Record<string, object>; bindings: Record<string, PortBinding[]> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const spec of specs) {
    for (const [key, b] of parsePortSpec(spec)) {
      exposed[key] = {};
      (bindings[key] ??= []).push(b);
    }
  }
  return { exposed: sortedKeys(exposed), bindings: sortedKeys(bindings) };
}

/**
 * `--expose` values ("80", "80/udp", "7000-7010/tcp") as port keys. The protocol is kept as
 * typed (docker does not lower-case it here). Throws RunOptionError:
 * `invalid port format for --expose: x`, `invalid range format for --expose: x, error: …`.
 */
export function parseExpose(values: string[]): string[] {
  const out: string[] = [];
  for (const e of values) {
    if (e.includes(':')) throw new RunOptionError(`invalid port format for --expose: ${e}`);
    const [proto, port] = splitProtoPort(e);
    let lo: number, hi: number;
    try {
      [lo, hi] = parsePortRange(port);
    } catch (err) {
      throw new RunOptionError(`invalid range format for --expose: ${e}, error: ${(err as Error).message}`);
    }
    for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  }
  return out;
}
