/**
 * The wrapper's per-container files: meta.json (bundle dir, runtime, cgroups path) in the
 * persist dir, conmon's pid file, and cleanup of everything conmon and the wrapper created.
 */
import { readFileSync } from 'node:fs';
import { readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import { removeDir } from './fast-delete.js';
import path from 'node:path';
import { readJsonIfExists } from '../../lib/atomic-file.js';
import { errnoCode, notFound } from '../../lib/errors.js';
import type { ContainerMeta, RuntimePaths } from './paths.js';

/** Rethrows anything but ENOENT. */
const ignoreMissing = (e: unknown): void => {
  if (errnoCode(e) !== 'ENOENT') throw e;
};

/** Files conmon and the wrapper put into a persist directory. */
const PERSIST_FILES = ['meta.json', 'conmon.pid', 'pidfile', 'exit', 'oom'];

/** Files conmon and the wrapper put into a bundle directory. */
const BUNDLE_FILES = ['config.json', 'attach', 'ctl', 'winsz', 'oom', 'pidfile'];

/** Access to per-container files for one exec root. */
export interface ContainerFiles {
  writeMeta(meta: ContainerMeta): Promise<void>;
  /** Reads meta.json; throws NotFound "No such container: id" when absent. */
  meta(id: string): Promise<ContainerMeta>;
  /** Reads meta.json; undefined when absent. */
  metaIfExists(id: string): Promise<ContainerMeta | undefined>;
  /** conmon's pid (from its pid file), or undefined. */
  conmonPid(id: string): Promise<number | undefined>;
  /** True while conmon for `id` runs (pid alive and really conmon). */
  conmonAlive(id: string): Promise<boolean>;
  /** Removes the exit file, the persist dir and conmon's/our files in the bundle (then the bundle dir if empty). */
  remove(id: string, bundleDir: string | undefined): Promise<void>;
  /**
   * Removes what an earlier run of `id` may have left and a new one must not be confused by:
   * the exit files, the oom marker and conmon's pid files (the persist dir itself stays, so
   * this may run beside its creation). Throws fs errors other than ENOENT.
   */
  clearStale(id: string): Promise<void>;
}

/**
 * Creates the accessor. meta.json is cached in memory once written or read (every runtime
 * operation looks it up); `remove` drops the cached entry.
 */
export function containerFiles(paths: RuntimePaths): ContainerFiles {
  const cache = new Map<string, ContainerMeta>();
  const metaIfExists = async (id: string): Promise<ContainerMeta | undefined> => {
    const hit = cache.get(id);
    if (hit) return hit;
    let m: ContainerMeta | undefined;
    try {
      m = await readJsonIfExists<ContainerMeta>(paths.metaFile(id));
    } catch (e) {
      // A torn file (exec root on a disk that lost power) describes nothing that still runs.
      if (e instanceof SyntaxError) return undefined;
      throw e;
    }
    if (m) cache.set(id, m);
    return m;
  };
  const conmonPid = async (id: string) => {
    try {
      const n = Number.parseInt(await readFile(path.join(paths.persistDir(id), 'conmon.pid'), 'utf8'), 10);
      return n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    async writeMeta(meta) {
      cache.delete(meta.id);
      // A plain write: it happens before conmon is started, so a crash cutting it short leaves a
      // container nothing runs for, which metaIfExists treats as absent.
      await writeFile(paths.metaFile(meta.id), JSON.stringify(meta), { mode: 0o644 });
      cache.set(meta.id, { ...meta });
    },
    metaIfExists,
    async meta(id) {
      const m = await metaIfExists(id);
      if (!m) throw notFound(`No such container: ${id}`);
      return m;
    },
    conmonPid,
    async conmonAlive(id) {
      const pid = await conmonPid(id);
      if (!pid) return false;
      try {
        // procfs: answered from memory, so read at once rather than through the thread pool.
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes('conmon') && cmd.includes(id);
      } catch {
        return false;
      }
    },
    async clearStale(id) {
      cache.delete(id);
      const files = [paths.exitFile(id), ...PERSIST_FILES.filter((f) => f !== 'meta.json').map((f) => path.join(paths.persistDir(id), f))];
      await Promise.all(files.map((f) => unlink(f).catch(ignoreMissing)));
    },
    async remove(id, bundleDir) {
      cache.delete(id);
      await Promise.all([
        unlink(paths.exitFile(id)).catch(ignoreMissing),
        removeDir(paths.persistDir(id), PERSIST_FILES),
        ...(bundleDir ? BUNDLE_FILES.map((f) => unlink(path.join(bundleDir, f)).catch(() => {})) : []),
      ]);
      if (!bundleDir) return;
      try {
        await rmdir(bundleDir);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT' && errnoCode(e) !== 'ENOTEMPTY') throw e;
      }
    },
  };
}
