/**
 * Docker's stdcopy framing for non-TTY attach/logs/exec streams: each chunk is preceded by an
 * 8-byte header `[stream, 0, 0, 0, size (big-endian uint32)]`; stream 0 stdin, 1 stdout,
 * 2 stderr, 3 system error (the daemon's in-band error message).
 */

/** Stream numbers used in the frame header. */
export type StdStream = 0 | 1 | 2 | 3;

/** One decoded frame. */
export interface StdFrame {
  stream: StdStream;
  data: Buffer;
}

const HEADER = 8;
/** Largest payload per frame (sizes are uint32; big chunks are split below this). */
const MAX_FRAME = 0x7fffffff;

/**
 * The 8-byte header of a frame of `size` bytes for `stream` (write it, then the payload, to
 * frame without copying the payload). Throws RangeError when `size` exceeds the uint32 range.
 */
export function frameHeader(stream: StdStream, size: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER);
  h.writeUInt32BE(size, 4);
  h[0] = stream;
  h[1] = 0;
  h[2] = 0;
  h[3] = 0;
  return h;
}

/** Frames `data` for `stream` (splitting payloads larger than 2 GiB). Never throws. */
export function encodeFrame(stream: StdStream, data: Buffer | string): Buffer {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  if (buf.length <= MAX_FRAME) {
    const h = Buffer.alloc(HEADER);
    h[0] = stream;
    h.writeUInt32BE(buf.length, 4);
    return Buffer.concat([h, buf]);
  }
  const parts: Buffer[] = [];
  for (let off = 0; off < buf.length; off += MAX_FRAME) parts.push(encodeFrame(stream, buf.subarray(off, off + MAX_FRAME)));
  return Buffer.concat(parts);
}

/**
 * Incremental decoder: push bytes as they arrive, get the complete frames. Throws Error
 * "invalid stdcopy stream byte N" when a header names an unknown stream.
 */
export class StdcopyDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds bytes and returns every frame completed by them. */
  push(chunk: Buffer): StdFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: StdFrame[] = [];
    while (this.pending.length >= HEADER) {
      const stream = this.pending[0];
      if (stream > 3) throw new Error(`invalid stdcopy stream byte ${stream}`);
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER + size) break;
      frames.push({ stream: stream as StdStream, data: this.pending.subarray(HEADER, HEADER + size) });
      this.pending = this.pending.subarray(HEADER + size);
    }
    return frames;
  }

  /** Bytes received that do not yet form a complete frame. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Decodes a complete buffer into frames. Throws like StdcopyDecoder.push, or Error "truncated stdcopy frame". */
export function decodeAll(buf: Buffer): StdFrame[] {
  const d = new StdcopyDecoder();
  const frames = d.push(buf);
  if (d.buffered) throw new Error('truncated stdcopy frame');
  return frames;
}
