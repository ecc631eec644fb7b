/**
 * Lifecycle commands over a project's existing containers: start (dependency order, waiting
 * on depends_on conditions), stop (reverse order), restart, kill, pause, unpause and rm.
 * Throws ComposeError for unknown services and what the client throws.
 */
import type { Project } from '../model.js';
import { ComposeError } from '../model.js';
import { type Ctx, levelsOf, parallel, selectServices } from './context.js';
import { removeContainer, startContainer, stopContainer } from './containers.js';
import { groupByService, listProjectContainers, type ObservedContainer } from './observed.js';
import { waitDependency } from './wait.js';

async function containersOf(ctx: Ctx, project: Project, services: string[]): Promise<{ levels: string[][]; by: Map<string, ObservedContainer[]> }> {
  const names = selectServices(project, services);
  const by = groupByService(await listProjectContainers(ctx.deps.client, project.name));
  let levels: string[][];
  try {
    levels = levelsOf(ctx, project).map((l) => l.filter((n) => names.includes(n))).filter((l) => l.length);
  } catch {
    levels = [names];
  }
  const placed = new Set(levels.flat());
  const rest = names.filter((n) => !placed.has(n));
  if (rest.length) levels.push(rest);
  return { levels, by };
}

/** Starts the existing containers of `services` in dependency order. Throws ComposeError when a service has none. */
export async function start(ctx: Ctx, project: Project, services: string[]): Promise<void> {
  const { levels, by } = await containersOf(ctx, project, services);
  for (const level of levels) {
    await parallel(level, async (n) => {
      const cs = by.get(n) ?? [];
      if (!cs.length) {
        if (services.length) throw new ComposeError(`service "${n}" has no container to start`);
        return;
      }
      const s = project.services[n] ?? project.disabledServices[n];
      for (const [dep, d] of Object.entries(s?.depends_on ?? {})) {
        const targets = (by.get(dep) ?? []).map((c) => ({ id: c.id, name: c.name }));
        if (targets.length) await waitDependency(ctx, dep, d, targets);
      }
      await parallel(cs.filter((c) => c.state !== 'running'), (c) => startContainer(ctx, c.id, c.name));
    });
  }
}

/** Stops the running containers of `services` in reverse dependency order. */
export async function stop(ctx: Ctx, project: Project, services: string[], timeout?: number): Promise<void> {
  const { levels, by } = await containersOf(ctx, project, services);
  for (const level of [...levels].reverse()) {
    await parallel(level.flatMap((n) => by.get(n) ?? []).filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting'), (c) => stopContainer(ctx, c, timeout));
  }
}

/** Restarts the containers of `services` (dependency order, parallel within a level). */
export async function restart(ctx: Ctx, project: Project, services: string[], timeout?: number): Promise<void> {
  const { levels, by } = await containersOf(ctx, project, services);
  const { progress, client } = ctx.deps;
  for (const level of levels) {
    await parallel(level.flatMap((n) => by.get(n) ?? []), async (c) => {
      progress.begin('Container', c.name, 'Restarting');
      if (!ctx.options.dryRun) await client.containers.restart(c.id, { t: timeout });
      progress.done('Container', c.name, 'Started');
    });
  }
}

/** Sends `signal` to the running containers of `services`. */
export async function kill(ctx: Ctx, project: Project, services: string[], signal?: string): Promise<void> {
  const { by } = await containersOf(ctx, project, services);
  const { progress, client } = ctx.deps;
  const cs = [...by.entries()].filter(([n]) => selectServices(project, services).includes(n)).flatMap(([, v]) => v).filter((c) => c.state === 'running');
  await parallel(cs, async (c) => {
    progress.begin('Container', c.name, 'Killing');
    if (!ctx.options.dryRun) await client.containers.kill(c.id, signal);
    progress.done('Container', c.name, 'Killed');
  });
}

/** Pauses (or unpauses) the containers of `services`. */
export async function pause(ctx: Ctx, project: Project, services: string[], unpause = false): Promise<void> {
  const { by } = await containersOf(ctx, project, services);
  const { progress, client } = ctx.deps;
  const names = selectServices(project, services);
  const cs = names.flatMap((n) => by.get(n) ?? []).filter((c) => (unpause ? c.state === 'paused' : c.state === 'running'));
  await parallel(cs, async (c) => {
    progress.begin('Container', c.name, unpause ? 'Unpausing' : 'Pausing');
    if (!ctx.options.dryRun) await (unpause ? client.containers.unpause(c.id) : client.containers.pause(c.id));
    progress.done('Container', c.name, unpause ? 'Unpaused' : 'Paused');
  });
}

/** The stopped containers `rm` would remove (all of them with `stopFirst`). */
export async function removable(ctx: Ctx, project: Project, services: string[], stopFirst: boolean): Promise<ObservedContainer[]> {
  const { by } = await containersOf(ctx, project, services);
  return selectServices(project, services).flatMap((n) => by.get(n) ?? []).filter((c) => stopFirst || (c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting'));
}

/** Removes `cs` (stopping running ones first when `stopFirst`), with anonymous volumes when `volumes`. */
export async function rm(ctx: Ctx, cs: ObservedContainer[], opts: { stopFirst?: boolean; volumes?: boolean; timeout?: number }): Promise<void> {
  if (opts.stopFirst) await parallel(cs.filter((c) => c.state === 'running' || c.state === 'paused'), (c) => stopContainer(ctx, c, opts.timeout));
  await parallel(cs, (c) => removeContainer(ctx, c, opts.volumes));
}
