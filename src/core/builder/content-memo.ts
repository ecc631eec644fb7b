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
 * Digest of a file arriving chunk by chunk, compared with a kept file of the same size: while
 * every byte matches, nothing is hashed; at the first difference the bytes so far (`received`,
 * the caller's chunks) are hashed and hashing goes on. Never throws.
 */
export class MemoDigest {
  private hash: Hash | undefined;
  private index = 0;
  private offset = 0;

  constructor(
    private readonly kept: KeptFile,
    private readonly received: readonly Buffer[],
  ) {}

  /** Adds the next chunk (already appended to `received`). */
  update(chunk: Buffer): void {
    if (this.hash) {
      this.hash.update(chunk);
      return;
    }
    if (this.matches(chunk)) return;
    this.hash = createHash('sha256');
    for (const c of this.received) this.hash.update(c);
  }

  /** The hex sha256 of everything added. */
  digest(): string {
    return this.hash ? this.hash.digest('hex') : this.kept.digest;
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
