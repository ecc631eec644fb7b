/**
 * Contract of the snapshotter: read-only image layers and read-write container layers.
 *
 * Layers are identified by their chain id, as in Docker: for the bottom layer
 * chainId = diffId; above it chainId = sha256(parentChainId + " " + diffId), where diffId is the
 * sha256 of the layer's uncompressed tar. A layer is extracted once into its own directory and
 * shared by every image that has it. Extraction never writes outside the layer's directory
 * (`..`, absolute names, symlinks and hardlinks pointing out are refused or confined), and
 * Docker/OCI whiteouts (`.wh.x`, `.wh..wh..opq`) become overlay whiteouts (char 0/0 devices,
 * `trusted.overlay.opaque` xattr) — or are applied directly in the copy fallback.
 *
 * A rw layer (keyed by container id) sits on top of one layer chain; `mount` gives a merged
 * rootfs directory (overlayfs, or a full copy for the `vfs` fallback on filesystems without
 * overlay). `diff` streams the rw layer's changes as a Docker layer tar with whiteouts (for
 * commit), and `exportTar` the whole merged filesystem (for export).
 *
 * Layout under `<data-root>/<driver>/`: `layers/<chainHex>/{diff/,meta.json,tar-split}`,
 * `rw/<id>/{diff/,work/,merged/}` (vfs: `rw/<id>/{rootfs/,lower.json}`), `l/<short>` links
 * (overlay2 lowerdirs), `tmp/` (extractions in progress), `trash/` (removals in progress).
 *
 * Feeding compressed layers: `applyLayer(parent, await decompress(blob))` with `decompress`
 * from lib/tar (gzip, zstd, xz, bzip2 sniffed); the diffId is always the uncompressed sha256.
 */
import type { Readable } from 'node:stream';

/** Options of Snapshotter.applyLayer. */
export interface ApplyLayerOptions {
  expectedDiffId?: string;
  signal?: AbortSignal;
  /**
   * When given, `parent` need not exist yet: the tar is extracted at once and this is awaited
   * before the parent is checked and the layer published (so layers of one image can be
   * extracted in parallel and still appear bottom to top). Its rejection fails the apply.
   */
  waitParent?: () => Promise<unknown>;
}

/** A stored read-only layer. */
export interface LayerInfo {
  chainId: string;
  diffId: string;
  parent: string | null;
  /** Bytes of the extracted files of this layer alone. */
  size: number;
}

/** Read-only layers and container rw layers (see the module comment). Errors are EngineErrors. */
export interface Snapshotter {
  /** "overlay2" or "vfs" — shown in `info` as Driver and in GraphDriver.Name. */
  readonly driver: string;
  /**
   * Extracts an uncompressed layer tar on top of `parent` and records it. When a layer with the
   * resulting chain id already exists, the new extraction is discarded and the existing one
   * returned. `expectedDiffId`, when given, must match the tar's sha256 (InvalidArgument
   * otherwise; nothing is kept). Throws InvalidArgument for a malformed tar.
   */
  applyLayer(parent: string | null, tar: Readable, opts?: ApplyLayerOptions): Promise<LayerInfo>;
  /** Layer metadata or undefined. */
  getLayer(chainId: string): Promise<LayerInfo | undefined>;
  /** Every stored layer. */
  listLayers(): Promise<LayerInfo[]>;
  /** Deletes a layer (the caller guarantees nothing references it). No-op when absent. */
  removeLayer(chainId: string): Promise<void>;
  /**
   * The layer as an uncompressed tar, byte-identical to the tar it was made from (so its
   * sha256 is the diffId) — used by save and push. Throws NotFound.
   */
  layerTar(chainId: string): Readable;
  /** Directory holding the extracted files of a layer (GraphDriver data). */
  layerDir(chainId: string): string;

  /** Creates the rw layer `id` on top of `parent` (null: empty rootfs). Throws Conflict when it exists. */
  createRw(id: string, parent: string | null, opts?: RwOptions): Promise<void>;
  /** Mounts the rw layer and returns the merged rootfs path; idempotent. */
  mountRw(id: string): Promise<string>;
  /** Unmounts it; idempotent, tolerates "not mounted". */
  unmountRw(id: string): Promise<void>;
  /** Unmounts (if needed) and deletes the rw layer; no-op when absent. */
  removeRw(id: string): Promise<void>;
  /** Paths for GraphDriver.Data (LowerDir, UpperDir, MergedDir, WorkDir). */
  rwPaths(id: string): Record<string, string>;
  /** The rw layer's changes as a layer tar with whiteouts (for commit). */
  rwDiff(id: string): Readable;
  /** Bytes used by the rw layer's own files (SizeRw). */
  rwSize(id: string): Promise<number>;
  /** The merged filesystem as one tar (for export); mounts temporarily if needed. */
  exportRw(id: string): Readable;
}

/** Options of Snapshotter.createRw. */
export interface RwOptions {
  /**
   * For a layer that need not survive a host crash (an AutoRemove container's: daemon start
   * removes those after one): overlay2 mounts it with overlayfs' `volatile` option, so neither
   * the container's fsyncs nor the unmount at its exit sync the data root's filesystem (as
   * podman does for `--rm`). Kernels without the option get a plain mount. vfs ignores it.
   */
  volatile?: boolean;
}

/** Options of createSnapshotter. */
export interface SnapshotterOptions {
  /** `<data-root>`; the snapshotter keeps its files under `<root>/<driver>`. */
  root: string;
  /** Force a driver; default: overlay2 when the kernel and filesystem support it, else vfs. */
  driver?: 'overlay2' | 'vfs';
}

export { createSnapshotter } from './create.js';
