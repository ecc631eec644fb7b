/**
 * Garbage collection of what transfers leave in the content store: compressed layer blobs
 * (kept after pulls and pushes so pushes are byte-identical and pulls resumable) whose layer no
 * local image uses any more, and manifests of images that are gone. Skipped while a transfer
 * runs (its blobs belong to no image yet), and cut short when one starts.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DistContext } from './context.js';

/**
 * Removes unused transfer leftovers; returns the bytes freed. Collections run one at a time; one
 * stops (keeping the rest for the next) as soon as a transfer starts, and transfers wait for it
 * (see tracked). Throws fs errors.
 */
export function collectGarbage(ctx: DistContext): Promise<number> {
  const run = ctx.gc.tail.then(() => collect(ctx), () => collect(ctx));
  ctx.gc.tail = run.catch(() => undefined);
  return run;
}

async function collect(ctx: DistContext): Promise<number> {
  // A transfer in progress may hold blobs no image uses yet: try again later.
  const busy = () => ctx.active.count > 0;
  if (busy()) return 0;
  const usedDiffIds = new Set<string>();
  const usedImages = new Set<string>();
  for (const img of await ctx.deps.images.list({ all: true })) {
    usedImages.add(img.Id);
    const inspect = await ctx.deps.images.inspect(img.Id).catch(() => undefined);
    for (const d of inspect?.RootFS.Layers ?? []) usedDiffIds.add(d);
  }
  let freed = 0;
  const drop = async (digest: string) => {
    if (busy()) return;
    const info = await ctx.deps.content.info(digest);
    if (!info || busy()) return;
    await ctx.deps.content.delete(digest);
    freed += info.size;
  };
  const dir = path.join(ctx.opts.root, 'distribution');
  for (const f of await readdir(path.join(dir, 'layers')).catch(() => [] as string[])) {
    if (busy()) return freed;
    const diffId = `sha256:${f.replace(/\.json$/, '')}`;
    if (usedDiffIds.has(diffId)) continue;
    for (const s of await ctx.metadata.layerSources(diffId)) if (!usedImages.has(s.digest)) await drop(s.digest);
    if (busy()) return freed;
    await rm(path.join(dir, 'layers', f), { force: true });
  }
  for (const f of await readdir(path.join(dir, 'images')).catch(() => [] as string[])) {
    if (busy()) return freed;
    const id = `sha256:${f.replace(/\.json$/, '')}`;
    if (usedImages.has(id)) continue;
    for (const m of await ctx.metadata.imageManifests(id)) await drop(m.digest);
    if (busy()) return freed;
    await rm(path.join(dir, 'images', f), { force: true });
  }
  return freed;
}
