/**
 * The image side of registry transfers: registering an image whose config and layers were
 * pulled (layers extracted in parallel as their bytes arrive and published bottom to top, then
 * the record, tag and RepoDigest),
 * and giving push what it needs (config bytes, layers with their uncompressed tars).
 */
import type { Readable } from 'node:stream';
import { chainIds } from '../../oci/image.js';
import { familiarName, familiarize, parseReference } from '../../oci/reference.js';
import { invalidArgument } from '../../lib/errors.js';
import type { ImageConfigBlob, PulledImage, PushSource } from './index.js';
import { IMAGES_LOCK, type ImageContext, type LayerRef } from './context.js';
import { applyLayers, createImageRecord, openCounted, releaseLayers } from './layers.js';
import { addReference, addReferences, eventAttributes } from './tagging.js';
import { findImage } from './lookup.js';

async function knownTarSize(ctx: ImageContext, chainId: string): Promise<number | undefined> {
  for (const r of ctx.records.all()) for (const l of r.layers) if (l.chainId === chainId) return l.tarSize;
  for (const r of ctx.orphans.all()) for (const l of r.layers) if (l.chainId === chainId) return l.tarSize;
  if (!(await ctx.snapshots.getLayer(chainId))) return undefined;
  let n = 0;
  for await (const c of ctx.snapshots.layerTar(chainId)) n += (c as Buffer).length;
  return n;
}

/**
 * Applies pulled layer `i` on top of chain `chains[i-1]` (published once `below` resolved),
 * skipping it when present with a known tar size. Should streaming the layer fail, it is
 * applied again once its data is complete (a genuinely bad layer fails the same way again).
 * Throws InvalidArgument (bad tar, diffId mismatch), Canceled, the layer below's error.
 */
async function applyPulledLayer(
  ctx: ImageContext, img: PulledImage, i: number, diffIds: string[], chains: string[],
  below: Promise<unknown> | undefined, signal: AbortSignal,
): Promise<{ ref: LayerRef; existed: boolean }> {
  const tarSize = await knownTarSize(ctx, chains[i]!);
  const src = img.layers[i]!;
  const parent = i === 0 ? null : chains[i - 1]!;
  const waitParent = async (): Promise<void> => {
    await below;
  };
  const once = async (): Promise<LayerRef> => {
    if (tarSize !== undefined) {
      const existing = await ctx.snapshots.getLayer(chains[i]!);
      if (existing) {
        await waitParent();
        return { chainId: existing.chainId, diffId: existing.diffId, size: existing.size, tarSize };
      }
    }
    const counted = await openCounted(src);
    const info = await ctx.snapshots.applyLayer(parent, counted.stream, { expectedDiffId: diffIds[i]!, signal, waitParent });
    return { chainId: info.chainId, diffId: info.diffId, size: info.size, tarSize: counted.bytes() };
  };
  let ref: LayerRef;
  try {
    ref = await once();
  } catch (e) {
    if (signal.aborted || !src.ready) throw e;
    await src.ready();
    if (signal.aborted) throw e;
    ref = await once();
  }
  return { ref, existed: tarSize !== undefined };
}

/**
 * Registers a pulled image: applies the layers (skipping those present), stores the config
 * bytes as they came, creates the record, points `tag` and `repoDigest` at it and emits `pull`.
 * Returns the image id and whether `tag` already pointed at it. Throws InvalidArgument (config
 * and layers disagree, diffId mismatch), Canceled.
 */
export async function registerPulled(ctx: ImageContext, img: PulledImage): Promise<{ id: string; upToDate: boolean }> {
  let config: ImageConfigBlob;
  try {
    config = JSON.parse(img.config.toString('utf8')) as ImageConfigBlob;
  } catch (e) {
    throw invalidArgument('invalid image config: not JSON', e);
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== img.layers.length) {
    throw invalidArgument(`image config lists ${diffIds.length} layers but the manifest has ${img.layers.length}`);
  }
  const chains = chainIds(diffIds);
  // Every layer is extracted at once, each as its blob arrives (extraction goes to a private
  // directory; the snapshotter publishes a layer only after its parent, and only once its
  // stream ended, i.e. its blob was verified). Publication is atomic per chain id and hidden
  // until an image record references it. The record is then made under the store lock, after
  // checking that no concurrent rmi/prune released a layer meanwhile (then the missing ones
  // are applied again under the lock).
  const inner = new AbortController();
  const signal = img.signal ? AbortSignal.any([img.signal, inner.signal]) : inner.signal;
  let firstError: unknown;
  const done: Promise<{ ref: LayerRef; existed: boolean }>[] = [];
  for (let i = 0; i < diffIds.length; i++) {
    const p = applyPulledLayer(ctx, img, i, diffIds, chains, i === 0 ? undefined : done[i - 1]!, signal).catch((e: unknown) => {
      if (firstError === undefined && !inner.signal.aborted) firstError = e;
      inner.abort();
      throw e;
    });
    p.catch(() => {}); // awaited below (in order) or by the next layer; never unhandled
    done.push(p);
  }
  let layers: LayerRef[] = [];
  try {
    for (let i = 0; i < diffIds.length; i++) {
      const r = await done[i]!;
      layers.push(r.ref);
      img.onLayerDone?.(i, r.existed);
    }
  } catch (e) {
    inner.abort();
    const applied = (await Promise.allSettled(done)).flatMap((r) => (r.status === 'fulfilled' ? [r.value.ref] : []));
    await ctx.lock.with(IMAGES_LOCK, () => releaseLayers(ctx, applied)).catch(() => {});
    throw img.signal?.aborted ? e : firstError ?? e;
  }
  // Every layer's data must be at hand (stored) before the record is made, even when its
  // extraction finished from the bytes as they arrived.
  try {
    await Promise.all(img.layers.map((l) => l.ready?.()));
  } catch (e) {
    await ctx.lock.with(IMAGES_LOCK, () => releaseLayers(ctx, layers)).catch(() => {});
    throw e;
  }
  return ctx.lock.with(IMAGES_LOCK, async () => {
    const missing = (await Promise.all(layers.map((l) => ctx.snapshots.getLayer(l.chainId)))).some((l) => !l);
    if (missing) {
      let again: LayerRef[] = [];
      try {
        for (let i = 0; i < diffIds.length; i++) {
          const tarSize = layers[i]!.tarSize;
          const src = img.layers[i]!;
          again = await applyLayers(ctx, again, [{ diffId: diffIds[i]!, tarSize, open: () => src.open() }], img.signal);
        }
      } catch (e) {
        await releaseLayers(ctx, again).catch(() => {});
        throw e;
      }
      layers = again;
    }
    const record = await createImageRecord(ctx, config, layers, '', img.config);
    let upToDate = !img.tag && img.repoDigest !== undefined && record.repoDigests.includes(img.repoDigest);
    // Tag and digest in one write of the record (each write is a durable one at the pull's end).
    const refs: { full: string; keepTagTime?: boolean }[] = [];
    if (img.tag) {
      upToDate = record.repoTags.includes(img.tag);
      if (!upToDate) refs.push({ full: img.tag });
    }
    if (img.repoDigest) refs.push({ full: img.repoDigest, keepTagTime: true });
    if (refs.length > 0) await addReferences(ctx, record.id, refs);
    const shown = img.tag ?? img.repoDigest;
    if (shown) {
      const attrs = await eventAttributes(ctx, record.id, familiarName(parseReference(shown)));
      ctx.deps.emit('pull', familiarize(shown), attrs);
    }
    return { id: record.id, upToDate };
  });
}

/**
 * What push needs of the image `ref`: its id, exact config bytes, and its layers with a way to
 * read each uncompressed tar (byte-identical, so its sha256 is the diffId). Throws NotFound.
 */
export async function pushSource(ctx: ImageContext, ref: string): Promise<PushSource> {
  const { record } = findImage(ctx, ref);
  const config = await ctx.content.read(record.id);
  return {
    id: record.id,
    config,
    repoTags: [...record.repoTags],
    layers: record.layers.map((l) => ({
      diffId: l.diffId,
      tarSize: l.tarSize,
      open: (): Readable => ctx.snapshots.layerTar(l.chainId),
    })),
  };
}

/** Adds the digest reference `full` (`name@sha256:…`) to image `id` (after a push). Throws fs errors. */
export async function addRepoDigest(ctx: ImageContext, id: string, full: string): Promise<void> {
  await ctx.lock.with(IMAGES_LOCK, async () => {
    await addReference(ctx, id, full, { keepTagTime: true });
  });
}
