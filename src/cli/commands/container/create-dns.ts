/**
 * docker's validators for the name-resolution flags of run/create: `--dns` (addresses, sent in
 * canonical form), `--dns-search` (domains), `--add-host` (`host:ip` or `host=ip`, IPv6 in
 * brackets, `host-gateway`), `--link` (`name[:alias]`), and the localhost-DNS warning.
 * Every validator throws UsageError `invalid argument "v" for "--flag" flag: …` like pflag.
 */
import { isIP } from 'node:net';
import { UsageError } from '../../errors.js';

const bad = (flag: string, v: string, why: string) => new UsageError(`invalid argument "${v}" for "${flag}" flag: ${why}`);

/** Go's net.ParseIP(s).String(), or undefined when it does not parse (zones and leading zeros refused). */
export function canonicalIp(s: string): string | undefined {
  const fam = isIP(s);
  if (fam === 4) return s.split('.').some((p) => p.length > 1 && p.startsWith('0')) ? undefined : s;
  if (fam !== 6 || s.includes('%')) return undefined;
  const host = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  // Go prints an IPv4-mapped address as plain IPv4.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host;
}

/** `--dns` values, trimmed and canonical. */
export function validDns(values: string[]): string[] {
  return values.map((v) => {
    const ip = canonicalIp(v.trim());
    if (ip === undefined) throw bad('--dns', v, `IP address is not correctly formatted: ${v}`);
    return ip;
  });
}

const DOMAIN = /^(:?(?:[a-zA-Z0-9]|(?:[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))(:?\.(?:[a-zA-Z0-9]|(?:[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])))*)\.?\s*$/;

/** `--dns-search` values ("." kept; a trailing dot dropped). */
export function validDnsSearch(values: string[]): string[] {
  return values.map((raw) => {
    const v = raw.replace(/^ +| +$/g, '');
    if (v === '.') return v;
    const m = /[a-zA-Z]/.test(v) ? DOMAIN.exec(v) : null;
    if (!m || m[1]!.length >= 255) throw bad('--dns-search', raw, `${v} is not a valid domain`);
    return m[1]!;
  });
}

/** `--add-host` values as the API takes them (`host:ip`). */
export function validExtraHosts(values: string[]): string[] {
  return values.map((val) => {
    let i = val.indexOf('=');
    if (i < 0) i = val.indexOf(':');
    const k = i < 0 ? '' : val.slice(0, i);
    let v = i < 0 ? '' : val.slice(i + 1);
    if (i < 0 || k === '' || k.includes(':')) throw bad('--add-host', val, `bad format for add-host: ${JSON.stringify(val)}`);
    if (v !== 'host-gateway') {
      if (v.length > 2 && v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
      if (canonicalIp(v.trim()) === undefined) throw bad('--add-host', val, `invalid IP address in add-host: ${JSON.stringify(v)}`);
    }
    return `${k}:${v}`;
  });
}

/** `--link` values, unchanged once they parse as `name[:alias]`. */
export function validLinks(values: string[]): string[] {
  for (const v of values) {
    if (v === '') throw bad('--link', v, 'empty string specified for links');
    if (v.split(':').length > 2) throw bad('--link', v, `bad format for links: ${v}`);
  }
  return values;
}

/** docker's warning for a loopback `--dns` server (the first one), or undefined. */
export function localhostDnsWarning(dns: readonly string[] | null | undefined): string | undefined {
  const lo = (dns ?? []).find((d) => /^127\./.test(d) || d === '::1');
  return lo === undefined ? undefined : `WARNING: Localhost DNS (${lo}) may fail in containers.`;
}
