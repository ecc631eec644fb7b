/**
 * `--cache-from` as Docker's legacy builder does it (moby image/cache): a step is a cache hit
 * when the local build cache names an image that is one of the given images or an ancestor of
 * one, or when a given image's history continues the current parent's history (same entries,
 * same layers) with an entry whose `created_by` is the step's command. Where Docker then
 * re-creates the intermediate image from the given image's layers, Pier uses that intermediate
 * image when it exists locally (the image's parent chain, as after a local build); otherwise
 * the step runs.
 */
import type { BuilderDeps } from './index.js';
import type { ImageConfigBlob } from '../images/index.js';

type History = NonNullable<ImageConfigBlob['history']>;

/** One `--cache-from` image with its history, layers and local ancestors. */
export interface CacheSource {
  id: string;
  history: History;
  diffIds: string[];
  /** The image and its local ancestors: id → length of its history. */
  chain: Map<string, number>;
}

/** Resolves the `--cache-from` images; unknown ones are skipped with a log line. Never throws. */
export async function loadCacheSources(deps: BuilderDeps, refs: string[]): Promise<CacheSource[]> {
  const out: CacheSource[] = [];
  for (const ref of refs) {
    try {
      const img = await deps.images.resolve(ref);
      const chain = new Map<string, number>();
      let id: string | undefined = img.id;
      while (id && !chain.has(id)) {
        const r = await deps.images.resolve(id);
        chain.set(r.id, r.config.history?.length ?? 0);
        id = (await deps.images.inspect(r.id)).Parent || undefined;
      }
      out.push({ id: img.id, history: img.config.history ?? [], diffIds: img.config.rootfs.diff_ids, chain });
    } catch (e) {
      deps.log.warn('Could not look up image for cache resolution, skipping', { ref, error: String(e) });
    }
  }
  return out;
}

function sameEntry(a: History[number], b: History[number]): boolean {
  return (a.created ?? '') === (b.created ?? '') && (a.created_by ?? '') === (b.created_by ?? '') && (a.author ?? '') === (b.author ?? '') && (a.comment ?? '') === (b.comment ?? '') && !!a.empty_layer === !!b.empty_layer;
}

/** moby's isValidParent: the source continues the parent's history and layers. */
function continues(src: CacheSource, parent: ImageConfigBlob | undefined): boolean {
  if (src.history.length === 0) return false;
  const ph = parent?.history ?? [];
  const pd = parent?.rootfs.diff_ids ?? [];
  if (!parent || (ph.length === 0 && pd.length === 0)) return true;
  if (ph.length >= src.history.length || pd.length > src.diffIds.length) return false;
  return ph.every((h, i) => sameEntry(h, src.history[i]!)) && pd.every((d, i) => d === src.diffIds[i]);
}

/**
 * The cached image for a step under `--cache-from`, or undefined. `localHit` is what the local
 * build cache recorded for the step's key; `parent` the current image's config (undefined for
 * scratch); `createdBy` the step's command as history records it. Never throws.
 */
export function cacheFromHit(sources: CacheSource[], localHit: string | undefined, parent: ImageConfigBlob | undefined, createdBy: string): string | undefined {
  if (localHit && sources.some((s) => s.chain.has(localHit))) return localHit;
  const n = parent?.history?.length ?? 0;
  for (const s of sources) {
    if (!continues(s, parent) || (s.history[n]?.created_by ?? '') !== createdBy) continue;
    for (const [id, len] of s.chain) if (len === n + 1) return id;
  }
  return undefined;
}
