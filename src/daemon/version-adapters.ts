/**
 * Adaptations for clients that ask for an older API version (`/v1.24`…`/v1.43`). Services
 * speak API 1.44 only; the few differences clients notice are applied here, at the edge:
 *
 * - < 1.44: `VirtualSize` (= `Size`) in image list, image inspect and `system/df` images.
 * - < 1.43: untagged images list `RepoTags ["<none>:<none>"]`, `RepoDigests ["<none>@<none>"]`.
 * - < 1.42: attach streams are `raw-stream` even without a TTY (see hijack.ts); the `signal`
 *   parameter of stop/restart is ignored.
 * - < 1.41: `GET /images/json?filter=x` (singular) is a `reference` filter.
 * - < 1.30: `wait` ignores `condition` (waits for not-running).
 * - < 1.25: `HostConfig.AutoRemove` on create is ignored (the client removes the container).
 */
import type { ContainerCreateRequest, Filters, ImageInspect, ImageSummary } from '../api/types.js';
import type { WaitCondition } from '../core/containers/index.js';
import { versionLess } from '../api/version.js';
import { invalidArgument } from '../lib/errors.js';

/** Image list as an older client expects it. Never throws. */
export function adaptImageSummaries(list: ImageSummary[], v: string): ImageSummary[] {
  if (!versionLess(v, '1.44')) return list;
  return list.map((img) => {
    const out: ImageSummary = { ...img, VirtualSize: img.Size };
    if (versionLess(v, '1.43')) {
      if (!img.RepoTags || img.RepoTags.length === 0) out.RepoTags = ['<none>:<none>'];
      if (!img.RepoDigests || img.RepoDigests.length === 0) out.RepoDigests = ['<none>@<none>'];
    }
    return out;
  });
}

/** Image inspect as an older client expects it. Never throws. */
export function adaptImageInspect(img: ImageInspect, v: string): ImageInspect {
  return versionLess(v, '1.44') ? { ...img, VirtualSize: img.Size } : img;
}

/** `system/df` body as an older client expects it. Never throws. */
export function adaptDf(df: Record<string, unknown>, v: string): Record<string, unknown> {
  if (!versionLess(v, '1.44') || !Array.isArray(df.Images)) return df;
  return { ...df, Images: adaptImageSummaries(df.Images as ImageSummary[], v) };
}

/** Create body as an older client means it. Throws InvalidArgument for several networks before API 1.44. */
export function adaptCreateRequest(body: ContainerCreateRequest, v: string): ContainerCreateRequest {
  // Before 1.44 a container is created on one network; the others are joined with connect.
  const endpoints = Object.keys(body.NetworkingConfig?.EndpointsConfig ?? {});
  if (versionLess(v, '1.44') && endpoints.length > 1) {
    throw invalidArgument(`Container cannot be connected to network endpoints: ${endpoints.join(', ')}`);
  }
  if (versionLess(v, '1.25') && body.HostConfig) return { ...body, HostConfig: { ...body.HostConfig, AutoRemove: false } };
  return body;
}

/** The wait condition an older client gets. */
export function adaptWaitCondition(c: WaitCondition, v: string): WaitCondition {
  return versionLess(v, '1.30') ? 'not-running' : c;
}

/** The stop signal parameter an older client may pass. */
export function adaptStopSignal(signal: string | undefined, v: string): string | undefined {
  return versionLess(v, '1.42') ? undefined : signal;
}

/** Adds the pre-1.41 singular `filter` parameter of image list as a `reference` filter. */
export function adaptImageListFilter(filters: Filters, legacy: string | null, v: string): Filters {
  if (!legacy || !versionLess(v, '1.41')) return filters;
  const out = new Map(filters);
  out.set('reference', [...(out.get('reference') ?? []), legacy]);
  return out;
}
