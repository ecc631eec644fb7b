/**
 * Record store on the filesystem: one JSON file per record (`<dir>/<id>.json`), written
 * atomically through lib/atomic-file, all loaded into memory at open.
 */
import { mkdir, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeFileVolatile, writeJsonAtomic } from '../../lib/atomic-file.js';
import { errnoCode, invalidArgument } from '../../lib/errors.js';
import type { RecordStore, RecordStoreOptions } from './index.js';

const idRe = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

function checkId(id: string): void {
  if (!idRe.test(id) || id.length > 200) throw invalidArgument(`invalid record id: ${id}`);
}

/**
 * Opens the record directory `dir` (created if missing), removes temp files left by a crash
 * and loads every record. Throws fs errors, and a SyntaxError naming the file for a corrupt one
 * (with `opts.volatile`, a corrupt record is renamed `<id>.json.corrupt` and skipped instead: a
 * host crash may leave a volatile record cut short).
 */
export async function openRecordStore<T>(dir: string, opts: RecordStoreOptions<T> = {}): Promise<RecordStore<T>> {
  await mkdir(dir, { recursive: true });
  const records = new Map<string, T>();
  for (const name of await readdir(dir)) {
    const file = path.join(dir, name);
    if (name.startsWith('.') && name.endsWith('.tmp')) {
      await rm(file, { force: true });
      continue;
    }
    if (!name.endsWith('.json')) continue;
    const text = await readFile(file, 'utf8');
    try {
      records.set(name.slice(0, -5), JSON.parse(text) as T);
    } catch (e) {
      if (!opts.volatile) throw new SyntaxError(`corrupt record ${file}: ${(e as Error).message}`);
      await rename(file, file + '.corrupt');
    }
  }
  const fileOf = (id: string) => path.join(dir, `${id}.json`);
  const write = (id: string, record: T): Promise<void> =>
    opts.volatile?.(record) ? writeFileVolatile(fileOf(id), JSON.stringify(record)) : writeJsonAtomic(fileOf(id), record);
  // One chain of disk operations per id, so a queued background write never lands after a
  // later put or delete of the same record.
  const chains = new Map<string, Promise<void>>();
  const inOrder = (id: string, job: () => Promise<void>): Promise<void> => {
    const next = (chains.get(id) ?? Promise.resolve()).then(job, job);
    chains.set(id, next);
    const forget = () => {
      if (chains.get(id) === next) chains.delete(id);
    };
    next.then(forget, forget);
    return next;
  };
  return {
    get: (id) => records.get(id),
    all: () => [...records.values()],
    get size() {
      return records.size;
    },
    async put(id, record, opts) {
      checkId(id);
      if (opts?.background) {
        records.set(id, record);
        const { onError } = opts.background;
        inOrder(id, () => write(id, record)).catch((e: Error) => onError(e));
        return;
      }
      await inOrder(id, () => write(id, record));
      records.set(id, record);
    },
    async delete(id) {
      checkId(id);
      await inOrder(id, () =>
        unlink(fileOf(id)).catch((e) => {
          if (errnoCode(e) !== 'ENOENT') throw e;
        }),
      );
      records.delete(id);
    },
  };
}
