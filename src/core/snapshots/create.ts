/**
 * Composition of the snapshotter: probes overlayfs support on the data root (one tiny mount),
 * picks overlay2 or vfs, initialises the layout and joins the layer store with the driver's
 * rw-layer implementation.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { toEngineError, unavailable } from '../../lib/errors.js';
import { createNativeFs, type NativeFs } from '../../lib/tar/native.js';
import { LayerStore, toInfo } from './layers.js';
import { mountOverlay, unmount } from './mounts.js';
import { OverlayRw } from './overlay-rw.js';
import type { RwDriver } from './rw-driver.js';
import { VfsRw } from './vfs-rw.js';
import type { Snapshotter, SnapshotterOptions } from './index.js';

/**
 * True when an overlay mount (with a whiteout device and an opaque xattr in its upper dir)
 * works on the filesystem holding `root`. Never throws.
 */
export async function probeOverlay(root: string, native: NativeFs): Promise<boolean> {
  for (const n of await readdir(root).catch(() => [] as string[])) {
    if (!n.startsWith('.overlay-probe-')) continue; // left by a crash during a probe
    await unmount(path.join(root, n, 'm')).catch(() => {});
    await rm(path.join(root, n), { recursive: true, force: true }).catch(() => {});
  }
  const dir = path.join(root, '.overlay-probe-' + randomBytes(4).toString('hex'));
  const merged = path.join(dir, 'm');
  try {
    for (const d of ['l', 'u', 'w', 'm']) await mkdir(path.join(dir, d), { recursive: true });
    await writeFile(path.join(dir, 'l', 'f'), 'x');
    native.mknod(path.join(dir, 'u', 'f'), 0o020000, 0, 0);
    await mkdir(path.join(dir, 'u', 'd'));
    native.lsetxattr(path.join(dir, 'u', 'd'), 'trusted.overlay.opaque', Buffer.from('y'));
    await mountOverlay(dir, 'l', 'u', 'w', merged);
    await unmount(merged);
    return true;
  } catch {
    await unmount(merged).catch(() => {});
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Rejects with an EngineError (fs errors become Internal, keeping their message). */
function engineErrors<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    throw toEngineError(e);
  });
}

/**
 * Creates the snapshotter under `<options.root>/<driver>`. Without `options.driver`, overlay2
 * is chosen when the probe succeeds, else vfs. Throws Unavailable when overlay2 is forced but
 * unsupported; fs errors when the data root cannot be prepared.
 */
export async function createSnapshotter(options: SnapshotterOptions): Promise<Snapshotter> {
  const native = createNativeFs();
  await mkdir(options.root, { recursive: true });
  let driver = options.driver;
  if (driver !== 'vfs') {
    const ok = await probeOverlay(options.root, native);
    if (!ok && driver === 'overlay2') throw unavailable(`driver not supported: overlay2 does not work on ${options.root}`);
    driver = ok ? 'overlay2' : 'vfs';
  }
  const home = path.join(options.root, driver);
  const layers = new LayerStore({ native }, { home, whiteouts: driver === 'overlay2' ? 'overlay' : 'keep', shortLinks: driver === 'overlay2' });
  await layers.init();
  const rw: RwDriver = driver === 'overlay2' ? new OverlayRw({ layers, native }, { home }) : new VfsRw({ layers, native }, { home });
  return {
    driver,
    applyLayer: (parent, tar, opts) => engineErrors(layers.apply(parent, tar, opts)),
    getLayer: async (chainId) => {
      const m = await engineErrors(layers.get(chainId));
      return m && toInfo(m);
    },
    listLayers: async () => (await engineErrors(layers.list())).map(toInfo),
    removeLayer: (chainId) => engineErrors(layers.remove(chainId)),
    layerTar: (chainId) => layers.tar(chainId),
    layerDir: (chainId) => layers.layerDir(chainId),
    createRw: (id, parent, opts) => engineErrors(rw.createRw(id, parent, opts)),
    mountRw: (id) => engineErrors(rw.mountRw(id)),
    unmountRw: (id) => engineErrors(rw.unmountRw(id)),
    removeRw: (id) => engineErrors(rw.removeRw(id)),
    rwPaths: (id) => rw.rwPaths(id),
    rwDiff: (id) => rw.rwDiff(id),
    rwSize: (id) => engineErrors(rw.rwSize(id)),
    exportRw: (id) => rw.exportRw(id),
  };
}
