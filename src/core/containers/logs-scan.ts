/**
 * The fast path of `docker logs`: scans conmon's k8s-file bytes (`<time> <stream> <F|P> <text>`
 * lines) and turns the text of the wanted lines into large output frames (one per run of the
 * same stream within a read buffer), without an object per line: in place in the read buffer
 * when no bytes are added (no `-t`, no `--details`), else copied into 256 KiB frames (see
 * LogScanner). Partial (`P`) records
 * are written as they come — their bytes joined with the final `F` record are the original
 * line — so the output is byte-exact; a line's timestamp (for `-t`, since and until) is the
 * one of its first record. Timestamps are parsed only when an option needs them.
 */
import { LogTimeReader, secNano, STAMP_LENGTH, type SecNano } from './logs-time.js';
import { ReadBufferPool } from './logs-pool.js';

/** Which lines to produce and how. */
export interface ScanOptions {
  stdout: boolean;
  stderr: boolean;
  /** Unix seconds (fractional): keep lines at or after. */
  since?: number;
  until?: number;
  timestamps: boolean;
  /** `--details`: written at the start of every kept line, after the timestamp. */
  prefix?: string;
}

/** One output frame. */
export interface LogChunk {
  stream: 1 | 2;
  data: Buffer;
  /**
   * Set on frames that are views of a pooled read buffer: call it once `data` has been handed
   * to the kernel (a socket write's callback) so the buffer can be reused (logs-pool.ts).
   * Optional for consumers: frames never released simply are not recycled.
   */
  release?: () => void;
}

const SP = 0x20;
const NL = 0x0a;
const FRAME = 256 * 1024;

/** Size of a fresh read buffer; the scanner reads into the free tail of its buffer while that holds at least MIN_SPACE. */
const READ = 1024 * 1024;
const MIN_SPACE = 64 * 1024;

/**
 * Incremental scanner. Bytes come in file order, either read straight into the scanner's
 * buffer (`space()` then `commit(n)`: no copy) or copied in with `feed()`; frames are taken
 * with `take()`.
 *
 * Without timestamps and details (the common case) the scanner works in place: the text of
 * kept lines is moved down over the k8s-file prefixes inside the read buffer and frames are
 * views of it, so a byte is copied once (a memmove) between the file and the socket. The
 * buffer is then never reused: a new one is allocated when its free tail is too small, and
 * the unfinished last line is carried over. With timestamps or details the text is copied
 * into separate frame buffers and the read buffer is reused.
 */
export class LogScanner {
  private readonly out: LogChunk[] = [];
  /** The read buffer: bytes [scanFrom, end) are read but not scanned (an unfinished line). */
  private cur: Buffer | undefined;
  private scanFrom = 0;
  private end = 0;
  /** In place: output position in `cur` and start of the open frame. */
  private w = 0;
  private frameStart = 0;
  private readonly inPlace: boolean;
  private readonly pool = new ReadBufferPool(READ);
  /** Copy mode: the frame buffer. */
  private buf: Buffer | undefined;
  private pos = 0;
  private start = 0;
  private stream: 1 | 2 = 1;
  /** Per stream: at the start of a line, and whether the current line is kept. */
  private readonly atStart = [true, true, true];
  private readonly keeping = [true, true, true];
  private readonly needTime: boolean;
  private readonly prefix: Buffer | undefined;
  private readonly since: SecNano | undefined;
  private readonly until: SecNano | undefined;
  private readonly times = new LogTimeReader();
  /** Complete lines produced so far (for tail bookkeeping). */
  lines = 0;

  constructor(private readonly o: ScanOptions) {
    // 1 µs of slack: since/until arrive as float seconds.
    this.since = o.since !== undefined && o.since > 0 ? secNano(BigInt(Math.round(o.since * 1e6) - 1) * 1000n) : undefined;
    this.until = o.until !== undefined && o.until > 0 ? secNano(BigInt(Math.round(o.until * 1e6) + 1) * 1000n) : undefined;
    this.prefix = o.prefix !== undefined ? Buffer.from(o.prefix) : undefined;
    this.needTime = o.timestamps || this.since !== undefined || this.until !== undefined;
    this.inPlace = !o.timestamps && this.prefix === undefined;
  }

  /**
   * Where to read the next bytes: `buf` from `off` to its end. Pass the count read to
   * `commit()` before calling `space()` again.
   */
  space(): { buf: Buffer; off: number } {
    const cur = this.cur;
    if (cur && cur.length - this.end >= MIN_SPACE) return { buf: cur, off: this.end };
    const rest = this.end - this.scanFrom;
    let next: Buffer;
    if (!this.inPlace && cur && cur.length >= 2 * rest + MIN_SPACE) next = cur;
    else if (this.inPlace) next = this.pool.get(Math.max(READ, 2 * rest + MIN_SPACE));
    else next = Buffer.allocUnsafe(Math.max(READ, 2 * rest + MIN_SPACE));
    if (this.inPlace) this.cutInPlace();
    if (cur && rest > 0) cur.copy(next, 0, this.scanFrom, this.end);
    if (cur && this.inPlace) this.pool.retire(cur);
    this.cur = next;
    this.scanFrom = 0;
    this.end = rest;
    this.w = 0;
    this.frameStart = 0;
    return { buf: next, off: rest };
  }

  /** `n` bytes were read into the buffer `space()` gave: scans the complete lines. */
  commit(n: number): void {
    const buf = this.cur;
    if (!buf || n <= 0) return;
    this.end += n;
    let s = this.scanFrom;
    const len = this.end;
    while (s < len) {
      const nl = buf.indexOf(NL, s);
      if (nl < 0 || nl >= len) break;
      this.line(buf, s, nl);
      s = nl + 1;
    }
    this.scanFrom = s;
  }

  /** Scans the complete lines of `chunk` (after earlier leftovers), copying it in. The chunk may be reused afterwards. */
  feed(chunk: Buffer): void {
    let p = 0;
    while (p < chunk.length) {
      const { buf, off } = this.space();
      const n = chunk.copy(buf, off, p);
      p += n;
      this.commit(n);
    }
  }

  /** Takes the frames produced so far. */
  take(): LogChunk[] {
    this.cut();
    return this.out.splice(0, this.out.length);
  }

  /** Whether the scanner holds an incomplete line or an unfinished partial record. */
  get midLine(): boolean {
    return this.end > this.scanFrom || !this.atStart[1] || !this.atStart[2];
  }

  private cutInPlace(): void {
    if (this.w > this.frameStart) {
      const release = this.pool.frame(this.cur!);
      const data = this.cur!.subarray(this.frameStart, this.w);
      this.out.push(release ? { stream: this.stream, data, release } : { stream: this.stream, data });
      this.frameStart = this.w;
    }
  }

  private cut(): void {
    if (this.inPlace) this.cutInPlace();
    else if (this.buf && this.pos > this.start) {
      this.out.push({ stream: this.stream, data: this.buf.subarray(this.start, this.pos) });
      this.start = this.pos;
    }
  }

  private room(stream: 1 | 2, n: number): void {
    if (stream !== this.stream) {
      this.cut();
      this.stream = stream;
    }
    if (!this.buf || this.pos + n > this.buf.length) {
      this.cut();
      this.buf = Buffer.allocUnsafe(Math.max(FRAME, n));
      this.pos = 0;
      this.start = 0;
    }
  }

  private put(stream: 1 | 2, src: Buffer, a: number, b: number): void {
    const n = b - a;
    if (n <= 0) return;
    if (this.inPlace) {
      // src is the read buffer and a >= w: move the text down over the prefixes.
      if (stream !== this.stream) {
        this.cutInPlace();
        this.stream = stream;
      }
      if (a !== this.w) src.copyWithin(this.w, a, b);
      this.w += n;
      return;
    }
    this.room(stream, n);
    src.copy(this.buf!, this.pos, a, b);
    this.pos += n;
  }

  private putString(stream: 1 | 2, s: string): void {
    this.room(stream, s.length);
    this.pos += this.buf!.write(s, this.pos, 'latin1');
  }

  /** Handles buf[a, nl) where buf[nl] is the newline. */
  private line(buf: Buffer, a: number, nl: number): void {
    const s1 = buf.indexOf(SP, a);
    if (s1 < 0 || s1 >= nl) return;
    const s2 = buf.indexOf(SP, s1 + 1);
    if (s2 < 0 || s2 >= nl) return;
    const stream: 1 | 2 = s2 - s1 - 1 === 6 && buf[s1 + 4] === 0x65 /* "stderr"[3] */ ? 2 : 1;
    let s3 = s2 + 2;
    if (s3 > nl || (s3 < nl && buf[s3] !== SP)) {
      s3 = buf.indexOf(SP, s2 + 1);
      if (s3 < 0 || s3 > nl) s3 = nl;
    }
    const partial = s3 - s2 - 1 === 1 && buf[s2 + 1] === 0x50; // "P"
    const textStart = Math.min(s3 + 1, nl);
    if (this.atStart[stream]) {
      let keep = stream === 1 ? this.o.stdout : this.o.stderr;
      if (keep && this.needTime) {
        const t = this.times;
        if (!t.read(buf, a, s1)) keep = false;
        else if (this.since !== undefined && t.before(this.since)) keep = false;
        else if (this.until !== undefined && t.after(this.until)) keep = false;
      }
      this.keeping[stream] = keep;
      if (keep && this.o.timestamps) {
        const s = this.times.stamp();
        if (s !== undefined) this.putString(stream, s);
        else {
          this.room(stream, STAMP_LENGTH);
          this.pos += this.times.write(this.buf!, this.pos);
        }
      }
      if (keep && this.prefix) this.put(stream, this.prefix, 0, this.prefix.length);
    }
    if (this.keeping[stream]) this.put(stream, buf, textStart, partial ? nl : nl + 1);
    this.atStart[stream] = !partial;
    if (!partial && this.keeping[stream]) this.lines++;
  }
}

/** Whether a k8s-file line (bytes a..nl) is a complete (`F`) record (or any, with `partialToo`) of a wanted stream. Pure. */
export function isCountedLine(buf: Buffer, a: number, nl: number, o: { stdout: boolean; stderr: boolean }, partialToo = false): boolean {
  const s1 = buf.indexOf(SP, a);
  if (s1 < 0 || s1 >= nl) return false;
  const s2 = buf.indexOf(SP, s1 + 1);
  if (s2 < 0 || s2 >= nl) return false;
  const stream = s2 - s1 - 1 === 6 && buf[s1 + 4] === 0x65 ? 2 : 1;
  if (stream === 1 ? !o.stdout : !o.stderr) return false;
  return partialToo || !(buf[s2 + 1] === 0x50 && (s2 + 2 >= nl || buf[s2 + 2] === SP));
}
