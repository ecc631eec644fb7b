/** `GET /containers/{id}/json` (Docker 1.44 shape); the network parts are in network-settings.ts. */
import type { ContainerInspect } from '../../api/types.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { mountPointsOf } from './mounts.js';
import { networkSettingsOf } from './network-settings.js';

/** Builds the inspect document of a record. Throws snapshotter/image errors only when `size`. */
export async function inspectRecord(ctx: Ctx, rec: ContainerRecord, size = false): Promise<ContainerInspect> {
  const state = { ...rec.state };
  if (ctx.removing.has(rec.id)) state.Status = 'removing';
  else if (rec.state.Status === 'removing') state.Status = rec.hasBeenStarted ? 'exited' : 'created';
  const out: ContainerInspect = {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: state,
    Image: rec.imageId,
    ResolvConfPath: rec.paths.resolvConf,
    HostnamePath: rec.paths.hostname,
    HostsPath: rec.paths.hosts,
    LogPath: rec.hostConfig.LogConfig?.Type === 'none' ? '' : rec.paths.log,
    Name: rec.name,
    RestartCount: rec.restartCount,
    Driver: rec.driver,
    Platform: rec.platform,
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: ctx.execs.idsOf(rec.id),
    HostConfig: rec.hostConfig,
    GraphDriver: { Name: rec.driver, Data: safeRwPaths(ctx, rec.id) },
    Mounts: mountPointsOf(rec),
    Config: rec.config,
    NetworkSettings: networkSettingsOf(ctx, rec),
  };
  if (size) {
    const sizes = await sizesOf(ctx, rec);
    out.SizeRw = sizes.rw;
    out.SizeRootFs = sizes.rootFs;
  }
  return out;
}

function safeRwPaths(ctx: Ctx, id: string): Record<string, string> | null {
  try {
    return ctx.deps.snapshots.rwPaths(id);
  } catch {
    return null;
  }
}

/** SizeRw and SizeRootFs of a container (rw layer bytes; plus the image's size). Never throws. */
export async function sizesOf(ctx: Ctx, rec: ContainerRecord): Promise<{ rw: number; rootFs: number }> {
  const rw = await ctx.deps.snapshots.rwSize(rec.id).catch(() => 0);
  const image = await ctx.deps.images.inspect(rec.imageId).catch(() => undefined);
  return { rw, rootFs: rw + (image?.Size ?? 0) };
}
