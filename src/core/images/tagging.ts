/**
 * Tag bookkeeping: a tag or digest reference belongs to at most one image; adding it to one
 * image takes it away from another (which may become dangling). Callers hold the images lock.
 */
import { familiarize } from '../../oci/reference.js';
import { recordKey, type ImageContext, type ImageRecord } from './context.js';
import { getConfig } from './lookup.js';

/** Writes a record (atomically) under its key. Throws fs errors. */
export function saveRecord(ctx: ImageContext, record: ImageRecord): Promise<void> {
  return ctx.records.put(recordKey(record.id), record);
}

/** Attributes of an image event: `name` plus the image's labels (as Docker does). */
export async function eventAttributes(ctx: ImageContext, id: string, name: string): Promise<Record<string, string>> {
  const attrs: Record<string, string> = {};
  try {
    const labels = (await getConfig(ctx, id)).config?.Labels ?? {};
    for (const [k, v] of Object.entries(labels)) attrs[k] = v;
  } catch {
    // config missing: emit without labels
  }
  attrs.name = name;
  return attrs;
}

/**
 * Points the full reference `full` (tag or digest form) at image `id`, removing it from any
 * other image. Returns the id of the image it was taken from, if any. Updates lastTagTime
 * for tags unless `keepTagTime` (load, like Docker, leaves it unset). Emits `tag` when `emit` is set. Throws fs errors.
 */
export async function addReference(ctx: ImageContext, id: string, full: string, opts: { emit?: boolean; keepTagTime?: boolean } = {}): Promise<string | undefined> {
  const previous = await addReferences(ctx, id, [{ full, keepTagTime: opts.keepTagTime }]);
  if (opts.emit && ctx.records.get(recordKey(id))) ctx.deps.emit('tag', id, await eventAttributes(ctx, id, familiarize(full)));
  return previous;
}

/**
 * Points several full references at image `id` as addReference does for one, writing each
 * affected record once (a pull's tag and digest: one write of the new image's record instead
 * of one per reference). Returns the id of an image a reference was taken from, if any. Emits
 * nothing. Throws fs errors.
 */
export async function addReferences(ctx: ImageContext, id: string, refs: { full: string; keepTagTime?: boolean }[]): Promise<string | undefined> {
  const names = refs.map((r) => r.full);
  let previous: string | undefined;
  for (const r of ctx.records.all()) {
    if (r.id === id) continue;
    if (names.some((n) => r.repoTags.includes(n) || r.repoDigests.includes(n))) {
      previous = r.id;
      await saveRecord(ctx, { ...r, repoTags: r.repoTags.filter((t) => !names.includes(t)), repoDigests: r.repoDigests.filter((t) => !names.includes(t)) });
    }
  }
  const rec = ctx.records.get(recordKey(id));
  if (!rec) return previous;
  const next: ImageRecord = { ...rec };
  let refsChanged = false;
  let timeChanged = false;
  for (const { full, keepTagTime } of refs) {
    const list = full.includes('@') ? 'repoDigests' : 'repoTags';
    if (!next[list].includes(full)) {
      next[list] = [...next[list], full];
      refsChanged = true;
    }
    if (list === 'repoTags' && !keepTagTime) {
      next.lastTagTime = ctx.now().toISOString();
      timeChanged = true;
    }
  }
  // A record already as asked is not rewritten. Re-tagging with a tag the image already has
  // (a fully cached rebuild) only moves LastTagTime: visible at once, written in the
  // background, so the answer does not wait for an fsync behind other writeback.
  if (refsChanged) await saveRecord(ctx, next);
  else if (timeChanged) {
    const onError = (e: Error) => ctx.log.warn('writing an image record failed', { id, error: e.message });
    await ctx.records.put(recordKey(id), next, { background: { onError } });
  }
  return previous;
}

/** Removes the full reference from image `id`; emits `untag`. Returns its familiar form. Throws fs errors. */
export async function removeReference(ctx: ImageContext, id: string, full: string): Promise<string> {
  const rec = ctx.records.get(recordKey(id));
  if (rec) {
    await saveRecord(ctx, { ...rec, repoTags: rec.repoTags.filter((t) => t !== full), repoDigests: rec.repoDigests.filter((t) => t !== full) });
  }
  ctx.deps.emit('untag', id, await eventAttributes(ctx, id, id));
  return familiarize(full);
}
