/**
 * Filesystem content store: blobs at `<root>/content/blobs/sha256/<hex>`, written through a
 * temporary ingest file (`<root>/content/ingest/`) that is hashed while written, verified,
 * fsynced and then renamed into place — a blob is never visible before it is verified.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, open } from 'node:fs/promises';
import { syncAndRename } from '../../lib/atomic-file.js';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { canceled, errnoCode, invalidArgument, notFound } from '../../lib/errors.js';
import type { BlobInfo, ContentStore } from './index.js';

const digestRe = /^sha256:[a-f0-9]{64}$/;

function hexOf(digest: string): string {
  if (!digestRe.test(digest)) throw invalidArgument(`invalid digest: ${digest}`);
  return digest.slice(7);
}

/**
 * Opens (creating if needed) the content store under `options.root`. Removes leftover ingest
 * files from an earlier crash. Throws fs errors.
 */
export async function createContentStore(options: { root: string }): Promise<ContentStore> {
  const blobsDir = path.join(options.root, 'content', 'blobs', 'sha256');
  const ingestDir = path.join(options.root, 'content', 'ingest');
  await mkdir(blobsDir, { recursive: true });
  await rm(ingestDir, { recursive: true, force: true });
  await mkdir(ingestDir, { recursive: true });

  const blobPath = (digest: string) => path.join(blobsDir, hexOf(digest));

  const commit = (tmp: string, digest: string) => syncAndRename(tmp, blobPath(digest));

  const store: ContentStore = {
    blobPath,
    async info(digest) {
      try {
        const st = await stat(blobPath(digest));
        return { digest, size: st.size };
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return undefined;
        throw e;
      }
    },
    async read(digest) {
      try {
        return await readFile(blobPath(digest));
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') throw notFound(`content ${digest}: not found`);
        throw e;
      }
    },
    readStream(digest) {
      // The file stream's own error cannot be replaced once it failed: callers read a
      // PassThrough that fails with NotFound for a missing blob (and stops the file stream
      // when they stop reading).
      const file = createReadStream(blobPath(digest), { highWaterMark: 1 << 20 });
      const out = new PassThrough({ highWaterMark: 1 << 20 });
      file.on('error', (e) => out.destroy(errnoCode(e) === 'ENOENT' ? notFound(`content ${digest}: not found`) : e));
      out.on('close', () => file.destroy());
      return file.pipe(out);
    },
    async put(data) {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      const digest = 'sha256:' + createHash('sha256').update(buf).digest('hex');
      const existing = await store.info(digest);
      if (existing) return existing;
      const tmp = path.join(ingestDir, randomBytes(8).toString('hex'));
      const fh = await open(tmp, 'w', 0o644);
      try {
        await fh.writeFile(buf);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(tmp, blobPath(digest));
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
      return { digest, size: buf.byteLength };
    },
    async ingest(source: Readable, expected?: Partial<BlobInfo>, signal?: AbortSignal) {
      if (expected?.digest !== undefined) hexOf(expected.digest);
      const tmp = path.join(ingestDir, randomBytes(8).toString('hex'));
      const hash = createHash('sha256');
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      try {
        await pipeline(source, counter, createWriteStream(tmp, { mode: 0o644 }), { signal });
        const digest = 'sha256:' + hash.digest('hex');
        if (expected?.digest !== undefined && expected.digest !== digest) {
          throw invalidArgument(`digest mismatch: expected ${expected.digest}, got ${digest}`);
        }
        if (expected?.size !== undefined && expected.size !== size) {
          throw invalidArgument(`size mismatch for ${digest}: expected ${expected.size} bytes, got ${size}`);
        }
        await commit(tmp, digest);
        return { digest, size };
      } catch (e) {
        await unlink(tmp).catch(() => {});
        if (signal?.aborted || (e as Error).name === 'AbortError') throw canceled();
        throw e;
      }
    },
    async ingestFile(file, expected, signal, hashed) {
      if (expected?.digest !== undefined) hexOf(expected.digest);
      if (hashed !== undefined) hexOf(hashed);
      const hash = createHash('sha256');
      let size = 0;
      try {
        if (hashed === undefined) {
          for await (const c of createReadStream(file, { highWaterMark: 1 << 20, signal })) {
            hash.update(c as Buffer);
            size += (c as Buffer).length;
          }
        } else {
          size = (await stat(file)).size;
        }
        const digest = hashed ?? 'sha256:' + hash.digest('hex');
        if (expected?.digest !== undefined && expected.digest !== digest) {
          throw invalidArgument(`digest mismatch: expected ${expected.digest}, got ${digest}`);
        }
        if (expected?.size !== undefined && expected.size !== size) {
          throw invalidArgument(`size mismatch for ${digest}: expected ${expected.size} bytes, got ${size}`);
        }
        await commit(file, digest);
        return { digest, size };
      } catch (e) {
        await unlink(file).catch(() => {});
        if (signal?.aborted || (e as Error).name === 'AbortError') throw canceled();
        throw e;
      }
    },
    async delete(digest) {
      await rm(blobPath(digest), { force: true });
    },
    async list() {
      const names = await readdir(blobsDir);
      return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => 'sha256:' + n);
    },
  };
  return store;
}
