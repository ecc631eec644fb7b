/**
 * Human-readable fields as docker prints them: "2 minutes ago", Go's time.String form of a
 * timestamp, the ellipsis truncation of the ps COMMAND column, and port lists.
 */
import type { Port } from '../api/types.js';
import { humanDuration } from '../lib/units.js';

/** "3 weeks ago" for a unix time in seconds, relative to `now` (ms). */
export function ago(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}

/** Go's time.Time.String() in UTC: "2026-11-22 13:40:00 +0000 UTC". */
export function goTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)} +0000 UTC`;
}

/** Truncates to `max` display characters, ending with "…" (docker's Ellipsis). */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 1) return chars.slice(0, max).join('');
  return chars.slice(0, max - 1).join('') + '…';
}

/** Go's strconv.Quote for printable strings (escapes quotes, backslashes and control chars). */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, (_, h: string) => `\\x${h}`);
}

/** Go's net.JoinHostPort: brackets around an IPv6 host. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Docker's port order: private port, then host IP, then public port, then protocol. */
function comparePorts(a: Port, b: Port): number {
  const ipA = a.IP ?? '';
  const ipB = b.IP ?? '';
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  if (ipA !== ipB) return ipA < ipB ? -1 : 1;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

/**
 * The PORTS column as docker's DisplayablePorts prints it: ports published on the same number
 * (and unpublished ports) collapse into ranges per host IP and protocol
 * ("0.0.0.0:8000-8002->8000-8002/tcp", "80-81/tcp"), listed first in order of appearance; other
 * mappings follow one by one ("0.0.0.0:8080->80/tcp", "[::]:8080->80/tcp"). Nothing is deduplicated.
 */
export function displayPorts(ports: Port[] | null | undefined): string {
  if (!ports?.length) return '';
  const sorted = [...ports].sort(comparePorts);
  const groups = new Map<string, { ip: string; type: string; first: number; last: number }>();
  const result: string[] = [];
  const mappings: string[] = [];
  const form = (g: { ip: string; type: string; first: number; last: number }): string => {
    const range = g.first === g.last ? String(g.first) : `${g.first}-${g.last}`;
    return `${g.ip ? `${joinHostPort(g.ip, range)}->${range}` : range}/${g.type}`;
  };
  for (const p of sorted) {
    const ip = p.IP ?? '';
    if (ip !== '' && (p.PublicPort ?? 0) !== p.PrivatePort) {
      mappings.push(`${joinHostPort(ip, String(p.PublicPort ?? 0))}->${p.PrivatePort}/${p.Type}`);
      continue;
    }
    const key = ip ? `${ip}/${p.Type}` : p.Type;
    const g = groups.get(key);
    if (g && p.PrivatePort === g.last + 1) {
      g.last = p.PrivatePort;
      continue;
    }
    if (g) result.push(form(g));
    // A Map keeps the key's first insertion position, as docker's key list does.
    groups.set(key, { ip, type: p.Type, first: p.PrivatePort, last: p.PrivatePort });
  }
  for (const g of groups.values()) result.push(form(g));
  return [...result, ...mappings].join(', ');
}

/**
 * docker's GetTimestamp: turns a --since/--until value into what the API expects. A Go duration
 * ("10m") means now minus it; an RFC 3339 or date string becomes unix seconds; numbers (unix
 * times, with optional fraction) pass through. Unparseable values pass through unchanged.
 */
export function apiTimestamp(value: string, nowMs = Date.now()): string {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const d = /^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value) ? durationMs(value) : undefined;
  if (d !== undefined) return String(Math.floor((nowMs - d) / 1000));
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(t) ? value : secondsString(t);
}

function durationMs(s: string): number {
  const f: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * f[m[2]!]!;
  return s.startsWith('-') ? -total : total;
}

function secondsString(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const nanos = Math.round((ms - secs * 1000) * 1e6);
  return `${secs}.${String(nanos).padStart(9, '0')}`;
}
