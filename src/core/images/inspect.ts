/**
 * GET /images/{name}/json and /history: Docker's inspect shape and history rows (newest
 * first, `<missing>` ids below the image and its parents).
 */
import type { ContainerConfig, ImageHistoryItem, ImageInspect } from '../../api/types.js';
import { familiarString, parseReference } from '../../oci/reference.js';
import { recordKey, ZERO_TIME, type ImageContext, type ImageRecord } from './context.js';
import { findImage, getConfig } from './lookup.js';
import { unixSeconds } from './list.js';

/** The container config with every field Docker's Go struct always serialises. */
export function fullContainerConfig(c: ContainerConfig | undefined): ContainerConfig {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
    ...c,
  };
}

function graphDriver(ctx: ImageContext, r: ImageRecord): ImageInspect['GraphDriver'] {
  if (r.layers.length === 0) return { Name: ctx.snapshots.driver, Data: null };
  const dirs = r.layers.map((l) => ctx.snapshots.layerDir(l.chainId));
  const top = dirs[dirs.length - 1]!;
  const data: Record<string, string> = { UpperDir: top };
  if (dirs.length > 1) data.LowerDir = dirs.slice(0, -1).reverse().join(':');
  return { Name: ctx.snapshots.driver, Data: data };
}

/** GET /images/{name}/json (the API 1.44 shape, with the deprecated Container/ContainerConfig). Throws NotFound, InvalidArgument. */
export async function inspectImage(ctx: ImageContext, s: string): Promise<ImageInspect> {
  const { record: r } = findImage(ctx, s);
  const cfg = await getConfig(ctx, r.id);
  const out: ImageInspect = {
    Id: r.id,
    RepoTags: r.repoTags.map((t) => familiarString(parseReference(t))),
    RepoDigests: r.repoDigests.map((t) => familiarString(parseReference(t))),
    Parent: r.parent,
    Comment: cfg.comment ?? '',
    Created: cfg.created ?? r.created,
    DockerVersion: cfg.docker_version ?? '',
    Author: cfg.author ?? '',
    Config: fullContainerConfig(cfg.config),
    Architecture: cfg.architecture,
    Os: cfg.os,
    Size: r.size,
    GraphDriver: graphDriver(ctx, r),
    RootFS: { Type: 'layers', Layers: r.layers.map((l) => l.diffId) },
    Metadata: { LastTagTime: r.lastTagTime || ZERO_TIME },
  };
  if (cfg.variant) out.Variant = cfg.variant;
  // API 1.44 still carries both (deprecated, gone in 1.45): Docker sends them for every image,
  // empty when the config has none, and docker-compose v1 reads ContainerConfig when it
  // recreates a container (KeyError without it).
  out.Container = cfg.container ?? '';
  out.ContainerConfig = fullContainerConfig(cfg.container_config);
  return out;
}

/** GET /images/{name}/history. Throws NotFound, InvalidArgument, Internal (history/layers mismatch). */
export async function imageHistory(ctx: ImageContext, s: string): Promise<ImageHistoryItem[]> {
  const { record: r } = findImage(ctx, s);
  const cfg = await getConfig(ctx, r.id);
  const rows: ImageHistoryItem[] = [];
  let layer = 0;
  for (const h of cfg.history ?? []) {
    let size = 0;
    if (!h.empty_layer) {
      const l = r.layers[layer];
      if (!l) throw new Error('too many non-empty layers in History section');
      size = l.size;
      layer++;
    }
    rows.unshift({ Id: '<missing>', Created: h.created ? unixSeconds(h.created) : 0, CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  let cur: ImageRecord | undefined = r;
  for (const row of rows) {
    if (!cur) break;
    row.Id = cur.id;
    const tags = cur.repoTags.map((t) => familiarString(parseReference(t)));
    row.Tags = tags.length ? tags : null;
    cur = cur.parent ? ctx.records.get(recordKey(cur.parent)) : undefined;
  }
  return rows;
}
