/**
 * The build cache: step key → resulting image id, one small file per key under
 * `<root>/builder/cache/`, written atomically, so it survives daemon restarts. A key is the
 * sha256 of the parent image id, the step's command (as recorded in history), the build args
 * it sees and, for COPY/ADD, the content hash of the sources. Records are written atomically
 * (rename) but not fsynced. Records this daemon read or wrote are also kept in memory (the
 * files stay the truth at start; only this daemon writes them).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileVolatile } from '../../lib/atomic-file.js';
import { errnoCode } from '../../lib/errors.js';

/** Cache lookups and records. */
export interface BuildCache {
  /** The key of a step. Never throws. */
  key(parent: string | null, cmd: string[], args: string[], content?: string): string;
  /** The image id recorded for a key, or undefined. Never throws. */
  get(key: string): Promise<string | undefined>;
  /** Records a key. Throws fs errors. */
  put(key: string, imageId: string): Promise<void>;
  /** Removes every record; returns the removed keys. */
  clear(): Promise<string[]>;
}

/** Opens the cache under `dir`. Never throws (the directory is created on first write). */
export function createBuildCache(dir: string): BuildCache {
  // Records read or written by this daemon, so that a rebuild's lookups need no file reads.
  const known = new Map<string, string>();
  return {
    key(parent, cmd, args, content) {
      return createHash('sha256').update(JSON.stringify([parent ?? '', cmd, args, content ?? ''])).digest('hex');
    },
    async get(key) {
      const hit = known.get(key);
      if (hit) return hit;
      try {
        const v = (await readFile(path.join(dir, key), 'utf8')).trim();
        if (v) known.set(key, v);
        return v || undefined;
      } catch {
        return undefined;
      }
    },
    async put(key, imageId) {
      // No fsync (Docker's legacy builder syncs nothing for its cache either): a record lost or
      // emptied by a crash is a cache miss, and one naming a missing image is ignored by tryCache.
      known.delete(key);
      try {
        await writeFileVolatile(path.join(dir, key), imageId);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
        await mkdir(dir, { recursive: true });
        await writeFileVolatile(path.join(dir, key), imageId);
      }
      known.set(key, imageId);
    },
    async clear() {
      known.clear();
      const keys = await readdir(dir).catch(() => [] as string[]);
      await Promise.all(keys.map((k) => rm(path.join(dir, k), { force: true })));
      return keys;
    },
  };
}
