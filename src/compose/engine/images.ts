/**
 * Images of a project: the image ID each service runs (inspect), building services with a
 * `build:` section through `POST /build` (tagged `<project>-<service>` when no image is named),
 * pulling missing images, pushing. Throws ComposeError for build failures and what the client
 * throws otherwise.
 */
import { ApiError, jsonLines } from '../../client/index.js';
import type { ProgressMessage } from '../../api/types.js';
import type { Project, ServiceConfig } from '../model.js';
import { ComposeError } from '../model.js';
import { buildContext } from './build-context.js';
import { type Ctx, parallel } from './context.js';
import { serviceImage } from './container-spec.js';
import { LABEL } from './labels.js';

/** Options of buildServices. */
export interface BuildOptions {
  noCache?: boolean;
  pull?: boolean;
  quiet?: boolean;
  /** `--build-arg` overrides. */
  args?: Record<string, string>;
  /** Receives the builder's output text. */
  output?: (text: string) => void;
}

/** The image ID of `ref`, or undefined when the engine does not have it. Throws other client errors. */
export async function imageId(ctx: Ctx, ref: string): Promise<string | undefined> {
  try {
    return (await ctx.deps.client.images.inspect(ref)).Id;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** Builds one service's image. Resolves with the image ID. Throws ComposeError on a failed build. */
export async function buildService(ctx: Ctx, project: Project, s: ServiceConfig, opts: BuildOptions = {}): Promise<string> {
  const b = s.build;
  if (!b) throw new ComposeError(`service "${s.name}" has no build section`);
  const tag = serviceImage(project, s, ctx.options.compatibility);
  const { progress } = ctx.deps;
  progress.begin('Service', s.name, 'Building');
  if (ctx.options.dryRun) {
    progress.done('Service', s.name, 'Built');
    return '';
  }
  const c = await buildContext(s.name, b);
  const query: Record<string, string | string[] | boolean | undefined> = {
    t: [tag],
    dockerfile: c.dockerfile,
    buildargs: JSON.stringify({ ...(b.args ?? {}), ...(opts.args ?? {}) }),
    labels: JSON.stringify({ ...(b.labels ?? {}), [LABEL.project]: project.name }),
    target: b.target,
    nocache: opts.noCache || b.no_cache || undefined,
    pull: opts.pull || b.pull || undefined,
    rm: '1',
    networkmode: b.network,
    extrahosts: b.extra_hosts?.length ? b.extra_hosts.join(',') : undefined,
    shmsize: b.shm_size !== undefined ? String(b.shm_size) : undefined,
    cachefrom: b.cache_from?.length ? JSON.stringify(b.cache_from) : undefined,
    platform: s.platform,
    version: '1',
  };
  const res = await ctx.deps.client.transport.request('POST', '/build', { query, body: c.tar, headers: { 'Content-Type': 'application/x-tar', 'X-Registry-Config': Buffer.from('{}').toString('base64') } });
  let id = '';
  for await (const m of jsonLines<ProgressMessage>(res)) {
    if (m.error || m.errorDetail) {
      progress.fail('Service', s.name, 'Error');
      throw new ComposeError(`failed to solve: ${m.errorDetail?.message ?? m.error ?? 'unknown error'}`);
    }
    const aux = m.aux as { ID?: string } | undefined;
    if (aux?.ID) id = aux.ID;
    if (m.stream && !opts.quiet) opts.output?.(m.stream);
  }
  progress.done('Service', s.name, 'Built');
  return id || (await imageId(ctx, tag)) || '';
}

/** Builds the services among `names` that have a build section, in parallel. Resolves with service → image ID. */
export async function buildServices(ctx: Ctx, project: Project, names: string[], opts: BuildOptions = {}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const todo = names.map((n) => project.services[n] ?? project.disabledServices[n]).filter((s): s is ServiceConfig => !!s?.build);
  await parallel(todo, async (s) => void out.set(s.name, await buildService(ctx, project, s, opts)), 2);
  return out;
}

/** Pulls one image reference. Throws ComposeError with the daemon's message on failure. */
export async function pullImage(ctx: Ctx, ref: string, serviceName: string, opts: { quiet?: boolean } = {}): Promise<void> {
  const { progress } = ctx.deps;
  const at = ref.lastIndexOf('@');
  const colon = ref.lastIndexOf(':');
  const [name, tag] = at > 0 ? [ref, undefined] : colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  if (!opts.quiet) progress.begin('Service', serviceName, 'Pulling');
  if (ctx.options.dryRun) return progress.done('Service', serviceName, 'Pulled');
  try {
    const res = await ctx.deps.client.images.pull(name, tag);
    for await (const m of jsonLines<ProgressMessage>(res)) {
      if (m.error || m.errorDetail) throw new ComposeError(m.errorDetail?.message ?? m.error ?? 'pull failed');
    }
  } catch (e) {
    progress.fail('Service', serviceName, e instanceof Error ? e.message : String(e));
    throw e;
  }
  if (!opts.quiet) progress.done('Service', serviceName, 'Pulled');
}

/** Pushes one image reference. Throws ComposeError with the daemon's message on failure. */
export async function pushImage(ctx: Ctx, ref: string, serviceName: string): Promise<void> {
  const { progress } = ctx.deps;
  const colon = ref.lastIndexOf(':');
  const [name, tag] = colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  progress.begin('Service', serviceName, 'Pushing');
  if (ctx.options.dryRun) return progress.done('Service', serviceName, 'Pushed');
  const res = await ctx.deps.client.transport.request('POST', `/images/${name}/push`, { query: { tag }, headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64url') } });
  for await (const m of jsonLines<ProgressMessage>(res)) {
    if (m.error || m.errorDetail) {
      progress.fail('Service', serviceName, 'Error');
      throw new ComposeError(m.errorDetail?.message ?? m.error ?? 'push failed');
    }
  }
  progress.done('Service', serviceName, 'Pushed');
}

/** Pull policies of `up --pull` / `pull_policy`. */
export type PullPolicy = 'always' | 'missing' | 'never' | 'build';

/**
 * Makes sure every service in `names` has its image: builds (when it has a build section and
 * the image is missing, or `build` is true), pulls (missing, or policy always), and resolves
 * with service → image ID. Throws ComposeError when an image is missing and cannot be had.
 */
export async function ensureImages(ctx: Ctx, project: Project, names: string[], opts: { build?: boolean; noBuild?: boolean; pull?: PullPolicy; buildOptions?: BuildOptions }): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const toBuild: string[] = [];
  // Services sharing an image ask the engine once.
  const lookups = new Map<string, Promise<string | undefined>>();
  const lookup = (ref: string) => {
    let p = lookups.get(ref);
    if (!p) lookups.set(ref, (p = imageId(ctx, ref)));
    return p;
  };
  await parallel(names, async (n) => {
    const s = project.services[n] ?? project.disabledServices[n]!;
    const ref = serviceImage(project, s, ctx.options.compatibility);
    const policy = opts.pull ?? (s.pull_policy === 'if_not_present' ? 'missing' : s.pull_policy) ?? 'missing';
    if (s.build && !opts.noBuild && (opts.build || policy === 'build')) return void toBuild.push(n);
    let id = await lookup(ref);
    if (s.build && !id && !opts.noBuild) return void toBuild.push(n);
    if ((policy === 'always' && !s.build) || (!id && policy !== 'never')) {
      if (s.build) throw new ComposeError(`service "${n}" has neither an image nor a build context available`);
      await pullImage(ctx, ref, n);
      id = await imageId(ctx, ref);
    }
    if (!id && !ctx.options.dryRun) throw new ComposeError(`Error response from daemon: No such image: ${ref}`);
    if (id) ids.set(n, id);
  });
  if (toBuild.length) for (const [n, id] of await buildServices(ctx, project, toBuild.sort(), opts.buildOptions)) ids.set(n, id);
  return ids;
}
