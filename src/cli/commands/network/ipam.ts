/**
 * The client-side IPAM checks of `docker network create`: every --ip-range, --gateway and
 * --aux-address must fall in exactly one --subnet, subnets must not overlap, at most one range
 * and one gateway per subnet. Same messages and order of checks as docker 28.
 */
import { isIP } from 'node:net';
import type { IPAMPool } from '../../../api/network-types.js';
import { CliError } from '../../errors.js';

/** The IPAM flags as given. */
export interface IpamFlags {
  subnets: string[];
  ipRanges: string[];
  gateways: string[];
  /** --aux-address name=ip in the order given (later duplicates of a name replace earlier ones). */
  auxAddresses: Record<string, string>;
}

/** An address as bytes (4 or 16), or undefined when it does not parse like Go's net.ParseIP. */
export function parseIp(s: string): Uint8Array | undefined {
  const fam = isIP(s);
  if (fam === 4) {
    const parts = s.split('.');
    // Go refuses leading zeros ("010.0.0.1").
    if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    return Uint8Array.from(parts.map(Number));
  }
  if (fam !== 6 || s.includes('%')) return undefined;
  let text = s;
  let tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = parseIp(v4[2]!);
    if (!b) return undefined;
    tail = [...b];
    text = `${v4[1]}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const hw = head ? head.split(':') : [];
  const rw = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - hw.length - rw.length;
  const words = [...hw, ...Array<string>(fill).fill('0'), ...rw].map((w) => parseInt(w, 16));
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 255; });
  if (tail.length) out.set(tail, 12);
  return out;
}

/** A CIDR as base address bytes and prefix length; throws CliError `invalid CIDR address: s`. */
export function parseCidr(s: string): { ip: Uint8Array; bits: number } {
  const i = s.indexOf('/');
  const ip = i > 0 ? parseIp(s.slice(0, i)) : undefined;
  const len = i > 0 ? s.slice(i + 1) : '';
  const bits = /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!ip || !(bits <= ip.length * 8)) throw new CliError(`invalid CIDR address: ${s}`);
  return { ip, bits };
}

/** Maps an IPv4-mapped IPv6 address to its 4 bytes (Go compares them as IPv4). */
function norm(b: Uint8Array): Uint8Array {
  const mapped = b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255;
  return mapped ? b.slice(12) : b;
}

/** Whether `net` (a CIDR) contains `ip`. */
function contains(net: { ip: Uint8Array; bits: number }, ip: Uint8Array | undefined): boolean {
  if (!ip) return false;
  const a = norm(net.ip);
  const b = norm(ip);
  const bits = net.ip.length === 16 && a.length === 4 ? net.bits - 96 : net.bits;
  if (a.length !== b.length || bits < 0) return false;
  for (let k = 0; k < bits; k++) {
    const m = 0x80 >> (k % 8);
    if ((a[k >> 3]! & m) !== (b[k >> 3]! & m)) return false;
  }
  return true;
}

/**
 * docker's subnetMatches: does `subnet` hold `data` (an address, or a CIDR's address; always a
 * CIDR for an --ip-range)?
 */
function subnetMatches(subnet: string, data: string, cidr = false): boolean {
  let net: { ip: Uint8Array; bits: number };
  try {
    net = parseCidr(subnet);
  } catch (e) {
    throw new CliError(`invalid subnet: ${(e as Error).message}`);
  }
  const ip = cidr || data.includes('/') ? parseCidr(data).ip : parseIp(data);
  return contains(net, ip);
}

/**
 * Builds `IPAM.Config` from the flags, in the order of the subnets. Throws CliError (exit 1)
 * with docker's messages: `every ip-range or gateway must have a corresponding subnet`,
 * `multiple overlapping subnet configuration is not supported`, `no matching subnet for range X`,
 * `cannot configure multiple ranges (…) on the same subnet (…)`, `no matching subnet for gateway X`,
 * `no matching subnet for aux-address X`, `invalid subnet: invalid CIDR address: X`.
 */
export function ipamConfig(f: IpamFlags): IPAMPool[] {
  if (f.subnets.length < f.ipRanges.length || f.subnets.length < f.gateways.length) {
    throw new CliError('every ip-range or gateway must have a corresponding subnet');
  }
  const pools = new Map<string, IPAMPool & { AuxiliaryAddresses: Record<string, string> }>();
  for (const s of f.subnets) {
    for (const k of pools.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) throw new CliError('multiple overlapping subnet configuration is not supported');
    }
    pools.set(s, { Subnet: s, AuxiliaryAddresses: {} });
  }
  const place = (value: string, what: 'range' | 'gateway'): void => {
    let match = false;
    for (const s of f.subnets) {
      if (!subnetMatches(s, value, what === 'range')) continue;
      const p = pools.get(s)!;
      if (what === 'range') {
        if (p.IPRange) throw new CliError(`cannot configure multiple ranges (${value}, ${p.IPRange}) on the same subnet (${s})`);
        p.IPRange = value;
      } else {
        if (p.Gateway) throw new CliError(`cannot configure multiple gateways (${value}, ${p.Gateway}) for the same subnet (${s})`);
        p.Gateway = value;
      }
      match = true;
    }
    if (!match) throw new CliError(`no matching subnet for ${what} ${value}`);
  };
  for (const r of f.ipRanges) place(r, 'range');
  for (const g of f.gateways) place(g, 'gateway');
  for (const [name, addr] of Object.entries(f.auxAddresses)) {
    let match = false;
    for (const s of f.subnets) {
      if (!subnetMatches(s, addr)) continue;
      pools.get(s)!.AuxiliaryAddresses[name] = addr;
      match = true;
    }
    if (!match) throw new CliError(`no matching subnet for aux-address ${addr}`);
  }
  // docker marshals an empty aux map as {} only when set; an empty one is left out (omitempty).
  return [...pools.values()].map((p) => {
    const { AuxiliaryAddresses, ...rest } = p;
    return Object.keys(AuxiliaryAddresses).length ? { ...rest, AuxiliaryAddresses } : rest;
  });
}
