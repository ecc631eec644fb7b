/**
 * Single-container steps of convergence with their progress lines: create (then connect the
 * other networks and copy in environment/content secrets), recreate, start, stop, remove.
 * Each throws what the client throws (after printing the failed step).
 */
import { Readable } from 'node:stream';
import type { ContainerCreateRequest } from '../../api/types.js';
import { TarWriter } from '../../lib/tar/index.js';
import type { Project, ServiceConfig } from '../model.js';
import { type Ctx } from './context.js';
import { containerSpec } from './container-spec.js';
import { containerName } from './labels.js';
import type { ObservedContainer } from './observed.js';

/** What create needs besides the service. */
export interface CreateInput {
  project: Project;
  service: ServiceConfig;
  number: number;
  hash: string;
  imageId?: string;
  /** First container name of another service. */
  containerOf: (service: string) => string | undefined;
  /** Anonymous volumes of the container being replaced, by target path (kept across a recreate). */
  keepVolumes?: Map<string, string>;
}

async function step<T>(ctx: Ctx, name: string, begin: string, end: string, fn: () => Promise<T>): Promise<T | undefined> {
  const { progress } = ctx.deps;
  progress.begin('Container', name, begin);
  if (ctx.options.dryRun) {
    progress.done('Container', name, end);
    return undefined;
  }
  try {
    const r = await fn();
    progress.done('Container', name, end);
    return r;
  } catch (e) {
    progress.fail('Container', name, e instanceof Error ? e.message : String(e));
    throw e;
  }
}

/** The container name a replica gets (`container_name:` for a one-replica service). */
export function replicaName(ctx: Ctx, project: Project, service: ServiceConfig, n: number): string {
  return service.container_name ?? containerName(project.name, service.name, n, ctx.options.compatibility);
}

/** A tar holding the file objects (secrets/configs) given by `environment:` or `content:`. */
function fileObjectsTar(project: Project, s: ServiceConfig): Readable | undefined {
  const files: { name: string; data: Buffer; mode: number; uid: number; gid: number }[] = [];
  for (const [kind, refs] of [['secrets', s.secrets], ['configs', s.configs]] as const) {
    for (const r of refs ?? []) {
      const obj = kind === 'secrets' ? project.secrets[r.source] : project.configs[r.source];
      if (!obj || obj.file) continue;
      const text = obj.content ?? (obj.environment !== undefined ? project.environment[obj.environment] ?? '' : undefined);
      if (text === undefined) continue;
      files.push({ name: r.target.replace(/^\/+/, ''), data: Buffer.from(text), mode: r.mode ?? 0o444, uid: Number(r.uid ?? 0) || 0, gid: Number(r.gid ?? 0) || 0 });
    }
  }
  if (!files.length) return undefined;
  const w = new TarWriter();
  void (async () => {
    const dirs = new Set<string>();
    for (const f of files) {
      const parts = f.name.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (dirs.has(d)) continue;
        dirs.add(d);
        await w.add({ name: d, type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: new Date() });
      }
      await w.add({ name: f.name, type: 'file', size: f.data.length, mode: f.mode, uid: f.uid, gid: f.gid, mtime: new Date() }, f.data);
    }
    await w.finish();
  })().catch((e: unknown) => w.stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return w.stream;
}

/** Creates one replica (and connects its other networks). Resolves with its ID ('' in dry-run). */
export async function createReplica(ctx: Ctx, input: CreateInput): Promise<string> {
  const { client } = ctx.deps;
  const name = replicaName(ctx, input.project, input.service, input.number);
  const id = await step(ctx, name, 'Creating', 'Created', async () => {
    const spec = containerSpec({ project: input.project, service: input.service, name, number: input.number, hash: input.hash, imageId: input.imageId, compatibility: ctx.options.compatibility, containerOf: input.containerOf });
    reuseAnonymousVolumes(spec.body, input.keepVolumes);
    const r = await client.containers.create(spec.body, { name, platform: spec.platform });
    for (const [net, ep] of spec.extraNetworks) await client.networks.connect(net, r.Id, ep);
    const tar = fileObjectsTar(input.project, input.service);
    if (tar) await client.exec.putArchive(r.Id, '/', tar);
    return r.Id;
  });
  return id ?? '';
}

/**
 * Mounts the previous container's anonymous volumes at the same targets (as Compose does unless
 * `--renew-anon-volumes`): the image's or service's anonymous volume targets become volume
 * mounts of the old volumes. Never throws.
 */
export function reuseAnonymousVolumes(body: ContainerCreateRequest, keep: Map<string, string> | undefined): void {
  if (!keep?.size) return;
  const host = (body.HostConfig ??= {});
  const taken = new Set([...(host.Mounts ?? []).map((m) => m.Target), ...(host.Binds ?? []).map((b) => b.split(':')[1])]);
  const mounts = [...(host.Mounts ?? [])];
  for (const [target, name] of keep) {
    if (taken.has(target)) continue;
    mounts.push({ Type: 'volume', Source: name, Target: target });
    if (body.Volumes) delete body.Volumes[target];
  }
  host.Mounts = mounts;
  if (body.Volumes && !Object.keys(body.Volumes).length) delete body.Volumes;
}

/** Anonymous volumes (64-hex names) of a container, by target. Throws what the client throws. */
async function anonymousVolumes(ctx: Ctx, id: string): Promise<Map<string, string>> {
  const info = await ctx.deps.client.containers.inspect(id);
  return new Map((info.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name && /^[0-9a-f]{64}$/.test(m.Name)).map((m) => [m.Destination, m.Name!]));
}

/**
 * Stops and removes `old`, then creates the replica again under its number, keeping its
 * anonymous volumes unless `renewAnonymous`. Resolves with the new ID.
 */
export async function recreateReplica(ctx: Ctx, old: ObservedContainer, input: CreateInput, timeout?: number, renewAnonymous = false): Promise<string> {
  const { client } = ctx.deps;
  const keep = renewAnonymous || ctx.options.dryRun ? undefined : await anonymousVolumes(ctx, old.id);
  input = { ...input, keepVolumes: keep };
  await step(ctx, old.name, 'Recreate', 'Recreated', async () => {
    if (old.state === 'running' || old.state === 'paused' || old.state === 'restarting') await client.containers.stop(old.id, { t: timeout });
    await client.containers.remove(old.id, { force: true });
  });
  const { progress } = ctx.deps;
  const silent: Ctx = { ...ctx, deps: { ...ctx.deps, progress: { ...progress, begin() {}, done() {} } } };
  return createReplica(silent, input);
}

/** Starts a container. */
export async function startContainer(ctx: Ctx, id: string, name: string): Promise<void> {
  await step(ctx, name, 'Starting', 'Started', () => ctx.deps.client.containers.start(id));
}

/** Stops a container (`t` seconds before SIGKILL, else its own StopTimeout). */
export async function stopContainer(ctx: Ctx, c: ObservedContainer, t?: number): Promise<void> {
  await step(ctx, c.name, 'Stopping', 'Stopped', () => ctx.deps.client.containers.stop(c.id, { t }));
}

/** Removes a container (forced; with its anonymous volumes when `volumes`). */
export async function removeContainer(ctx: Ctx, c: ObservedContainer, volumes = false): Promise<void> {
  await step(ctx, c.name, 'Removing', 'Removed', () => ctx.deps.client.containers.remove(c.id, { force: true, v: volumes }));
}
