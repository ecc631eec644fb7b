/**
 * Reads the timestamps of conmon's k8s-file lines (`2026-11-22T19:15:42.756778558+00:00`)
 * straight from the bytes for `logs -t`, `--since` and `--until`: the whole-second part with
 * its offset is parsed once per second and compared byte-wise on the following lines, the
 * fraction is read as a number, and `-t` output (`2026-11-22T19:15:42.756778558Z `, Docker's
 * fixed 9 digits in UTC) is written without strings or BigInt per line. Unusual spellings
 * (no fraction, more than 9 digits) go through the general parser with the same results.
 */
import { formatNano, NanoTimeCache } from './time.js';

const DOT = 0x2e;
/** Length of `YYYY-MM-DDTHH:MM:SS`. */
const SECONDS = 19;
/** Length of what `write()` produces: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ `. */
export const STAMP_LENGTH = SECONDS + 1 + 9 + 2;

/** A point in time as whole seconds since the epoch and nanoseconds (0 ≤ nano < 1e9). */
export interface SecNano {
  sec: number;
  nano: number;
}

/** Splits nanoseconds since the epoch into {@link SecNano}. Pure. */
export function secNano(ns: bigint): SecNano {
  let sec = ns / 1_000_000_000n;
  let nano = ns % 1_000_000_000n;
  if (nano < 0n) {
    nano += 1_000_000_000n;
    sec -= 1n;
  }
  return { sec: Number(sec), nano: Number(nano) };
}

/** Incremental reader of line timestamps; `read()` one, then compare or write it. */
export class LogTimeReader {
  /** The last timestamp read (valid after `read()` returned true). */
  sec = 0;
  nano = 0;
  /** Set instead when the last one went through the general parser. */
  big: bigint | undefined;
  private readonly key = Buffer.alloc(64);
  private keyLen = -1;
  private keySec = 0;
  private readonly utc = Buffer.alloc(SECONDS);
  private fracStart = 0;
  private fracLen = 0;
  private src: Buffer | undefined;
  private readonly slow = new NanoTimeCache();

  /** Reads the timestamp in buf[a, end). Returns false when it is malformed. Never throws. */
  read(buf: Buffer, a: number, end: number): boolean {
    this.big = undefined;
    const dot = a + SECONDS;
    if (end - a < SECONDS + 2 || buf[dot] !== DOT) return this.readSlow(buf, a, end);
    let f = dot + 1;
    let nano = 0;
    while (f < end) {
      const c = buf[f]!;
      if (c < 48 || c > 57) break;
      nano = nano * 10 + (c - 48);
      f++;
    }
    const fracLen = f - dot - 1;
    if (fracLen === 0 || fracLen > 9) return this.readSlow(buf, a, end);
    for (let i = fracLen; i < 9; i++) nano *= 10;
    // The second and the offset: the same bytes as the previous line's?
    const suffix = end - f;
    let same = this.keyLen === SECONDS + suffix;
    for (let i = 0; same && i < SECONDS; i++) same = this.key[i] === buf[a + i];
    for (let i = 0; same && i < suffix; i++) same = this.key[SECONDS + i] === buf[f + i];
    if (!same) {
      if (SECONDS + suffix > this.key.length) return this.readSlow(buf, a, end);
      const base = this.slow.parse(buf.toString('latin1', a, dot) + buf.toString('latin1', f, end));
      if (base === undefined) {
        this.keyLen = -1;
        return false;
      }
      buf.copy(this.key, 0, a, dot);
      buf.copy(this.key, SECONDS, f, end);
      this.keyLen = SECONDS + suffix;
      const sn = secNano(base);
      this.keySec = sn.sec;
      this.utc.write(formatNano(base), 0, SECONDS, 'latin1');
    }
    this.sec = this.keySec;
    this.nano = nano;
    this.src = buf;
    this.fracStart = dot + 1;
    this.fracLen = fracLen;
    return true;
  }

  /** Whether the last timestamp read is before `t`. */
  before(t: SecNano): boolean {
    if (this.big !== undefined) {
      const b = secNano(this.big);
      return b.sec < t.sec || (b.sec === t.sec && b.nano < t.nano);
    }
    return this.sec < t.sec || (this.sec === t.sec && this.nano < t.nano);
  }

  /** Whether the last timestamp read is after `t`. */
  after(t: SecNano): boolean {
    if (this.big !== undefined) {
      const b = secNano(this.big);
      return b.sec > t.sec || (b.sec === t.sec && b.nano > t.nano);
    }
    return this.sec > t.sec || (this.sec === t.sec && this.nano > t.nano);
  }

  /**
   * The last timestamp as `logs -t` prints it (with the trailing space) when it went through
   * the general parser; undefined otherwise (then use `write()`).
   */
  stamp(): string | undefined {
    return this.big !== undefined ? formatNano(this.big) + ' ' : undefined;
  }

  /**
   * Writes the last (fast-path) timestamp as `logs -t` prints it, with the trailing space,
   * into `out` at `pos` (STAMP_LENGTH bytes of room needed); returns the bytes written.
   */
  write(out: Buffer, pos: number): number {
    this.utc.copy(out, pos);
    out[pos + SECONDS] = DOT;
    const src = this.src!;
    let p = pos + SECONDS + 1;
    src.copy(out, p, this.fracStart, this.fracStart + this.fracLen);
    p += this.fracLen;
    for (let i = this.fracLen; i < 9; i++) out[p++] = 48;
    out[p++] = 0x5a; // Z
    out[p++] = 0x20;
    return p - pos;
  }

  private readSlow(buf: Buffer, a: number, end: number): boolean {
    const ts = this.slow.parse(buf.toString('latin1', a, end));
    this.keyLen = -1;
    if (ts === undefined) return false;
    this.big = ts;
    return true;
  }
}
