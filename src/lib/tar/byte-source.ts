/**
 * A pull-based byte reader over a Readable (or any async iterator of chunks): exact reads,
 * bounded reads, peeks and skips, used by the tar readers (lib/tar's and the builder's context
 * reader) to parse headers and stream bodies without buffering whole entries.
 */
import type { Readable } from 'node:stream';
import { invalidArgument } from '../errors.js';

/** Pulls bytes from a Readable or a chunk iterator on demand. Not safe for concurrent reads. */
export class ByteSource {
  private readonly it: AsyncIterator<unknown>;
  private buf: Buffer = Buffer.alloc(0);
  private done = false;

  /** Wraps `source` (a Readable, or an iterator of Buffer/string/Uint8Array chunks); nothing is read until asked. */
  constructor(source: Readable | AsyncIterator<unknown>) {
    this.it = 'next' in source ? source : source[Symbol.asyncIterator]();
  }

  /** Fills the buffer with at least one more chunk; returns false at end of input. */
  private async fill(): Promise<boolean> {
    if (this.done) return false;
    let r: IteratorResult<unknown>;
    try {
      r = await this.it.next();
    } catch (e) {
      this.done = true;
      throw e;
    }
    if (r.done) {
      this.done = true;
      return false;
    }
    const v = r.value;
    const chunk = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v as Uint8Array);
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return true;
  }

  /**
   * Reads exactly `n` bytes. Returns null when the input ended before any byte was read (when
   * `allowEof`), throws InvalidArgument "unexpected EOF" when it ended part way.
   */
  async readExact(n: number, allowEof = false): Promise<Buffer | null> {
    while (this.buf.length < n) {
      if (!(await this.fill())) {
        if (allowEof && this.buf.length === 0) return null;
        throw invalidArgument('unexpected EOF');
      }
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Reads between 1 and `max` bytes; throws InvalidArgument "unexpected EOF" at end of input. */
  async readSome(max: number): Promise<Buffer> {
    if (this.buf.length === 0 && !(await this.fill())) throw invalidArgument('unexpected EOF');
    const n = Math.min(max, this.buf.length);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /**
   * The first `n` buffered bytes (fewer when the input ends sooner), read ahead as needed and
   * left in place for the next reads.
   */
  async peek(n: number): Promise<Buffer> {
    while (this.buf.length < n && (await this.fill()));
    return this.buf.subarray(0, n);
  }

  /** Skips exactly `n` bytes; throws InvalidArgument "unexpected EOF" when the input ends first. */
  async skip(n: number): Promise<void> {
    while (n > 0) n -= (await this.readSome(n)).length;
  }

  /** Returns whatever remains (chunk by chunk) until end of input. */
  async *rest(): AsyncGenerator<Buffer> {
    if (this.buf.length > 0) {
      const b = this.buf;
      this.buf = Buffer.alloc(0);
      yield b;
    }
    while (await this.fill()) {
      const b = this.buf;
      this.buf = Buffer.alloc(0);
      yield b;
    }
  }

  /** Stops the underlying iterator (destroys the source). */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.it.return?.();
  }
}
