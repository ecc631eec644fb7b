/**
 * A project's networks and volumes: created (with the compose labels) when missing, checked
 * when external, and removed by `down`. Progress lines like Compose v2. Throws ComposeError for
 * missing external resources and what the client throws otherwise.
 */
import { ApiError } from '../../client/index.js';
import type { Project } from '../model.js';
import { ComposeError } from '../model.js';
import { type Ctx, parallel } from './context.js';
import { LABEL, resourceLabels } from './labels.js';

function is404(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

/** Network keys used by `services` (network_mode-less services use their networks). Never throws. */
export function networksUsed(project: Project, services: string[]): string[] {
  const keys = new Set<string>();
  for (const n of services) {
    const s = project.services[n];
    if (!s || s.network_mode) continue;
    for (const k of Object.keys(s.networks)) keys.add(k);
  }
  return [...keys].filter((k) => project.networks[k]).sort();
}

/** Volume keys used by `services`. Never throws. */
export function volumesUsed(project: Project, services: string[]): string[] {
  const keys = new Set<string>();
  for (const n of services) for (const v of project.services[n]?.volumes ?? []) if (v.type === 'volume' && v.source && project.volumes[v.source]) keys.add(v.source);
  return [...keys].sort();
}

/** Creates the missing networks `keys` of the project (in parallel). Throws ComposeError for a missing external network. */
export async function ensureNetworks(ctx: Ctx, project: Project, keys: string[]): Promise<void> {
  const { client, progress } = ctx.deps;
  await parallel(keys, async (key) => {
    const n = project.networks[key]!;
    try {
      const info = await client.networks.inspect(n.name);
      if (!n.external && info.Labels?.[LABEL.project] !== undefined && info.Labels[LABEL.project] !== project.name) {
        progress.warn(`WARN[0000] a network with name ${n.name} exists but was not created for project "${project.name}".\nSet \`external: true\` to use an existing network`);
      }
      return;
    } catch (e) {
      if (!is404(e)) throw e;
    }
    if (n.external) throw new ComposeError(`network ${n.name} declared as external, but could not be found`);
    progress.begin('Network', n.name, 'Creating');
    if (ctx.options.dryRun) return progress.done('Network', n.name, 'Created');
    try {
      await client.networks.create({
        Name: n.name,
        CheckDuplicate: true,
        Driver: n.driver ?? 'bridge',
        Internal: n.internal,
        Attachable: n.attachable,
        EnableIPv6: n.enable_ipv6,
        Options: n.driver_opts,
        IPAM: n.ipam ? { Driver: n.ipam.driver ?? 'default', Config: (n.ipam.config ?? []).map((c) => ({ Subnet: c.subnet, IPRange: c.ip_range, Gateway: c.gateway, AuxiliaryAddresses: c.aux_addresses })) } : undefined,
        Labels: resourceLabels('network', project.name, key, n.labels),
      });
    } catch (e) {
      progress.fail('Network', n.name, e instanceof Error ? e.message : String(e));
      throw e;
    }
    progress.done('Network', n.name, 'Created');
  });
}

/** Creates the missing volumes `keys` of the project (in parallel). Throws ComposeError for a missing external volume. */
export async function ensureVolumes(ctx: Ctx, project: Project, keys: string[]): Promise<void> {
  const { client, progress } = ctx.deps;
  await parallel(keys, async (key) => {
    const v = project.volumes[key]!;
    try {
      await client.volumes.inspectRaw(v.name);
      return;
    } catch (e) {
      if (!is404(e)) throw e;
    }
    if (v.external) throw new ComposeError(`external volume "${v.name}" not found`);
    progress.begin('Volume', v.name, 'Creating');
    if (ctx.options.dryRun) return progress.done('Volume', v.name, 'Created');
    await client.volumes.create({ Name: v.name, Driver: v.driver, DriverOpts: v.driver_opts, Labels: resourceLabels('volume', project.name, key, v.labels) });
    progress.done('Volume', v.name, 'Created');
  });
}

/** How `removeLabelled` reads and removes one kind of resource. */
interface Removal {
  kind: 'Network' | 'Volume';
  /** The labels of `name`; throws ApiError 404 when it is gone. */
  labels(name: string): Promise<Record<string, string> | null | undefined>;
  remove(name: string): Promise<unknown>;
  /** Whether a resource that vanished during its removal is still reported as removed. */
  goneIsRemoved: boolean;
}

/**
 * Removes, in parallel and sorted, those of `names` that still exist and carry the project's
 * label, with progress lines. Missing ones are skipped. Throws what the client throws.
 */
async function removeLabelled(ctx: Ctx, project: Project, names: Set<string>, r: Removal): Promise<void> {
  const { progress } = ctx.deps;
  await parallel([...names].sort(), async (name) => {
    let labels;
    try {
      labels = await r.labels(name);
    } catch (e) {
      if (is404(e)) return;
      throw e;
    }
    if (labels?.[LABEL.project] !== project.name) return;
    progress.begin(r.kind, name, 'Removing');
    if (!ctx.options.dryRun) {
      try {
        await r.remove(name);
      } catch (e) {
        if (!is404(e)) {
          progress.fail(r.kind, name, e instanceof Error ? e.message : String(e));
          throw e;
        }
        if (!r.goneIsRemoved) return;
      }
    }
    progress.done(r.kind, name, 'Removed');
  });
}

/**
 * Removes the project's networks (not external ones): those named in the model and any other
 * network labelled with the project. Missing ones are skipped. Throws what the client throws.
 */
export async function removeNetworks(ctx: Ctx, project: Project): Promise<void> {
  const { client } = ctx.deps;
  const names = new Set(Object.values(project.networks).filter((n) => !n.external).map((n) => n.name));
  for (const n of await client.networks.list({ label: [`${LABEL.project}=${project.name}`] })) names.add(n.Name);
  await removeLabelled(ctx, project, names, {
    kind: 'Network',
    labels: async (name) => (await client.networks.inspect(name)).Labels,
    remove: (name) => client.networks.remove(name),
    goneIsRemoved: true,
  });
}

/** Removes the project's volumes (not external ones; `down -v`). Missing ones are skipped. Throws what the client throws. */
export async function removeVolumes(ctx: Ctx, project: Project): Promise<void> {
  const { client } = ctx.deps;
  const names = new Set(Object.values(project.volumes).filter((v) => !v.external).map((v) => v.name));
  const labelled = await client.volumes.list({ label: [`${LABEL.project}=${project.name}`] });
  for (const v of labelled.Volumes ?? []) names.add(v.Name);
  await removeLabelled(ctx, project, names, {
    kind: 'Volume',
    labels: async (name) => ((await client.volumes.inspectRaw(name)) as { Labels?: Record<string, string> | null }).Labels,
    remove: (name) => client.volumes.remove(name),
    goneIsRemoved: false,
  });
}
