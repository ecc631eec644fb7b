/**
 * `compose up` / `compose create`: converges a project towards its model. Networks first, then
 * volumes, then the services level by level in dependency order (services of one level and the
 * replicas of one service in parallel): extra replicas removed, diverged ones recreated (config
 * hash or image changed, or forced), missing ones created, then started once their
 * dependencies meet their `depends_on` conditions. Orphans are reported or removed.
 */
import type { Project, ServiceConfig } from '../model.js';
import { type Ctx, hashOf, levelsOf, parallel, selectServices } from './context.js';
import { desiredScale } from './container-spec.js';
import { createReplica, recreateReplica, removeContainer, replicaName, startContainer, stopContainer, type CreateInput } from './containers.js';
import { ensureImages, type BuildOptions, type PullPolicy } from './images.js';
import { groupByService, listProjectContainers, type ObservedContainer } from './observed.js';
import { planService, type RecreatePolicy } from './plan.js';
import { ensureNetworks, ensureVolumes, networksUsed, volumesUsed } from './resources.js';
import { waitDependency, waitReady, type WaitTarget } from './wait.js';

/** Options of up/create. */
export interface UpOptions {
  /** Services named on the command line (empty: all enabled). */
  services: string[];
  noDeps?: boolean;
  /** Create only (`compose create`, `up --no-start`). */
  noStart?: boolean;
  recreate?: RecreatePolicy;
  /** `--always-recreate-deps`: dependencies are recreated too when forcing. */
  removeOrphans?: boolean;
  /** `--scale svc=N`. */
  scale?: Record<string, number>;
  build?: boolean;
  noBuild?: boolean;
  pull?: PullPolicy;
  buildOptions?: BuildOptions;
  /** `-V`: new anonymous volumes instead of the previous containers'. */
  renewAnonVolumes?: boolean;
  /** `-t`: seconds to stop containers being recreated or removed. */
  timeout?: number;
  wait?: boolean;
  waitTimeout?: number;
}

/** The containers of each service after convergence (service → containers in number order). */
export type Converged = Map<string, WaitTarget[]>;

/** The project with profile-disabled services that were named explicitly enabled. Never throws. */
export function withNamedServices(project: Project, names: string[]): Project {
  const extra = names.filter((n) => !project.services[n] && project.disabledServices[n]);
  if (!extra.length) return project;
  const services = { ...project.services };
  for (const n of extra) services[n] = project.disabledServices[n]!;
  return { ...project, services };
}

/** Containers of services no longer in the model (none for a file-less, name-only project). Never throws. */
export function orphansOf(project: Project, existing: ObservedContainer[]): ObservedContainer[] {
  if (!project.configFiles.length) return [];
  return existing.filter((c) => !project.services[c.service] && !project.disabledServices[c.service]);
}

/**
 * Converges the project. Resolves with the resulting containers by service. Throws
 * ComposeError (bad service names, missing images, dependency failures, cycles) and what the
 * client throws.
 */
export async function up(ctx: Ctx, base: Project, opts: UpOptions): Promise<Converged> {
  const project = withNamedServices(base, opts.services);
  selectServices(project, opts.services);
  let levels = levelsOf(ctx, project, opts.services.length ? opts.services : undefined);
  if (opts.noDeps && opts.services.length) levels = levels.map((l) => l.filter((n) => opts.services.includes(n))).filter((l) => l.length);
  const all = levels.flat();
  const { client, progress } = ctx.deps;

  const [imageIds, existing] = await Promise.all([
    ensureImages(ctx, project, all, { build: opts.build, noBuild: opts.noBuild, pull: opts.pull, buildOptions: opts.buildOptions }),
    listProjectContainers(client, project.name),
  ]);
  await ensureNetworks(ctx, project, networksUsed(project, all));
  await ensureVolumes(ctx, project, volumesUsed(project, all));

  const orphans = orphansOf(project, existing);
  if (orphans.length && opts.removeOrphans) {
    await parallel(orphans, async (c) => {
      if (c.state === 'running') await stopContainer(ctx, c, opts.timeout);
      await removeContainer(ctx, c);
    });
  } else if (orphans.length) {
    progress.warn(`WARN[0000] Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }

  const byService = groupByService(existing);
  const result: Converged = new Map();
  for (const [svc, cs] of byService) if (project.services[svc]) result.set(svc, cs.map((c) => ({ id: c.id, name: c.name })));
  const containerOf = (svc: string) => result.get(svc)?.[0]?.name;

  for (const level of levels) {
    await parallel(level, async (n) => {
      const s = project.services[n]!;
      const converged = await convergeService(ctx, project, s, byService.get(n) ?? [], { ...opts, imageId: imageIds.get(n), containerOf });
      result.set(n, converged.targets);
      if (opts.noStart || !converged.toStart.length) return;
      await waitForDependencies(ctx, project, s, result);
      await parallel(converged.toStart, (t) => startContainer(ctx, t.id, t.name));
    });
  }
  if (opts.wait && !opts.noStart) await waitReady(ctx, all.flatMap((n) => result.get(n) ?? []), opts.waitTimeout);
  return result;
}

async function waitForDependencies(ctx: Ctx, project: Project, s: ServiceConfig, result: Converged): Promise<void> {
  await parallel(Object.entries(s.depends_on), async ([dep, d]) => {
    if (!project.services[dep]) return;
    await waitDependency(ctx, dep, d, result.get(dep) ?? []);
  });
}

/** Converges one service; resolves with its containers and those that need a start. */
async function convergeService(ctx: Ctx, project: Project, s: ServiceConfig, existing: ObservedContainer[], opts: UpOptions & { imageId?: string; containerOf: (svc: string) => string | undefined }): Promise<{ targets: WaitTarget[]; toStart: WaitTarget[] }> {
  const hash = hashOf(ctx, s);
  const scale = desiredScale(s, opts.scale?.[s.name]);
  const plan = planService({ existing, scale, hash, imageId: opts.imageId, policy: opts.recreate ?? 'diverged' });
  await parallel(plan.remove, async (c) => {
    if (c.state === 'running' || c.state === 'paused') await stopContainer(ctx, c, opts.timeout);
    await removeContainer(ctx, c);
  });
  const input = (number: number): CreateInput => ({ project, service: s, number, hash, imageId: opts.imageId, containerOf: opts.containerOf });
  const created = await parallel([
    ...plan.recreate.map((c) => async () => ({ number: c.number, id: await recreateReplica(ctx, c, input(c.number), opts.timeout, opts.renewAnonVolumes), start: true })),
    ...plan.create.map((n) => async () => ({ number: n, id: await createReplica(ctx, input(n)), start: true })),
    ...plan.keep.map((c) => async () => {
      if (c.state !== 'running') return { number: c.number, id: c.id, start: true };
      ctx.deps.progress.done('Container', c.name, 'Running');
      return { number: c.number, id: c.id, start: false };
    }),
  ], (f) => f());
  created.sort((a, b) => a.number - b.number);
  const targets = created.map((c) => ({ id: c.id, name: replicaName(ctx, project, s, c.number), start: c.start }));
  return { targets: targets.map(({ id, name, start }) => ({ id, name, fresh: start })), toStart: targets.filter((t) => t.start && (t.id || ctx.options.dryRun)) };
}
