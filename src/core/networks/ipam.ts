/**
 * IPv4 address management, pure (no I/O): address and CIDR parsing, overlap checks, automatic
 * subnet selection from address pools, and per-subnet address pools that allocate like
 * Docker's bitmap with a "next" pointer (dynamic addresses are handed out sequentially after
 * the last one given, wrapping around, so a freed address is not reused at once).
 */

/** An IPv4 prefix: `base` is the masked network address as an unsigned 32-bit number. */
export interface Cidr {
  base: number;
  bits: number;
}

/** Parses a dotted-quad IPv4 address to an unsigned 32-bit number; undefined when it is not one. Never throws. */
export function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Formats an unsigned 32-bit number as a dotted quad. Never throws. */
export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The netmask of a prefix length as an unsigned number. */
export function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Parses `a.b.c.d/n`. Returns the address as written (`addr`) and the prefix (`cidr`, masked);
 * undefined when it is not IPv4 CIDR notation. Never throws.
 */
export function parseCidr(s: string): { addr: number; cidr: Cidr } | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const addr = parseIPv4(m[1]!);
  const bits = Number(m[2]);
  if (addr === undefined || bits > 32) return undefined;
  return { addr, cidr: { base: (addr & maskOf(bits)) >>> 0, bits } };
}

/** `a.b.c.d/n` of a prefix. */
export function cidrString(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.bits}`;
}

/** Number of addresses in a prefix. */
export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.bits);
}

/** Last address of a prefix (its broadcast address). */
export function cidrLast(c: Cidr): number {
  return c.base + cidrSize(c) - 1;
}

/** True when `ip` lies inside `c`. */
export function cidrContains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip <= cidrLast(c);
}

/** True when two prefixes share an address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= cidrLast(b) && b.base <= cidrLast(a);
}

/** Docker's MAC rule: `02:42:` followed by the four bytes of the IPv4 address. */
export function macForIp(ip: number): string {
  const b = [0x02, 0x42, (ip >>> 24) & 255, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** One `default-address-pools` entry: `base` split into prefixes of length `size`. */
export interface PoolSpec {
  base: string;
  size: number;
}

/** Docker's default local address pools: 172.17–31.0.0/16, then 192.168.0.0/16 in /20s. */
export const DEFAULT_ADDRESS_POOLS: readonly PoolSpec[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

/**
 * The first prefix carved from `pools` (in order) that overlaps none of `taken`, or undefined
 * when every one does. Skips pool entries that are not valid (bad CIDR, size smaller than the
 * base's prefix). Never throws.
 */
export function pickSubnet(pools: readonly PoolSpec[], taken: readonly Cidr[]): Cidr | undefined {
  for (const p of pools) {
    const parsed = parseCidr(p.base);
    if (!parsed || p.size < parsed.cidr.bits || p.size > 32) continue;
    const step = 2 ** (32 - p.size);
    const end = cidrLast(parsed.cidr);
    for (let base = parsed.cidr.base; base <= end; base += step) {
      const c: Cidr = { base, bits: p.size };
      // Skip whole runs of candidates inside one taken prefix quickly.
      const hit = taken.find((t) => cidrOverlaps(t, c));
      if (!hit) return c;
      const after = cidrLast(hit) + 1;
      if (after > base + step) base = Math.ceil((after - parsed.cidr.base) / step) * step + parsed.cidr.base - step;
    }
  }
  return undefined;
}

/** Result of asking a pool for a specific address. */
export type StaticResult = 'ok' | 'in-use' | 'outside';

/**
 * The addresses of one subnet: network and broadcast addresses (for prefixes up to /30), the
 * gateway and auxiliary addresses are reserved; dynamic allocation stays inside `range`
 * (`--ip-range`/`--fixed-cidr`, default the whole subnet) and proceeds sequentially after the
 * last address given, wrapping around.
 */
export class AddressPool {
  readonly subnet: Cidr;
  readonly range: Cidr;
  private readonly used = new Set<number>();
  private readonly reserved = new Set<number>();
  private next: number;

  /** Throws RangeError when `range` is not inside `subnet`. */
  constructor(o: { subnet: Cidr; range?: Cidr; reserved?: number[] }) {
    this.subnet = o.subnet;
    this.range = o.range ?? o.subnet;
    if (!cidrContains(this.subnet, this.range.base) || !cidrContains(this.subnet, cidrLast(this.range))) {
      throw new RangeError(`range ${cidrString(this.range)} is not inside ${cidrString(this.subnet)}`);
    }
    if (this.subnet.bits <= 30) {
      this.reserved.add(this.subnet.base);
      this.reserved.add(cidrLast(this.subnet));
    }
    for (const r of o.reserved ?? []) this.reserved.add(r);
    this.next = this.range.base;
  }

  /** Whether `ip` is currently given out (reserved addresses are not counted). */
  isAllocated(ip: number): boolean {
    return this.used.has(ip);
  }

  /** Number of addresses given out. */
  get allocatedCount(): number {
    return this.used.size;
  }

  /** The next free address of the range after the last one given (wrapping), or undefined when the range is full. */
  allocate(): number | undefined {
    const size = cidrSize(this.range);
    const first = this.range.base;
    let cand = this.next;
    for (let i = 0; i < size; i++) {
      if (cand > cidrLast(this.range)) cand = first;
      if (!this.used.has(cand) && !this.reserved.has(cand)) {
        this.used.add(cand);
        this.next = cand + 1;
        return cand;
      }
      cand++;
    }
    return undefined;
  }

  /** Takes a specific address of the subnet (it may lie outside the dynamic range); the "next" pointer does not move. */
  allocateStatic(ip: number): StaticResult {
    if (!cidrContains(this.subnet, ip)) return 'outside';
    if (this.used.has(ip) || this.reserved.has(ip)) return 'in-use';
    this.used.add(ip);
    return 'ok';
  }

  /** Gives an address back. No-op when it was not given. */
  release(ip: number): void {
    this.used.delete(ip);
  }
}
