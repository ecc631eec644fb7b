/**
 * The read-only layer store shared by both drivers: extraction (hash → diffId, chain id,
 * atomic publish), metadata, removal through a trash directory, and byte-exact layer tars
 * re-assembled from the tar-split.
 *
 * Layout under `home` (`<data-root>/<driver>`): `layers/<chainHex>/{diff/, meta.json,
 * tar-split, parked/}`, `l/<short>` → `../layers/<chainHex>/diff` (overlay only), `tmp/`, `trash/`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, symlink, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { canceled, errnoCode, invalidArgument, notFound } from '../../lib/errors.js';
import { readJsonIfExists, writeJsonAtomic } from '../../lib/atomic-file.js';
import { isDigest, sha256Digest } from '../../lib/ids.js';
import type { NativeFs } from '../../lib/tar/native.js';
import { HashWorker } from '../../lib/tar/index.js';
import { extractLayer, type WhiteoutMode } from './extract.js';
import { assembleTar, TarSplitWriter } from './tar-split.js';
import { unmount } from './mounts.js';
import type { ApplyLayerOptions, LayerInfo } from './index.js';

/** What meta.json holds. */
export interface LayerMeta extends LayerInfo {
  /** Short link name under `l/` (overlay2). */
  link?: string;
  /** tar-split sequence → file under parked/ for bodies whose path was overwritten in the same tar. */
  parked?: Record<number, string>;
}

/** Dependencies of the layer store. */
export interface LayerStoreDeps {
  native: NativeFs;
}

/** Options of the layer store. */
export interface LayerStoreOptions {
  /** `<data-root>/<driver>`. */
  home: string;
  whiteouts: WhiteoutMode;
  /** Create `l/<short>` links (overlay2's short lowerdir names). */
  shortLinks: boolean;
}

const LINK_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function shortLinkName(): string {
  const b = randomBytes(26);
  let s = '';
  for (const c of b) s += LINK_CHARS[c % LINK_CHARS.length];
  return s;
}

/** Read-only layers: apply, inspect, remove, re-create their tars. */
export class LayerStore {
  readonly home: string;
  private readonly native: NativeFs;
  private readonly opts: LayerStoreOptions;
  /** diffIds of big layers are hashed off the event loop. */
  private readonly hashes = new HashWorker();

  /** Creates the store (directories must exist: see `init`). */
  constructor(deps: LayerStoreDeps, opts: LayerStoreOptions) {
    this.native = deps.native;
    this.opts = opts;
    this.home = opts.home;
  }

  /**
   * Creates the directory layout and removes leftovers of interrupted work (unmounting stale
   * private mounts first). Throws fs errors, Internal when a stale mount cannot be unmounted.
   */
  async init(): Promise<void> {
    for (const d of ['layers', 'l', 'tmp', 'trash', 'rw']) await mkdir(path.join(this.home, d), { recursive: true });
    for (const d of ['tmp', 'trash']) {
      for (const n of await readdir(path.join(this.home, d))) {
        const p = path.join(this.home, d, n);
        await unmount(p); // a private export mount left by a crash
        await rm(p, { recursive: true, force: true });
      }
    }
    for (const n of await readdir(path.join(this.home, 'l'))) {
      if (!existsSync(path.join(this.home, 'l', n))) await unlink(path.join(this.home, 'l', n)).catch(() => {});
    }
  }

  /** Directory of a layer (not checked for existence). Throws NotFound for a malformed chain id. */
  dir(chainId: string): string {
    if (!isDigest(chainId)) throw notFound(`layer ${chainId} does not exist`);
    return path.join(this.home, 'layers', chainId.slice(7));
  }

  /** Directory holding a layer's extracted files. */
  layerDir(chainId: string): string {
    return path.join(this.dir(chainId), 'diff');
  }

  /** A layer's metadata, or undefined. */
  async get(chainId: string): Promise<LayerMeta | undefined> {
    if (!isDigest(chainId)) return undefined;
    return readJsonIfExists<LayerMeta>(path.join(this.dir(chainId), 'meta.json'));
  }

  /** The chain from `chainId` down to the base layer (top first). Throws NotFound when a layer is missing. */
  async chain(chainId: string | null): Promise<LayerMeta[]> {
    const out: LayerMeta[] = [];
    for (let c = chainId; c !== null; ) {
      const m = await this.get(c);
      if (!m) throw notFound(`layer ${c} does not exist`);
      out.push(m);
      c = m.parent;
    }
    return out;
  }

  /** Every stored layer. */
  async list(): Promise<LayerMeta[]> {
    const out: LayerMeta[] = [];
    for (const n of await readdir(path.join(this.home, 'layers'))) {
      const m = await readJsonIfExists<LayerMeta>(path.join(this.home, 'layers', n, 'meta.json'));
      if (m) out.push(m);
    }
    return out;
  }

  /**
   * Extracts `tar` on top of `parent` (see Snapshotter.applyLayer; with `waitParent` the parent
   * is checked only after extraction, once that resolved). Throws NotFound for a missing parent, InvalidArgument for bad tars or a diffId mismatch, Canceled on abort.
   */
  async apply(parent: string | null, tar: Readable, o: ApplyLayerOptions = {}): Promise<LayerInfo> {
    if (o.waitParent === undefined && parent !== null && !(await this.get(parent))) {
      tar.destroy();
      throw notFound(`layer ${parent} does not exist`);
    }
    const tmp = path.join(this.home, 'tmp', randomBytes(8).toString('hex'));
    await mkdir(path.join(tmp, 'diff'), { recursive: true });
    const split = new TarSplitWriter(path.join(tmp, 'tar-split'));
    const hash = this.hashes.hash();
    const tap = new Transform({
      transform(c: Buffer, _e, cb) {
        hash.update(c);
        cb(null, c);
      },
    });
    const onAbort = () => tap.destroy(canceled());
    o.signal?.addEventListener('abort', onAbort, { once: true });
    tar.on('error', (e) => tap.destroy(e));
    tar.pipe(tap);
    let linkPath: string | undefined;
    try {
      if (o.signal?.aborted) throw canceled();
      const res = await extractLayer(tap, { root: path.join(tmp, 'diff'), whiteouts: this.opts.whiteouts, native: this.native, split, parkDir: path.join(tmp, 'parked'), signal: o.signal });
      await split.close();
      const diffId = await hash.digest();
      if (o.expectedDiffId !== undefined && o.expectedDiffId !== diffId) {
        throw invalidArgument(`layer diffID mismatch: expected ${o.expectedDiffId}, got ${diffId}`);
      }
      const chainId = parent === null ? diffId : sha256Digest(parent + ' ' + diffId);
      let meta: LayerMeta | undefined;
      const writeMeta = async (): Promise<LayerMeta> => {
        const m: LayerMeta = { chainId, diffId, parent, size: res.size };
        if (Object.keys(res.parked).length > 0) m.parked = res.parked;
        if (this.opts.shortLinks) {
          m.link = shortLinkName();
          linkPath = path.join(this.home, 'l', m.link);
          await symlink(`../layers/${chainId.slice(7)}/diff`, linkPath);
        }
        await writeJsonAtomic(path.join(tmp, 'meta.json'), m);
        return m;
      };
      // The chain id is known from the parent's id, so the durable write of the metadata
      // (fsyncs: slow while big files are written) happens before waiting for the parent:
      // layers applied in parallel sync together, and only renames follow one another.
      if (!(await this.get(chainId))) meta = await writeMeta();
      if (o.waitParent !== undefined) {
        await o.waitParent();
        if (parent !== null && !(await this.get(parent))) throw notFound(`layer ${parent} does not exist`);
      }
      const existing = await this.get(chainId);
      if (existing) {
        if (linkPath) await unlink(linkPath).catch(() => {});
        await rm(tmp, { recursive: true, force: true });
        return toInfo(existing);
      }
      meta ??= await writeMeta(); // it existed, and was removed meanwhile
      try {
        await rename(tmp, this.dir(chainId));
      } catch (e) {
        if (errnoCode(e) !== 'ENOTEMPTY' && errnoCode(e) !== 'EEXIST') throw e;
        const other = await this.get(chainId);
        if (!other) throw e;
        await unlink(linkPath!).catch(() => {});
        await rm(tmp, { recursive: true, force: true });
        return toInfo(other);
      }
      return toInfo(meta);
    } catch (e) {
      hash.dispose();
      split.destroy();
      tar.unpipe(tap);
      tar.destroy();
      if (linkPath) await unlink(linkPath).catch(() => {});
      await rm(tmp, { recursive: true, force: true });
      throw e;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Deletes a layer: rename to trash (atomic disappearance), then delete. No-op when absent. */
  async remove(chainId: string): Promise<void> {
    const m = await this.get(chainId);
    if (!m) return;
    const trash = path.join(this.home, 'trash', chainId.slice(7) + '-' + randomBytes(4).toString('hex'));
    try {
      await rename(this.dir(chainId), trash);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return;
      throw e;
    }
    if (m.link) await unlink(path.join(this.home, 'l', m.link)).catch(() => {});
    await rm(trash, { recursive: true, force: true });
  }

  /** The original layer tar, re-assembled. Throws NotFound when the layer does not exist. */
  tar(chainId: string): Readable {
    const dir = this.dir(chainId);
    if (!existsSync(path.join(dir, 'meta.json'))) throw notFound(`layer ${chainId} does not exist`);
    const get = () => this.get(chainId);
    return Readable.from(
      (async function* () {
        const m = await get();
        if (!m) throw notFound(`layer ${chainId} does not exist`);
        const parked = m.parked ?? {};
        yield* assembleTar(path.join(dir, 'tar-split'), (seq, rel) =>
          parked[seq] !== undefined ? path.join(dir, 'parked', parked[seq]!) : path.join(dir, 'diff', rel),
        );
      })(),
      { objectMode: false },
    );
  }
}

/** The public part of the metadata. */
export function toInfo(m: LayerMeta): LayerInfo {
  return { chainId: m.chainId, diffId: m.diffId, parent: m.parent, size: m.size };
}
