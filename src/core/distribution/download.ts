/**
 * Blob downloads that survive interruptions: bytes go to `<root>/distribution/partial/<hex>`
 * (appending); a broken transfer is resumed with a Range request — at once (up to 3 tries) and
 * on a later pull — and a finished file is verified against its digest by the content store as
 * it moves in. More bytes than announced, or a wrong digest, fail and discard the partial file.
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { canceled, invalidArgument, isKind } from '../../lib/errors.js';
import { FileSink } from '../../lib/tar/index.js';
import type { RepoClient } from './client.js';
import type { DistContext } from './context.js';
import type { BlobFeed } from './feed.js';

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** The partial file a download of `digest` writes to. */
export function partialPath(ctx: DistContext, digest: string): string {
  return path.join(ctx.opts.root, 'distribution', 'partial', digest.replace(/^sha256:/, ''));
}

/**
 * Streams a response body into `file` (big batched writes), calling `each` on every chunk first
 * (it may throw, or return a promise to wait for). The file is closed — every write landed —
 * before this settles, so its size is what a resume continues from. Throws the body's, the
 * file's or `each`'s errors, Canceled on abort.
 */
async function receive(body: Readable, file: string, flags: string, signal: AbortSignal, each: (c: Buffer) => Promise<void> | undefined): Promise<void> {
  const sink = await FileSink.open(file, flags);
  const onAbort = () => body.destroy(canceled());
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) throw canceled();
    for await (const c of body) {
      const a = each(c as Buffer);
      const b = sink.write(c as Buffer);
      if (a) await a;
      if (b) await b;
    }
  } catch (e) {
    body.destroy();
    await sink.close().catch(() => {}); // what arrived intact is kept for the resume
    throw signal.aborted ? canceled() : e;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  await sink.close();
}

/**
 * Makes blob `desc` present in the content store. Returns false when it already was. Calls
 * `onBytes(total)` as bytes arrive (resumed bytes included). `take`, when given, is asked for
 * a feed when a transfer starts: the feed then gets every byte of the blob in order (a resumed
 * prefix read back first), is ended as soon as the bytes match the digest (before the blob is
 * stored) and failed when that transfer fails or does not match. `onVerified` is called then
 * too (the transfer is over; storing the blob follows). Throws InvalidArgument (digest or size mismatch), NotFound,
 * Unavailable, Canceled.
 */
export async function downloadBlob(
  ctx: DistContext, client: RepoClient, desc: { digest: string; size: number }, signal: AbortSignal, onBytes?: (n: number) => void,
  take?: () => BlobFeed | undefined, onVerified?: () => void,
): Promise<boolean> {
  const have = await ctx.deps.content.info(desc.digest);
  if (have && have.size === desc.size) return false;
  const dir = path.join(ctx.opts.root, 'distribution', 'partial');
  await mkdir(dir, { recursive: true });
  const file = partialPath(ctx, desc.digest);
  return ctx.locks.with(desc.digest, async () => {
    if ((await ctx.deps.content.info(desc.digest))?.size === desc.size) return false;
    for (let attempt = 1; ; attempt++) {
      let offset = await sizeOf(file);
      let hashed: string | undefined;
      let n = 0;
      if (offset > desc.size) {
        await unlink(file).catch(() => {});
        offset = 0;
      }
      try {
        if (offset < desc.size || desc.size === 0) {
          const res = await client.getBlob(desc.digest, signal, offset > 0 ? offset : undefined);
          if (offset > 0 && res.status !== 206) offset = 0; // the registry ignored the Range: start over
          // The digest is computed as the bytes arrive (the kept prefix of a resumed file first),
          // so the finished file need not be read again; a feed (the layer's extraction) gets
          // the same bytes, from the first.
          const feed = take?.();
          const h = ctx.hashes.hash();
          try {
            if (offset > 0) {
              for await (const c of createReadStream(file, { start: 0, end: offset - 1, highWaterMark: 1 << 20 })) {
                h.update(c as Buffer);
                const wait = feed?.write(c as Buffer);
                if (wait) await wait;
              }
            }
            n = offset;
            await receive(res.body, file, offset > 0 ? 'a' : 'w', signal, (c) => {
              n += c.length;
              if (n > desc.size) throw invalidArgument(`blob ${desc.digest}: more data than the ${desc.size} bytes announced`);
              h.update(c);
              onBytes?.(n);
              return feed?.write(c);
            });
            if (n < desc.size) throw invalidArgument(`unexpected EOF: blob ${desc.digest} truncated at ${n} of ${desc.size} bytes`);
            const received = Date.now();
            hashed = await h.digest();
            ctx.deps.log.debug('blob received', { digest: desc.digest, size: desc.size, hashMs: Date.now() - received });
            // Verified bytes end the feed at once: its extraction need not wait for the fsync.
            if (hashed === desc.digest) {
              feed?.end();
              onVerified?.();
            }
            else feed?.fail(invalidArgument(`digest mismatch: expected ${desc.digest}, got ${hashed}`));
          } catch (e) {
            h.dispose();
            feed?.fail(e);
            throw e;
          }
        }
        const storing = Date.now();
        await ctx.deps.content.ingestFile(file, { digest: desc.digest, size: desc.size }, signal, hashed);
        ctx.deps.log.debug('blob stored', { digest: desc.digest, storeMs: Date.now() - storing });
        return true;
      } catch (e) {
        if (isKind(e, 'InvalidArgument') && !/unexpected EOF/.test((e as Error).message)) {
          await unlink(file).catch(() => {});
          throw e;
        }
        const retriable = !signal.aborted && !isKind(e, 'NotFound') && !isKind(e, 'Unauthenticated') && !isKind(e, 'Canceled');
        if (!retriable || attempt >= 3) throw e;
        ctx.deps.log.debug('resuming blob download', { digest: desc.digest, attempt, error: (e as Error).message });
      }
    }
  });
}
