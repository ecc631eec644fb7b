/** `GET /containers/json`: filtering, ordering (newest first), limit and Docker's summary shape. */
import type { ContainerSummary, Filters } from '../../api/types.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { recordMatches, type MatchEnv } from './filters.js';
import { rejectUnknownFilters } from '../../api/filters.js';
import { commandString, stateName, statusString } from './human.js';
import { sizesOf } from './inspect.js';
import { configuredNetworks, listPortsOf, networksOf } from './network-settings.js';
import { portFilterMatches } from './filters.js';
import { toSeconds } from './time.js';
import { matchesVolumeFilter, mountPointsOf } from './mounts.js';

const LIST_KEYS = ['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'health', 'network', 'volume', 'publish', 'expose', 'is-task'];

/** Builds the match environment: resolves ancestor images and before/since containers. Throws NotFound for an unknown before/since container. */
export async function matchEnv(ctx: Ctx, filters: Filters | undefined): Promise<MatchEnv> {
  const env: MatchEnv = {
    state: (rec) => stateName(rec, ctx.removing.has(rec.id)),
    ancestorIds: new Set(),
    ancestorRefs: new Set(),
    createdSec: (rec) => toSeconds(rec.created),
    networks: (rec) => configuredNetworks(ctx, rec),
  };
  const ancestorLayers: string[][] = [];
  for (const a of filters?.get('ancestor') ?? []) {
    env.ancestorRefs.add(a);
    const img = await ctx.deps.images.resolve(a).catch(() => undefined);
    if (!img) continue;
    env.ancestorIds.add(img.id);
    if (img.config.rootfs.diff_ids.length > 0) ancestorLayers.push(img.config.rootfs.diff_ids);
  }
  if (ancestorLayers.length > 0) await addDescendants(ctx, env, ancestorLayers);
  const before = filters?.get('before')?.[0];
  if (before) env.before = toSeconds(ctx.find(before).created);
  const since = filters?.get('since')?.[0];
  if (since) env.since = toSeconds(ctx.find(since).created);
  return env;
}

/**
 * Adds to `env.ancestorIds` the images of existing containers that descend from an ancestor:
 * their layer list starts with all of the ancestor's layers (commit and build add layers on top).
 */
async function addDescendants(ctx: Ctx, env: MatchEnv, ancestors: string[][]): Promise<void> {
  const ids = new Set([...ctx.byId.values()].map((r) => r.imageId));
  for (const id of ids) {
    if (env.ancestorIds.has(id)) continue;
    const img = await ctx.deps.images.resolve(id).catch(() => undefined);
    const layers = img?.config.rootfs.diff_ids ?? [];
    if (ancestors.some((a) => a.length <= layers.length && a.every((l, i) => layers[i] === l))) env.ancestorIds.add(id);
  }
}

/** The list summary of one record. */
export function summaryOf(ctx: Ctx, rec: ContainerRecord, now = Date.now()): ContainerSummary {
  const removing = ctx.removing.has(rec.id);
  return {
    Id: rec.id,
    Names: [rec.name],
    Image: rec.config.Image ?? rec.imageId,
    ImageID: rec.imageId,
    Command: commandString(rec),
    Created: Math.floor(toSeconds(rec.created)),
    Ports: listPortsOf(ctx, rec),
    Labels: rec.config.Labels ?? {},
    State: stateName(rec, removing),
    Status: statusString(rec, removing, now),
    HostConfig: { NetworkMode: rec.hostConfig.NetworkMode || 'default' },
    NetworkSettings: { Networks: networksOf(ctx, rec) },
    Mounts: mountPointsOf(rec),
  };
}

/** Lists containers. Throws InvalidArgument for a bad filter, NotFound for before/since. */
export async function list(ctx: Ctx, opts: { all?: boolean; limit?: number; size?: boolean; filters?: Filters }): Promise<ContainerSummary[]> {
  rejectUnknownFilters(opts.filters, LIST_KEYS);
  const env = await matchEnv(ctx, opts.filters);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  const all = opts.all || limit > 0 || env.before !== undefined || env.since !== undefined || opts.filters?.has('status') || opts.filters?.has('exited');
  const publish = opts.filters?.get('publish');
  const expose = opts.filters?.get('expose');
  let recs = [...ctx.byId.values()].filter(
    (r) =>
      (all || r.state.Running) &&
      recordMatches(r, opts.filters, env) &&
      matchesVolumeFilter(r, opts.filters?.get('volume')) &&
      (!(publish || expose) || portFilterMatches(listPortsOf(ctx, r), publish, expose)),
  );
  recs.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  if (limit > 0) recs = recs.slice(0, limit);
  const now = Date.now();
  const out = recs.map((r) => summaryOf(ctx, r, now));
  if (opts.size) {
    await Promise.all(
      out.map(async (s, i) => {
        const sizes = await sizesOf(ctx, recs[i]!);
        s.SizeRw = sizes.rw;
        s.SizeRootFs = sizes.rootFs;
      }),
    );
  }
  return out;
}
