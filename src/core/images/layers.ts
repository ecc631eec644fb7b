/**
 * Layer and record plumbing shared by load, import and commit: applying layer tars through the
 * snapshotter (deduplicated by chain id), creating image records from a config, and releasing
 * layers no image uses any more. Callers hold the images lock.
 */
import { Transform, type Readable } from 'node:stream';
import { chainIdOf } from '../../oci/image.js';
import type { ImageConfigBlob } from './index.js';
import { recordKey, type ImageContext, type ImageRecord, type LayerRef } from './context.js';
import { saveRecord } from './tagging.js';

/** One layer to apply: its (uncompressed) tar on demand, with diffId and tar size when known. */
export interface LayerSource {
  diffId?: string;
  tarSize?: number;
  /** Opens the uncompressed layer tar. */
  open(): Promise<Readable>;
}

/**
 * Opens a layer source as a stream that counts the bytes passing through (the tar's size).
 * Errors of the source are forwarded to the stream. Throws what `src.open` throws.
 */
export async function openCounted(src: Pick<LayerSource, 'open'>): Promise<{ stream: Transform; bytes: () => number }> {
  let count = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _e, cb) {
      count += chunk.length;
      cb(null, chunk);
    },
  });
  const tar = await src.open();
  tar.on('error', (e) => stream.destroy(e));
  tar.pipe(stream);
  return { stream, bytes: () => count };
}

/**
 * Applies the layers bottom to top on top of `base` (the parent image's layers), skipping
 * layers already present when their diffId and size are known. Returns the full layer list.
 * Throws InvalidArgument (bad tar or diffId mismatch), Canceled.
 */
export async function applyLayers(ctx: ImageContext, base: LayerRef[], sources: LayerSource[], signal?: AbortSignal): Promise<LayerRef[]> {
  const out = [...base];
  try {
    await applyEach(ctx, out, sources, signal);
  } catch (e) {
    // Layers applied for this call that no image uses are removed again.
    await releaseLayers(ctx, out.slice(base.length)).catch((err: unknown) => ctx.log.warn('cannot release layers', { error: String(err) }));
    throw e;
  }
  return out;
}

async function applyEach(ctx: ImageContext, out: LayerRef[], sources: LayerSource[], signal?: AbortSignal): Promise<void> {
  let parent: string | null = out.length ? out[out.length - 1]!.chainId : null;
  for (const src of sources) {
    if (src.diffId !== undefined && src.tarSize !== undefined) {
      const existing = await ctx.snapshots.getLayer(chainIdOf(parent, src.diffId));
      if (existing) {
        out.push({ chainId: existing.chainId, diffId: existing.diffId, size: existing.size, tarSize: src.tarSize });
        parent = existing.chainId;
        continue;
      }
    }
    const counted = await openCounted(src);
    const info = await ctx.snapshots.applyLayer(parent, counted.stream, { expectedDiffId: src.diffId, signal });
    out.push({ chainId: info.chainId, diffId: info.diffId, size: info.size, tarSize: counted.bytes() });
    parent = info.chainId;
  }
}

/**
 * Stores `config` (or its exact bytes `raw`) in the content store and creates the record for
 * it (an existing record for the same id is kept). Returns the record. Throws fs errors.
 */
export async function createImageRecord(ctx: ImageContext, config: ImageConfigBlob, layers: LayerRef[], parent = '', raw?: Buffer): Promise<ImageRecord> {
  const blob = raw ?? Buffer.from(JSON.stringify(config));
  const { digest: id } = await ctx.content.put(blob);
  const existing = ctx.records.get(recordKey(id));
  if (existing) return existing;
  ctx.configs.set(id, JSON.parse(blob.toString('utf8')) as ImageConfigBlob);
  const record: ImageRecord = {
    id,
    repoTags: [],
    repoDigests: [],
    layers,
    parent,
    created: config.created ?? ctx.now().toISOString(),
    lastTagTime: '',
    size: layers.reduce((n, l) => n + l.size, 0),
  };
  await saveRecord(ctx, record);
  return record;
}

/**
 * Releases the layers of force-deleted images once no container uses them any more. Returns
 * the chain ids removed. Throws fs errors.
 */
export async function sweepOrphans(ctx: ImageContext): Promise<string[]> {
  const removed: string[] = [];
  for (const o of ctx.orphans.all()) {
    if (ctx.deps.containersUsing(o.id).length > 0) continue;
    await ctx.orphans.delete(recordKey(o.id));
    removed.push(...(await releaseLayers(ctx, o.layers)));
  }
  return removed;
}

/**
 * Removes from the snapshotter the given layers that no remaining image record (or orphan) uses (top to
 * bottom). Returns the chain ids removed. Throws fs errors.
 */
export async function releaseLayers(ctx: ImageContext, layers: LayerRef[]): Promise<string[]> {
  const inUse = new Set<string>();
  for (const r of ctx.records.all()) for (const l of r.layers) inUse.add(l.chainId);
  for (const r of ctx.orphans.all()) for (const l of r.layers) inUse.add(l.chainId);
  const removed: string[] = [];
  for (const l of [...layers].reverse()) {
    if (inUse.has(l.chainId) || removed.includes(l.chainId)) continue;
    await ctx.snapshots.removeLayer(l.chainId);
    removed.push(l.chainId);
  }
  return removed;
}
