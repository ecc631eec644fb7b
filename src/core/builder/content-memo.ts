/**
 * The big files of the last build context, kept for a short while after it with their digests:
 * when the next context brings a file of the same name and size, its bytes are compared with
 * the kept ones as they arrive (a comparison costs a fraction of hashing) and, when every byte
 * is the same, the kept digest is reused. The digest still follows content, never mtimes. On
 * a 2-core machine where the client sending the context needs a core, this is what makes a
 * rebuild of an unchanged 50 MB context cheap. The memory is released after `ttlMs` (and when
 * a later build publishes its own files).
 */
import { createHash, type Hash } from 'node:crypto';

/** One kept file: its content as received and its digest. */
export interface KeptFile {
  chunks: Buffer[];
  size: number;
  digest: string;
}

/** Files of the last context, by entry name. */
export interface ContentMemo {
  /** The kept file of that name and size, or undefined. Never throws. */
  get(name: string, size: number): KeptFile | undefined;
  /** Replaces what is kept (name → held chunks and digest); forgotten after the ttl. Never throws. */
  publish(files: Map<string, KeptFile>): void;
}

/** Creates a memo keeping files `ttlMs` (default 60 s). Never throws. */
export function createContentMemo(options: { ttlMs?: number } = {}): ContentMemo {
  const ttl = options.ttlMs ?? 60_000;
  let kept = new Map<string, KeptFile>();
  let timer: NodeJS.Timeout | undefined;
  return {
    get(name, size) {
      const k = kept.get(name);
      return k && k.size === size ? k : undefined;
    },
    publish(files) {
      kept = files;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (files.size === 0) return;
      timer = setTimeout(() => {
        kept = new Map();
        timer = undefined;
      }, ttl);
      timer.unref();
    },
  };
}

/**
 * Digest and content of a file arriving chunk by chunk, compared with a kept file of the same
 * size: while every byte matches, nothing is hashed and nothing is kept (the kept chunks are
 * the content: the received ones can be dropped at once). At the first difference, the kept
 * bytes before it (equal to the received ones) are hashed and hashing goes on with the
 * received bytes, which are kept from there. Never throws.
 */
export class MemoDigest {
  private hash: Hash | undefined;
  private index = 0;
  private offset = 0;
  /** Bytes matched so far (while no difference was seen). */
  private matched = 0;
  private readonly head: Buffer[] = [];
  private readonly tail: Buffer[] = [];

  constructor(private readonly kept: KeptFile) {}

  /** Adds the next chunk (the caller need not keep it). */
  update(chunk: Buffer): void {
    if (this.hash) {
      this.hash.update(chunk);
      this.tail.push(chunk);
      return;
    }
    if (this.matches(chunk)) {
      this.matched += chunk.length;
      return;
    }
    // The first `matched` bytes equal the kept ones: their subarrays stand for them.
    this.hash = createHash('sha256');
    let left = this.matched;
    for (const k of this.kept.chunks) {
      if (left === 0) break;
      const part = left >= k.length ? k : k.subarray(0, left);
      this.hash.update(part);
      this.head.push(part);
      left -= part.length;
    }
    this.hash.update(chunk);
    this.tail.push(chunk);
  }

  /** The hex sha256 of everything added (call after the last update). */
  digest(): string {
    return this.hash ? this.hash.digest('hex') : this.kept.digest;
  }

  /** The content: the kept chunks when all matched, else kept head + received tail. */
  body(): Buffer[] {
    return this.hash ? [...this.head, ...this.tail] : this.kept.chunks;
  }

  /** True when `chunk` equals the kept bytes at the current position (advancing it). */
  private matches(chunk: Buffer): boolean {
    let pos = 0;
    while (pos < chunk.length) {
      const k = this.kept.chunks[this.index];
      if (!k) return false;
      const n = Math.min(k.length - this.offset, chunk.length - pos);
      if (k.compare(chunk, pos, pos + n, this.offset, this.offset + n) !== 0) return false;
      pos += n;
      this.offset += n;
      if (this.offset === k.length) {
        this.index++;
        this.offset = 0;
      }
    }
    return true;
  }
}
