/**
 * Crash-safe file writes: write a temporary sibling, fsync it, rename over the target, fsync
 * the directory. After a crash at any point the target holds either the old or the new bytes.
 * `writeFileVolatile` is the cheaper variant for files that need not survive a power loss.
 */
import { open, rename, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errnoCode } from './errors.js';

/** A fresh temporary name beside `file` (hidden, random, `.tmp`). */
function tmpSibling(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Renames `tmp` over `file`; on failure removes `tmp` and throws the rename's error. */
async function renameOver(tmp: string, file: string): Promise<void> {
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Atomically replaces `file` with `data`. Creates parent directories. Throws fs errors. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = tmpSibling(file);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await renameOver(tmp, file);
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * Replaces `file` with `data` atomically with respect to readers and a crash of this process
 * (temporary sibling + rename) but without fsync: for files that mean nothing after a reboot
 * (the exec root) or that Docker does not fsync either (a container's hostname, hosts and
 * resolv.conf). The parent directory must exist. Throws fs
 * errors (ENOENT when the directory is missing).
 */
export async function writeFileVolatile(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = tmpSibling(file);
  await writeFile(tmp, data, { mode });
  await renameOver(tmp, file);
}

/** Atomically writes `value` as JSON. */
export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, JSON.stringify(value));
}

/** Reads and parses a JSON file; returns undefined when it does not exist. Throws on bad JSON. */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Makes an already written temp file durable (fsync) and renames it over `dest` — the commit
 * step of streamed writes such as blob ingests. Throws fs errors.
 */
export async function syncAndRename(tmp: string, dest: string): Promise<void> {
  const fh = await open(tmp, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, dest);
}
