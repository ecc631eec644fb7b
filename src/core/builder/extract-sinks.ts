/**
 * Where the bodies of a context tar go while it streams in (extract.ts): held in memory and
 * hashed or compared (deferred.ts, content-memo.ts), or written to a file in batches.
 */
import type { FileHandle } from 'node:fs/promises';
import { chmod, lchown, utimes } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import type { TarHeader } from '../../lib/tar/index.js';
import type { BodySink } from './context-push.js';
import { MemoDigest } from './content-memo.js';
import { holdFile } from './deferred.js';
import type { ExtractOptions } from './extract.js';

/** Files up to this size are gathered whole (held as one copy, or written by the pool). */
export const SMALL = 1 << 20;

/** The pieces of a body gathered whole: one piece as it is, several concatenated. */
export function joined(pieces: Buffer[]): Buffer {
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

/** Bytes a file streamed to disk gathers before one writev. */
const WRITE_BATCH = 1 << 20;

/**
 * A sink writing a big body to a new file `target` (opened by the caller), in batches,
 * hashing it when asked; at the end the file gets its mode, owner and mtime. Throws fs errors
 * (through the promises it returns).
 */
export function fileSink(fh: FileHandle, target: string, mode: number, mtime: Date, owner: { uid: number; gid: number } | undefined, hash: Hash | undefined, done: (hex: string | undefined) => void): BodySink {
  let batch: Buffer[] = [];
  let size = 0;
  let closed = false;
  const flush = async () => {
    const b = batch;
    batch = [];
    size = 0;
    for (let i = 0; i < b.length; i += 256) await fh.writev(b.slice(i, i + 256));
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  return {
    data(piece) {
      hash?.update(piece);
      batch.push(piece);
      size += piece.length;
      if (size >= WRITE_BATCH) return flush().catch(async (e: unknown) => {
        await close().catch(() => {});
        throw e;
      });
    },
    async end() {
      try {
        await flush();
      } finally {
        await close();
      }
      await chmod(target, mode);
      if (owner) await lchown(target, owner.uid, owner.gid);
      await utimes(target, mtime, mtime);
      done(hash?.digest('hex'));
    },
  };
}

/**
 * The sink of a regular file held in memory, nothing on disk (deferred.ts): hashed as it
 * arrives or, when the last context had a file of that name and size, compared with it
 * (content-memo.ts). `opts` must have `defer`, `hashes` and `mtimes`. Never throws.
 */
export function heldSink(h: TarHeader, name: string, target: string, mode: number, opts: ExtractOptions): BodySink {
  const defer = opts.defer!;
  const hashes = opts.hashes!;
  const mtimes = opts.mtimes!;
  const hold = (chunks: Buffer[]) => {
    mtimes.set(target, h.mtime);
    holdFile(defer, target, chunks, mode, h.size);
  };
  if (h.size <= SMALL) {
    const pieces: Buffer[] = [];
    return {
      data(piece) {
        pieces.push(piece);
      },
      end() {
        // A copy: a subarray would pin the whole socket chunk it came in.
        const data = Buffer.from(joined(pieces));
        if (opts.capture?.names.has(name)) opts.capture.files.set(name, data);
        hashes.set(target, createHash('sha256').update(data).digest('hex'));
        hold([data]);
      },
    };
  }
  const kept = opts.memo?.get(name, h.size);
  if (kept) {
    // The last context had a file of this name and size: compare instead of hashing.
    const digest = new MemoDigest(kept);
    return {
      data(piece) {
        digest.update(piece);
      },
      end() {
        const hex = digest.digest();
        const chunks = digest.body();
        hashes.set(target, hex);
        opts.memoOut?.set(name, { chunks, size: h.size, digest: hex });
        hold(chunks);
      },
    };
  }
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  return {
    data(piece) {
      hash.update(piece);
      chunks.push(piece);
    },
    end() {
      const hex = hash.digest('hex');
      hashes.set(target, hex);
      opts.memoOut?.set(name, { chunks, size: h.size, digest: hex });
      hold(chunks);
    },
  };
}
