/** Time helpers: RFC3339Nano strings as Docker prints them, and parsing them back. */

/** Now as an RFC3339 UTC string with 9 fractional digits (Docker's fixed nano format). */
export function nowNano(): string {
  const ms = Date.now();
  const subMs = Number(process.hrtime.bigint() % 1_000_000n);
  return formatNano(BigInt(ms) * 1_000_000n + BigInt(subMs));
}

/** Formats nanoseconds since the epoch as `2006-01-02T15:04:05.000000000Z`. Never throws. */
export function formatNano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${base}.${frac}Z`;
}

/**
 * Parses an RFC3339 timestamp with up to 9 fractional digits and an offset (`Z` or `±hh:mm`)
 * into nanoseconds since the epoch. Returns undefined when malformed.
 */
export function parseNano(s: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(s);
  if (!m) return undefined;
  const offset = m[3] === 'Z' ? 'Z' : m[3]!.length === 5 ? `${m[3]!.slice(0, 3)}:${m[3]!.slice(3)}` : m[3]!;
  const ms = Date.parse(`${m[1]}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}

/**
 * `parseNano` for a run of log timestamps that mostly share their second: the whole-second
 * part with the offset ("2026-11-22T12:00:00" + "Z|+00:00") is parsed once and cached, only
 * the fraction is added per call.
 */
export class NanoTimeCache {
  private lastKey = '';
  private lastBase = 0n;

  /** Nanoseconds since the epoch of `s`, or undefined when malformed. Never throws. */
  parse(s: string): bigint | undefined {
    const dot = s.indexOf('.', 19);
    let fracEnd = dot < 0 ? 19 : dot + 1;
    if (dot >= 0) while (fracEnd < s.length && s.charCodeAt(fracEnd) >= 48 && s.charCodeAt(fracEnd) <= 57) fracEnd++;
    const key = s.slice(0, 19) + s.slice(fracEnd);
    if (key !== this.lastKey) {
      const base = parseNano(key);
      if (base === undefined) return undefined;
      this.lastKey = key;
      this.lastBase = base;
    }
    if (dot < 0) return this.lastBase;
    const frac = s.slice(dot + 1, fracEnd);
    if (frac.length === 0 || frac.length > 9) return parseNano(s);
    return this.lastBase + BigInt(frac.padEnd(9, '0'));
  }
}

/** Seconds (fractional) since the epoch of an RFC3339 string; 0 for the zero time or garbage. */
export function toSeconds(s: string): number {
  const ns = parseNano(s);
  return ns === undefined || ns < 0n ? 0 : Number(ns) / 1e9;
}
