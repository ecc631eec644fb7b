/**
 * `compose run`: one one-off container of a service (`<project>-<service>-run-<id>`, labelled
 * `oneoff=True`), its dependencies brought up first unless `--no-deps`. Ports are published
 * only with `--service-ports` (plus `-p`). Creates the container; attaching, starting and
 * waiting are the caller's (the CLI's terminal handling).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { PortBinding } from '../../api/types.js';
import type { Project, ServiceConfig } from '../model.js';
import { type Ctx, dependenciesOf, hashOf, serviceOf } from './context.js';
import { containerSpec } from './container-spec.js';
import { ensureImages } from './images.js';
import { oneoffName } from './labels.js';
import { listProjectContainers } from './observed.js';
import { ensureNetworks, ensureVolumes, networksUsed, volumesUsed } from './resources.js';
import { up, withNamedServices } from './up.js';

/** Options of runOneoff. */
export interface RunOptions {
  service: string;
  /** Replaces the service's command when non-empty. */
  command: string[];
  entrypoint?: string[];
  env?: string[];
  name?: string;
  user?: string;
  workdir?: string;
  tty: boolean;
  interactive: boolean;
  noDeps?: boolean;
  servicePorts?: boolean;
  /** `-p` values (`[ip:]host:container[/proto]`). */
  publish?: string[];
  /** `-v` values (`src:dst[:ro]`; a relative src is against the project directory). */
  volumes?: string[];
  labels?: Record<string, string>;
  build?: boolean;
  removeOrphans?: boolean;
}

/** Parses `-p [ip:][host:]container[/proto]`. Never throws (bad parts stay as given). */
export function parsePublish(p: string): { key: string; binding: PortBinding } {
  const [spec, proto = 'tcp'] = p.split('/');
  const parts = spec!.split(':');
  const container = parts.pop()!;
  const host = parts.pop() ?? '';
  const ip = parts.join(':');
  return { key: `${container}/${proto}`, binding: { HostIp: ip, HostPort: host } };
}

/** Creates the one-off container. Resolves with its ID and name. Throws what up/create throw. */
export async function runOneoff(ctx: Ctx, base: Project, opts: RunOptions): Promise<{ id: string; name: string }> {
  const project = withNamedServices(base, [opts.service]);
  const s0 = serviceOf(project, opts.service);
  const deps = dependenciesOf(s0).filter((d) => project.services[d]);
  if (!opts.noDeps && deps.length) await up(ctx, project, { services: deps, removeOrphans: opts.removeOrphans });
  const ids = await ensureImages(ctx, project, [opts.service], { build: opts.build });
  await ensureNetworks(ctx, project, networksUsed(project, [opts.service]));
  await ensureVolumes(ctx, project, volumesUsed(project, [opts.service]));
  const s: ServiceConfig = { ...s0, ports: opts.servicePorts ? s0.ports : [], container_name: undefined };
  if (opts.command.length) s.command = opts.command;
  if (opts.entrypoint) s.entrypoint = opts.entrypoint;
  if (opts.user !== undefined) s.user = opts.user;
  if (opts.workdir !== undefined) s.working_dir = opts.workdir;
  s.tty = opts.tty;
  s.stdin_open = opts.interactive;
  const suffix = randomBytes(6).toString('hex');
  const name = opts.name ?? oneoffName(project.name, s.name, suffix, ctx.options.compatibility);
  const existing = await listProjectContainers(ctx.deps.client, project.name, { oneoff: true, service: s.name });
  const number = existing.reduce((m, c) => Math.max(m, c.number), 0) + 1;
  const firsts = await listProjectContainers(ctx.deps.client, project.name);
  const spec = containerSpec({ project, service: s, name, number, hash: hashOf(ctx, s0), imageId: ids.get(s.name), oneoff: true, compatibility: ctx.options.compatibility, containerOf: (svc) => firsts.find((c) => c.service === svc)?.name });
  const body = spec.body;
  body.Env = [...(body.Env ?? []), ...(opts.env ?? [])];
  body.Labels = { ...(body.Labels ?? {}), ...(opts.labels ?? {}), 'com.docker.compose.slug': suffix };
  body.AttachStdin = opts.interactive;
  body.AttachStdout = true;
  body.AttachStderr = true;
  body.StdinOnce = opts.interactive;
  const host = (body.HostConfig ??= {});
  for (const p of opts.publish ?? []) {
    const { key, binding } = parsePublish(p);
    host.PortBindings = { ...(host.PortBindings ?? {}), [key]: [...(host.PortBindings?.[key] ?? []), binding] };
    body.ExposedPorts = { ...(body.ExposedPorts ?? {}), [key]: {} };
  }
  for (const v of opts.volumes ?? []) {
    const [src, dst, mode] = v.split(':');
    if (!dst) {
      body.Volumes = { ...(body.Volumes ?? {}), [src!]: {} };
      continue;
    }
    const isPath = src!.startsWith('.') || src!.startsWith('/') || src!.startsWith('~');
    const source = isPath ? path.resolve(project.workingDir, src!) : (project.volumes[src!]?.name ?? src!);
    host.Binds = [...(host.Binds ?? []), `${source}:${dst}${mode ? `:${mode}` : ''}`];
  }
  if (ctx.options.dryRun) return { id: '', name };
  const r = await ctx.deps.client.containers.create(body, { name, platform: spec.platform });
  for (const [net, ep] of spec.extraNetworks) await ctx.deps.client.networks.connect(net, r.Id, ep);
  return { id: r.Id, name };
}
