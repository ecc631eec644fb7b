/**
 * `compose down`: stops and removes the project's containers in reverse dependency order,
 * then its networks (not external ones), with `-v` its volumes and with `--rmi` its images.
 * Orphans are removed with `--remove-orphans`, reported otherwise. Works from labels, so a
 * half-created project is removed too.
 */
import { ApiError } from '../../client/index.js';
import type { Project } from '../model.js';
import { type Ctx, levelsOf, parallel } from './context.js';
import { serviceImage } from './container-spec.js';
import { removeContainer, stopContainer } from './containers.js';
import { listProjectContainers, type ObservedContainer } from './observed.js';
import { removeNetworks, removeVolumes } from './resources.js';
import { orphansOf } from './up.js';

/** Options of down. */
export interface DownOptions {
  volumes?: boolean;
  rmi?: 'local' | 'all';
  removeOrphans?: boolean;
  /** Seconds before SIGKILL. */
  timeout?: number;
}

const active = (c: ObservedContainer) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting';

/** Stops then removes `cs` (in parallel). */
async function stopAndRemove(ctx: Ctx, cs: ObservedContainer[], timeout?: number, volumes = false): Promise<void> {
  await parallel(cs.filter(active), (c) => stopContainer(ctx, c, timeout));
  await parallel(cs, (c) => removeContainer(ctx, c, volumes));
}

/** Takes the project down. Throws what the client throws (after trying everything it can). */
export async function down(ctx: Ctx, project: Project, opts: DownOptions = {}): Promise<void> {
  const { client, progress } = ctx.deps;
  const existing = await listProjectContainers(client, project.name, { oneoff: 'any' });
  const orphans = orphansOf(project, existing);
  if (orphans.length && !opts.removeOrphans) {
    progress.warn(`WARN[0000] Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  const orphanIds = new Set(orphans.map((c) => c.id));
  const ofService = (n: string) => existing.filter((c) => c.service === n && !orphanIds.has(c.id));
  let levels: string[][];
  try {
    levels = levelsOf(ctx, project);
  } catch {
    levels = [Object.keys(project.services)];
  }
  const ordered = new Set(levels.flat());
  // One-off containers and services missing from the order (profile-disabled) go first.
  const first = existing.filter((c) => !orphanIds.has(c.id) && (c.oneoff || !ordered.has(c.service)));
  const firstIds = new Set(first.map((c) => c.id));
  await stopAndRemove(ctx, [...first, ...(opts.removeOrphans ? orphans : [])], opts.timeout);
  for (const level of [...levels].reverse()) {
    await stopAndRemove(ctx, level.flatMap(ofService).filter((c) => !firstIds.has(c.id)), opts.timeout);
  }
  await removeNetworks(ctx, project);
  if (opts.volumes) await removeVolumes(ctx, project);
  if (opts.rmi) await removeImages(ctx, project, opts.rmi);
}

/** `--rmi local` removes images built without an `image:` name; `all` every service image. */
async function removeImages(ctx: Ctx, project: Project, which: 'local' | 'all'): Promise<void> {
  const { client, progress } = ctx.deps;
  const refs = new Set<string>();
  for (const s of [...Object.values(project.services), ...Object.values(project.disabledServices)]) {
    if (which === 'all' || !s.image) refs.add(serviceImage(project, s, ctx.options.compatibility));
  }
  await parallel([...refs].sort(), async (ref) => {
    try {
      await client.images.inspect(ref);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return;
      throw e;
    }
    progress.begin('Image', ref, 'Removing');
    if (!ctx.options.dryRun) await client.images.remove(ref);
    progress.done('Image', ref, 'Removed');
  });
}
