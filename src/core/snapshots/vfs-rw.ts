/**
 * vfs read-write layers: `rw/<id>/{rootfs/, lower.json, meta.json}`. createRw copies the whole
 * lower chain into rootfs (applying whiteouts) and records a manifest of what it copied;
 * rwDiff compares rootfs with that manifest (new, changed, replaced and deleted paths).
 */
import { lstat, mkdir, readlink, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BigIntStats } from 'node:fs';
import { errnoCode, notFound } from '../../lib/errors.js';
import { writeJsonAtomic, writeFileAtomic } from '../../lib/atomic-file.js';
import { statType, type TarWriter } from '../../lib/tar/index.js';
import type { RwDriver } from './rw-driver.js';
import type { RwOptions } from './index.js';
import { buildRwDir, markerEntry, moveRwToTrash, readRwFile, RwDriverBase, whiteoutName, type RwDriverDeps } from './rw-common.js';
import { LinkTracker, nodeHeader, tarStream, walkTree, writeNode, writeTree, type TreeNode } from './tree-tar.js';
import { applyLayerDir } from './vfs-copy.js';

/** Dependencies of the vfs rw driver. */
export type VfsRwDeps = RwDriverDeps;

/** A change-detection signature of a node. */
function signature(st: BigIntStats, linkTarget = ''): string {
  return [statType(st) ?? 'other', st.ino, st.mode, st.uid, st.gid, st.size, st.mtimeNs, st.rdev, linkTarget].join('|');
}

async function nodeSig(n: TreeNode): Promise<string> {
  return signature(n.st, n.st.isSymbolicLink() ? await readlink(n.abs) : '');
}

/** vfs implementation of the rw half of the Snapshotter. */
export class VfsRw extends RwDriverBase implements RwDriver {

  private async rootfs(id: string): Promise<string> {
    const r = path.join(this.dir(id), 'rootfs');
    try {
      await lstat(r);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw notFound(`rw layer ${id} does not exist`);
      throw e;
    }
    return r;
  }

  /** See Snapshotter.createRw (copies the chain: slow for big images, as Docker's vfs; no volatile mode). */
  async createRw(id: string, parent: string | null, _opts?: RwOptions): Promise<void> {
    const dir = this.dir(id);
    await this.lock.with(id, () =>
      buildRwDir(this.home, dir, id, async (tmp) => {
        const chain = await this.layers.chain(parent);
        const rootfs = path.join(tmp, 'rootfs');
        await mkdir(rootfs, { recursive: true, mode: 0o755 });
        for (const m of [...chain].reverse()) await applyLayerDir(this.layers.layerDir(m.chainId), rootfs, this.native);
        const manifest: Record<string, string> = {};
        for await (const n of walkTree(rootfs)) manifest[n.rel] = await nodeSig(n);
        await writeFileAtomic(path.join(tmp, 'lower.json'), JSON.stringify(manifest));
        await writeJsonAtomic(path.join(tmp, 'meta.json'), { id, parent });
      }),
    );
  }

  /** See Snapshotter.mountRw: the rootfs directory itself. Throws NotFound. */
  async mountRw(id: string): Promise<string> {
    return this.rootfs(id);
  }

  /** Nothing to unmount for vfs. */
  async unmountRw(id: string): Promise<void> {
    this.dir(id);
  }

  /** See Snapshotter.removeRw. */
  async removeRw(id: string): Promise<void> {
    const dir = this.dir(id);
    await this.lock.with(id, async () => {
      const trash = await moveRwToTrash(this.home, dir, id);
      if (trash === null) return;
      await rm(trash, { recursive: true, force: true });
    });
  }

  /** Docker's vfs reports no GraphDriver data. */
  rwPaths(id: string): Record<string, string> {
    this.dir(id);
    return {};
  }

  /**
   * Walks rootfs against the manifest: `onNode` for new/changed nodes (`replacedDir` when a
   * directory was deleted and re-created), `onDelete` for the topmost deleted paths.
   */
  private async changes(id: string, onNode: (n: TreeNode, replacedDir: boolean) => Promise<void>, onDelete: (rel: string) => Promise<void>): Promise<void> {
    const rootfs = await this.rootfs(id);
    const manifest = JSON.parse(await readRwFile(this.dir(id), 'lower.json', id)) as Record<string, string>;
    const present = new Set<string>();
    const dirsNow = new Set<string>(['']);
    const replaced = new Set<string>();
    for await (const n of walkTree(rootfs)) {
      present.add(n.rel);
      if (n.st.isDirectory()) dirsNow.add(n.rel);
      const old = manifest[n.rel];
      const sig = await nodeSig(n);
      if (old === sig) continue;
      let replacedDir = false;
      if (old !== undefined && n.st.isDirectory()) {
        const [oldType, oldIno] = old.split('|');
        if (oldType !== 'directory') replaced.add(n.rel);
        else if (oldIno !== String(n.st.ino)) {
          replaced.add(n.rel);
          replacedDir = true;
        }
      }
      await onNode(n, replacedDir);
    }
    for (const rel of Object.keys(manifest).sort()) {
      if (present.has(rel)) continue;
      const parent = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
      if (!dirsNow.has(parent) || replaced.has(parent)) continue;
      if (parent !== '' && !present.has(parent)) continue;
      await onDelete(rel);
    }
  }

  /** See Snapshotter.rwDiff. */
  rwDiff(id: string): Readable {
    const native = this.native;
    return tarStream(async (w: TarWriter) => {
      const rootfs = await this.rootfs(id);
      const links = new LinkTracker();
      const emitted = new Set<string>(['']);
      const ensureParents = async (rel: string) => {
        const parts = rel.split('/');
        for (let i = 1; i < parts.length; i++) {
          const p = parts.slice(0, i).join('/');
          if (emitted.has(p)) continue;
          emitted.add(p);
          const abs = path.join(rootfs, p);
          const h = await nodeHeader({ rel: p, abs, st: await lstat(abs, { bigint: true }) }, native);
          if (h) await w.add(h);
        }
      };
      await this.changes(
        id,
        async (n, replacedDir) => {
          await ensureParents(n.rel);
          emitted.add(n.rel);
          await writeNode(w, n, native, links);
          if (replacedDir) await w.add(markerEntry(`${n.rel}/.wh..wh..opq`, new Date(Number(n.st.mtimeMs))));
        },
        async (rel) => {
          await ensureParents(rel);
          await w.add(markerEntry(whiteoutName(rel), new Date(0)));
        },
      );
    });
  }

  /** See Snapshotter.rwSize: sizes of new or changed files. */
  async rwSize(id: string): Promise<number> {
    let total = 0;
    const seen = new Set<bigint>();
    await this.changes(
      id,
      async (n) => {
        if ((n.st.isFile() || n.st.isSymbolicLink()) && !seen.has(n.st.ino)) {
          seen.add(n.st.ino);
          total += Number(n.st.size);
        }
      },
      async () => {},
    );
    return total;
  }

  /** See Snapshotter.exportRw. */
  exportRw(id: string): Readable {
    return tarStream(async (w) => writeTree(w, await this.rootfs(id), this.native));
  }
}
