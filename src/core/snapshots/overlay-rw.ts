/**
 * overlay2 read-write layers: `rw/<id>/{diff/, work/, merged/, lower, meta.json}`. The lower
 * file lists the chain's short links (`l/<short>`, top first), mounted from the driver home
 * with relative paths so long chains fit the one-page mount data limit. A `volatile` marker file
 * makes mountRw use overlayfs' volatile option (see RwOptions).
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { errnoCode, notFound } from '../../lib/errors.js';
import { pathExists } from '../../lib/path-exists.js';
import { isMounted, mountReadOnly, unmount } from './mounts.js';
import { createMounter, type Mounter } from './mounter.js';
import { LinkTracker, nodeHeader, tarStream, walkTree, writeNode, writeTree } from './tree-tar.js';
import type { RwDriver } from './rw-driver.js';
import type { RwOptions } from './index.js';
import { buildRwDir, markerEntry, moveRwToTrash, readRwFile, RwDriverBase, whiteoutName, type RwDriverDeps } from './rw-common.js';

/** Marker file of a layer mounted volatile. */
const VOLATILE = 'volatile';

/** Dependencies of the overlay rw driver. */
export type OverlayRwDeps = RwDriverDeps;

/** overlay2 implementation of the rw half of the Snapshotter. */
export class OverlayRw extends RwDriverBase implements RwDriver {
  private readonly mounts: Mounter = createMounter();

  /** False once the kernel refused a volatile mount (before 5.10): plain mounts from then on. */
  private volatileMounts = true;

  /** See Snapshotter.createRw; a volatile layer gets a `volatile` marker file. */
  async createRw(id: string, parent: string | null, opts: RwOptions = {}): Promise<void> {
    const dir = this.dir(id);
    // The chain's metadata is read while buildRwDir checks that the layer does not exist yet.
    const chainOf = this.layers.chain(parent);
    chainOf.catch(() => {});
    await this.lock.with(id, () =>
      buildRwDir(this.home, dir, id, async (tmp) => {
        const chain = await chainOf;
        await mkdir(tmp, { mode: 0o755 });
        const dirs = chain.length === 0 ? ['diff', 'work', 'merged', 'empty'] : ['diff', 'work', 'merged'];
        await Promise.all(dirs.map((d) => mkdir(path.join(tmp, d), { mode: 0o755 })));
        const lower = chain.length === 0 ? `rw/${id}/empty` : chain.map((m) => `l/${m.link}`).join(':');
        const lowerAbs = chain.length === 0 ? path.join(dir, 'empty') : chain.map((m) => this.layers.layerDir(m.chainId)).join(':');
        // Like Docker's overlay2, the small files of a new rw layer are not fsynced: the directory
        // appears complete by one rename, and a rw layer is only as durable as its container.
        await Promise.all([
          writeFile(path.join(tmp, 'lower'), lower),
          writeFile(path.join(tmp, 'lower-dirs'), lowerAbs),
          writeFile(path.join(tmp, 'meta.json'), JSON.stringify({ id, parent })),
          ...(opts.volatile ? [writeFile(path.join(tmp, VOLATILE), '')] : []),
        ]);
      }),
    );
  }

  /** See Snapshotter.mountRw. Throws NotFound when absent. */
  async mountRw(id: string): Promise<string> {
    const dir = this.dir(id);
    return this.lock.with(id, async () => {
      const merged = path.join(dir, 'merged');
      const incompat = path.join(dir, 'work', 'work', 'incompat');
      const [lower, mounted, volatile, mountedBefore] = await Promise.all([
        readRwFile(dir, 'lower', id),
        this.mounts.isMountPoint(merged),
        pathExists(path.join(dir, VOLATILE)),
        pathExists(path.join(incompat, 'volatile')),
      ]);
      if (mounted) return merged;
      const mount = (extra?: string) => this.mounts.mountOverlay(this.home, lower, `rw/${id}/diff`, `rw/${id}/work`, merged, extra);
      if (!volatile || !this.volatileMounts) {
        await mount();
        return merged;
      }
      // The kernel leaves work/work/incompat/volatile behind and refuses to mount the layer again
      // while it exists. A remount within one boot (docker restart) finds the upper layer intact:
      // after a host crash daemon start removes AutoRemove containers before anything mounts them.
      if (mountedBefore) await rm(incompat, { recursive: true, force: true });
      try {
        await mount(',volatile');
      } catch {
        this.volatileMounts = false;
        await mount();
      }
      return merged;
    });
  }

  /** See Snapshotter.unmountRw. */
  async unmountRw(id: string): Promise<void> {
    const dir = this.dir(id);
    await this.lock.with(id, () => this.mounts.unmount(path.join(dir, 'merged')));
  }

  /**
   * See Snapshotter.removeRw. The layer leaves its name with one rename into `trash/`; the
   * files are deleted after this resolves (a crash leaves them to the next start's cleanup).
   */
  async removeRw(id: string): Promise<void> {
    const dir = this.dir(id);
    await this.lock.with(id, async () => {
      await this.mounts.unmount(path.join(dir, 'merged'));
      const trash = await moveRwToTrash(this.home, dir, id);
      if (trash === null) return;
      void rm(trash, { recursive: true, force: true }).catch(() => {});
    });
  }

  /** See Snapshotter.rwPaths (LowerDir: absolute layer dirs, top first). Throws NotFound. */
  rwPaths(id: string): Record<string, string> {
    const dir = this.dir(id);
    let lower: string;
    try {
      lower = readFileSync(path.join(dir, 'lower-dirs'), 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw notFound(`rw layer ${id} does not exist`);
      throw e;
    }
    return { LowerDir: lower, UpperDir: path.join(dir, 'diff'), MergedDir: path.join(dir, 'merged'), WorkDir: path.join(dir, 'work') };
  }

  /** See Snapshotter.rwDiff: walks the upperdir, overlay whiteouts become `.wh.` entries. */
  rwDiff(id: string): Readable {
    const upper = path.join(this.dir(id), 'diff');
    const native = this.native;
    return tarStream(async (w) => {
      if (!(await pathExists(upper))) throw notFound(`rw layer ${id} does not exist`);
      const links = new LinkTracker();
      for await (const n of walkTree(upper)) {
        if (n.st.isCharacterDevice() && n.st.rdev === 0n) {
          await w.add(markerEntry(whiteoutName(n.rel), new Date(Number(n.st.mtimeMs))));
          continue;
        }
        const h = await nodeHeader(n, native);
        if (!h) continue;
        await writeNode(w, n, native, links, h);
        if (n.st.isDirectory() && native.lgetxattr(n.abs, 'trusted.overlay.opaque')?.toString() === 'y') {
          await w.add(markerEntry(`${n.rel}/.wh..wh..opq`, h.mtime));
        }
      }
    });
  }

  /** See Snapshotter.rwSize: regular files of the upperdir (hardlinks counted once). */
  async rwSize(id: string): Promise<number> {
    const upper = path.join(this.dir(id), 'diff');
    if (!(await pathExists(upper))) throw notFound(`rw layer ${id} does not exist`);
    const seen = new Set<bigint>();
    let total = 0;
    for await (const n of walkTree(upper)) {
      if (!n.st.isFile() && !n.st.isSymbolicLink()) continue;
      if (seen.has(n.st.ino)) continue;
      seen.add(n.st.ino);
      total += Number(n.st.size);
    }
    return total;
  }

  /**
   * See Snapshotter.exportRw: tars the merged tree. When the layer is not mounted, a private
   * read-only overlay (the upperdir as the topmost lowerdir) is mounted for the duration, so a
   * concurrent mountRw/unmountRw is never disturbed.
   */
  exportRw(id: string): Readable {
    const dir = this.dir(id);
    const merged = path.join(dir, 'merged');
    const tmpName = 'export-' + randomBytes(6).toString('hex');
    const tmpMount = path.join(this.home, 'tmp', tmpName);
    let mountedHere = false;
    return tarStream(
      async (w) => {
        const lower = await readRwFile(dir, 'lower', id);
        let from = merged;
        if (!(await isMounted(merged))) {
          await mkdir(tmpMount);
          await mountReadOnly(this.home, `rw/${id}/diff:${lower}`, tmpMount);
          mountedHere = true;
          from = tmpMount;
        }
        await writeTree(w, from, this.native);
      },
      async () => {
        if (mountedHere) await unmount(tmpMount);
        await rm(tmpMount, { recursive: true, force: true });
      },
    );
  }
}
