/**
 * DNS over TCP framing (RFC 1035 §4.2.2): each message is preceded by its length as a
 * big-endian 16-bit integer.
 */

/** Accumulates TCP chunks and hands out whole messages. */
export interface FrameReader {
  /** Adds a chunk; returns the messages it completed (possibly none). */
  push(chunk: Buffer): Buffer[];
}

/** Creates a reader for one TCP stream. Never throws. */
export function createFrameReader(): FrameReader {
  let pending: Buffer | undefined;
  return {
    push(chunk) {
      let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      const out: Buffer[] = [];
      let off = 0;
      while (buf.length - off >= 2) {
        const len = buf.readUInt16BE(off);
        if (buf.length - off - 2 < len) break;
        out.push(buf.subarray(off + 2, off + 2 + len));
        off += 2 + len;
      }
      buf = buf.subarray(off);
      pending = buf.length > 0 ? Buffer.from(buf) : undefined;
      return out;
    },
  };
}

/** `msg` with its 2-byte length prefix. Throws RangeError when longer than 65535 bytes. */
export function frame(msg: Buffer): Buffer {
  if (msg.length > 0xffff) throw new RangeError('DNS message too long for TCP framing');
  const out = Buffer.allocUnsafe(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}
