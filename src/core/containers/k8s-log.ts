/**
 * Parser of conmon's k8s-file log format: one line per record,
 * `<RFC3339Nano time> <stdout|stderr> <F|P> <text>`; `P` marks a partial line to be joined
 * with the following records of the same stream up to the next `F`.
 */
import { NanoTimeCache } from './time.js';

/** One complete log message (a full line including its trailing "\n", or a final partial). */
export interface LogEntry {
  stream: 1 | 2;
  /** Nanoseconds since the epoch (of the first part). */
  time: bigint;
  data: Buffer;
}

const SP = 0x20;
const NL = 0x0a;
const NEWLINE = Buffer.from('\n');

/**
 * Incremental parser: feed file bytes in order, get complete entries. Entries may share memory
 * with the fed chunks (callers must not reuse a chunk buffer after feeding it).
 */
export class K8sLogParser {
  private rest: Buffer = Buffer.alloc(0);
  private readonly partial = new Map<1 | 2, { time: bigint; parts: Buffer[] }>();
  private readonly times = new NanoTimeCache();

  /** Parses as many complete lines as `chunk` (plus earlier leftovers) holds. Never throws. */
  feed(chunk: Buffer): LogEntry[] {
    const buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: LogEntry[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      this.line(buf, start, nl, out);
      start = nl + 1;
    }
    this.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : Buffer.alloc(0);
    return out;
  }

  /** Returns pending partial lines as entries (at end of file of a stopped container). */
  flush(): LogEntry[] {
    const out: LogEntry[] = [];
    for (const [stream, p] of this.partial) out.push({ stream, time: p.time, data: Buffer.concat(p.parts) });
    this.partial.clear();
    return out;
  }

  /** Parses buf[start, nl) where buf[nl] is the newline. */
  private line(buf: Buffer, start: number, nl: number, out: LogEntry[]): void {
    const s1 = buf.indexOf(SP, start);
    if (s1 < 0 || s1 >= nl) return;
    const s2 = buf.indexOf(SP, s1 + 1);
    if (s2 < 0 || s2 >= nl) return;
    const time = this.times.parse(buf.toString('latin1', start, s1));
    if (time === undefined) return;
    const stream: 1 | 2 = s2 - s1 - 1 === 6 && buf[s1 + 4] === 0x65 /* "stderr"[3] */ ? 2 : 1;
    let s3 = buf.indexOf(SP, s2 + 1);
    if (s3 < 0 || s3 > nl) s3 = nl;
    const partialTag = s3 - s2 - 1 === 1 && buf[s2 + 1] === 0x50; // "P"
    const textStart = Math.min(s3 + 1, nl);
    const pending = this.partial.get(stream);
    if (partialTag) {
      const part = Buffer.from(buf.subarray(textStart, nl));
      if (pending) pending.parts.push(part);
      else this.partial.set(stream, { time, parts: [part] });
      return;
    }
    if (!pending) {
      out.push({ stream, time, data: buf.subarray(textStart, nl + 1) });
      return;
    }
    this.partial.delete(stream);
    out.push({ stream, time: pending.time, data: Buffer.concat([...pending.parts, buf.subarray(textStart, nl), NEWLINE]) });
  }
}
