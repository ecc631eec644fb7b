/**
 * Steps shared by the overlay2 and vfs rw drivers: their common state (RwDriverBase), the
 * layer's directory (validated id),
 * building it under a temporary name, retiring one into `trash/`, reading its small files,
 * and whiteout entries.
 */
import { readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { conflict, errnoCode, invalidArgument, notFound } from '../../lib/errors.js';
import { pathExists } from '../../lib/path-exists.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { TarHeader } from '../../lib/tar/index.js';
import type { NativeFs } from '../../lib/tar/native.js';
import type { LayerStore } from './layers.js';

/** Dependencies of a rw driver (overlay2 or vfs). */
export interface RwDriverDeps {
  layers: LayerStore;
  native: NativeFs;
}

/** State every rw driver has: the layer store, native fs calls, its home and a per-layer lock. */
export abstract class RwDriverBase {
  protected readonly layers: LayerStore;
  protected readonly native: NativeFs;
  protected readonly home: string;
  protected readonly lock = new KeyedLock();

  /** Keeps the dependencies; does no I/O and throws nothing. */
  constructor(deps: RwDriverDeps, opts: { home: string }) {
    this.layers = deps.layers;
    this.native = deps.native;
    this.home = opts.home;
  }

  /** The layer's directory. Throws InvalidArgument for a bad id. */
  protected dir(id: string): string {
    return rwDir(this.home, id);
  }
}

/** Validates a rw layer id (used in paths). Throws InvalidArgument. */
function checkRwId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id)) throw invalidArgument(`invalid rw layer id ${JSON.stringify(id)}`);
}

/** The directory of rw layer `id` under the driver home. Throws InvalidArgument for a bad id. */
export function rwDir(home: string, id: string): string {
  checkRwId(id);
  return path.join(home, 'rw', id);
}

/**
 * Creates rw layer `id` at `dir`: `fill` populates a fresh temporary path under
 * `<home>/tmp/` (it must create the directory itself), which is then renamed to `dir`. On any
 * failure the temporary tree is removed. Throws Conflict when `dir` already exists (before or
 * at the rename), otherwise whatever `fill` or the rename throws. Callers hold the layer's lock.
 */
export async function buildRwDir(home: string, dir: string, id: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  // Checked while the layer is being filled (a conflict is rare; its work is then thrown away).
  const exists = pathExists(dir);
  exists.catch(() => {});
  const tmp = path.join(home, 'tmp', 'rw-' + randomBytes(8).toString('hex'));
  try {
    await fill(tmp);
    if (await exists) throw conflict(`rw layer ${id} already exists`);
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (errnoCode(e) === 'ENOTEMPTY' || errnoCode(e) === 'EEXIST') throw conflict(`rw layer ${id} already exists`);
    throw e;
  }
}

/**
 * Moves rw layer `id`'s directory `dir` to a unique name under `<home>/trash/` and returns
 * that path, or null when `dir` does not exist. The caller deletes the returned tree.
 * Throws the rename's error for anything but ENOENT.
 */
export async function moveRwToTrash(home: string, dir: string, id: string): Promise<string | null> {
  const trash = path.join(home, 'trash', 'rw-' + id + '-' + randomBytes(4).toString('hex'));
  try {
    await rename(dir, trash);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
  return trash;
}

/** Reads `<dir>/<name>` of rw layer `id` as UTF-8. Throws NotFound when it is absent. */
export async function readRwFile(dir: string, name: string, id: string): Promise<string> {
  try {
    return await readFile(path.join(dir, name), 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw notFound(`rw layer ${id} does not exist`);
    throw e;
  }
}

/** The `.wh.` whiteout name that deletes `rel` (a posix path relative to the layer root). */
export function whiteoutName(rel: string): string {
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel);
  return dir === '.' ? `.wh.${base}` : `${dir}/.wh.${base}`;
}

/** An empty root-owned file entry named `name` (a whiteout or opaque marker). Throws nothing. */
export function markerEntry(name: string, mtime: Date): TarHeader {
  return { name, type: 'file', size: 0, mode: 0, uid: 0, gid: 0, mtime };
}
