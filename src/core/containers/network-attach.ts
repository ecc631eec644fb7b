/**
 * A container's networking at start: for bridge/user/macvlan modes the network service's
 * `prepare` (addresses, host ports, the persistent network namespace file the runtime joins)
 * before the etc files are written with the addresses, the legacy links and the nameservers;
 * `activate` plumbing that namespace in the background while the runtime creates the process
 * (`beginPlumbing`), awaited before `runtime.start`. `release` when
 * anything fails or the process is gone. `container:<id>` joins the target's namespace and
 * shares its hostname, hosts and resolv.conf; `host` and `none` need nothing.
 */
import { copyFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { ContainerNetworkRequest, SandboxPlan } from '../networks/index.js';
import { configuredNetworks } from './network-settings.js';
import { EngineError, conflict, internal, invalidArgument, toEngineError } from '../../lib/errors.js';
import { writeFileVolatile } from '../../lib/atomic-file.js';
import type { SpecNetwork } from './spec/index.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { buildHosts, buildResolvConf, readOr, selfNames } from './etc-files.js';
import { isContainerMode, modeNetworkName, parseLink, usesNetworkService } from './network-mode.js';
import { linkEnv, linkHostsLine, type ResolvedLink } from './links.js';

/** What the start path needs from the network setup. */
export interface NetAttach {
  network: SpecNetwork;
  /** Environment variables of legacy links (before Config.Env). */
  env: string[];
  /** True when `networks.prepare` ran: the caller must `activate` after create, `release` on failure. */
  prepared: boolean;
  plan?: SandboxPlan;
  /**
   * The plumbing of the plan's namespace file, started by `beginPlumbing` (never rejects
   * unhandled; `activateNetworking` awaits it). Without a namespace file `activateNetworking`
   * plumbs the process's own namespace after create.
   */
  plumbing?: Promise<void>;
}

/**
 * The request the network service gets for container `rec`: its networks are those of
 * `configuredNetworks` (when the NetworkMode's network was disconnected, the first other one
 * leads, or `none` when no network is left).
 */
export function networkRequest(ctx: Ctx, rec: ContainerRecord): ContainerNetworkRequest {
  const hc = rec.hostConfig;
  let networkMode = hc.NetworkMode || 'default';
  let endpoints = withoutDefaultKey(rec.endpoints);
  if (rec.modeDetached) {
    const configured = configuredNetworks(ctx, rec);
    networkMode = configured[0]?.name ?? 'none';
    endpoints = {};
    for (const n of configured) if (n.given) endpoints[n.name] = n.given;
  }
  return {
    id: rec.id,
    name: rec.name.slice(1),
    hostname: rec.config.Hostname ?? '',
    domainname: rec.config.Domainname || undefined,
    networkMode,
    endpoints,
    links: [...(hc.Links ?? [])],
    portBindings: { ...(hc.PortBindings ?? {}) },
    publishAll: !!hc.PublishAllPorts,
    exposedPorts: Object.keys(rec.config.ExposedPorts ?? {}),
    macAddress: rec.config.MacAddress || undefined,
    dns: hc.Dns && hc.Dns.length > 0 ? [...hc.Dns] : undefined,
  };
}

/** Endpoint settings with the `default` key (what the docker CLI sends for the default mode) renamed `bridge`. */
export function withoutDefaultKey<T>(endpoints: Record<string, T> | null | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(endpoints ?? {})) {
    if (k === 'default') out.bridge ??= v;
    else out[k] = v;
  }
  return out;
}

/** 64 random hex digits (a sandbox id). */
export function newSandboxId(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Docker's wrapping of a port reservation failure: `driver failed programming external
 * connectivity on endpoint <name> (<endpoint id>): …` (500). Other errors are returned as they are.
 */
export function wrapPortError(e: unknown, containerName: string): EngineError {
  const err = toEngineError(e);
  if (/^(Bind for |Error starting userland proxy)/.test(err.message)) {
    return internal(`driver failed programming external connectivity on endpoint ${containerName} (${newSandboxId()}): ${err.message}`, e);
  }
  return err;
}

/**
 * Sets up what a start needs before the runtime creates the process; see the file comment.
 * The caller holds the container's lock. Throws Conflict (`container:` target not running),
 * the network service's errors (nothing stays allocated then), fs errors (the caller releases).
 */
export async function prepareNetworking(ctx: Ctx, rec: ContainerRecord): Promise<NetAttach> {
  const hc = rec.hostConfig;
  const mode = hc.NetworkMode || 'default';
  rec.net = { sandboxId: newSandboxId(), sandboxKey: '' };
  if (isContainerMode(mode)) return joinContainer(ctx, rec, mode.slice('container:'.length));
  if (mode === 'host') return { network: { mode: 'host' }, env: [], prepared: false };
  const networks = ctx.deps.networks;
  if (!networks || !usesNetworkService(ctx, rec)) return { network: { mode: 'new' }, env: [], prepared: false };

  const req = networkRequest(ctx, rec);
  if (req.networkMode === 'none') return { network: { mode: 'new' }, env: [], prepared: false };
  const hostResolvP = readOr(ctx.opts.hostEtc?.resolvConf ?? '/etc/resolv.conf', '');
  let plan: SandboxPlan;
  try {
    plan = await networks.prepare(req);
  } catch (e) {
    await hostResolvP;
    throw wrapPortError(e, rec.name.slice(1));
  }
  if (plan.sandboxKey) rec.net.sandboxKey = plan.sandboxKey;
  const links = modeNetworkName(mode) === 'bridge' && !rec.modeDetached ? resolveLinks(ctx, rec) : [];
  const hostResolv = await hostResolvP;
  const self = plan.endpoints.filter((ep) => ep.ipv4).map((ep) => ({ ip: ep.ipv4, names: selfNames(rec.config.Hostname ?? '', rec.config.Domainname) }));
  const hosts = buildHosts(hc.ExtraHosts, self, { hostGatewayIp: plan.hostGatewayIp, links: links.map(linkHostsLine) });
  let resolv = buildResolvConf(hostResolv, { ...hc, Dns: plan.nameservers ?? hc.Dns });
  if (plan.nameservers) resolv = withNdots0(resolv);
  await Promise.all([
    writeFileVolatile(rec.paths.hostname, (rec.config.Hostname ?? '') + '\n'),
    writeFileVolatile(rec.paths.hosts, hosts),
    writeFileVolatile(rec.paths.resolvConf, resolv),
  ]);
  const env = links.flatMap(linkEnv);
  if (env.length > 0) rec.net.linkEnv = env;
  const network: SpecNetwork = plan.sandboxKey ? { mode: 'path', path: plan.sandboxKey } : { mode: 'new' };
  return { network, env, prepared: true, plan };
}

/**
 * Starts plumbing the prepared namespace file in the background (the start calls it once the
 * runtime is creating the process: the plumbing then runs while the start waits for the
 * runtime); `activateNetworking` awaits it. Nothing to do without a namespace file. Never throws.
 */
export function beginPlumbing(ctx: Ctx, rec: ContainerRecord, attach: NetAttach): void {
  if (!attach.prepared || !attach.plan?.sandboxKey || attach.plumbing) return;
  attach.plumbing = ctx.deps.networks!.activate(rec.id);
  attach.plumbing.catch(() => undefined); // awaited by activateNetworking; a release after a failed start waits for it (service lock)
}

/**
 * Docker's resolv.conf for the embedded DNS gets `options ndots:0` unless an ndots option is
 * already there (from the host's file or `--dns-option`).
 */
export function withNdots0(resolv: string): string {
  if (/^options\s.*\bndots:/m.test(resolv)) return resolv;
  if (/^options\s/m.test(resolv)) return resolv.replace(/^(options\s.*)$/m, '$1 ndots:0');
  const lines = resolv.split('\n').filter((l) => l !== '');
  const at = lines.findIndex((l) => !/^(search|nameserver)\s/.test(l));
  lines.splice(at < 0 ? lines.length : at, 0, 'options ndots:0');
  return lines.join('\n') + '\n';
}

/**
 * Completes the plumbing once the runtime created process `pid`: awaits the namespace file's
 * plumbing started by prepare, or plumbs the prepared endpoints into the namespace of `pid`;
 * records the sandbox key. Throws what `activate` throws.
 */
export async function activateNetworking(ctx: Ctx, rec: ContainerRecord, attach: NetAttach, pid: number): Promise<void> {
  if (attach.plumbing) return attach.plumbing;
  if (rec.net) {
    const mode = rec.hostConfig.NetworkMode || 'default';
    rec.net.sandboxKey = mode === 'host' ? '/var/run/docker/netns/default' : isContainerMode(mode) ? '' : `/proc/${pid}/ns/net`;
  }
  if (attach.prepared) await ctx.deps.networks!.activate(rec.id, pid);
}

/** Frees the container's network state (the process is gone or never started). Never throws. */
export async function releaseNetworking(ctx: Ctx, rec: ContainerRecord): Promise<void> {
  rec.net = undefined;
  if (!usesNetworkService(ctx, rec)) return;
  await ctx.deps.networks!.release(rec.id).catch((e) => ctx.log.warn('network release failed', { id: rec.id, error: (e as Error).message }));
}

async function joinContainer(ctx: Ctx, rec: ContainerRecord, ref: string): Promise<NetAttach> {
  const target = ctx.find(ref);
  if (target.id === rec.id) throw invalidArgument('cannot join own network');
  if (!target.state.Running || !target.state.Pid) throw conflict(`cannot join network of a non running container: ${ref}`);
  if (target.state.Restarting) throw conflict(`Container ${target.id} is restarting, wait until the container is running`);
  rec.config.Hostname = target.config.Hostname;
  rec.config.Domainname = target.config.Domainname;
  await Promise.all([
    copyFile(target.paths.hostname, rec.paths.hostname),
    copyFile(target.paths.hosts, rec.paths.hosts),
    copyFile(target.paths.resolvConf, rec.paths.resolvConf),
  ]);
  return { network: { mode: 'path', path: `/proc/${target.state.Pid}/ns/net` }, env: [], prepared: false };
}

/**
 * The legacy links of a container on the default bridge, with the children's addresses there.
 * Throws Internal `Cannot link to a non running container: /child AS /parent/alias` (Docker).
 */
function resolveLinks(ctx: Ctx, rec: ContainerRecord): ResolvedLink[] {
  const out: ResolvedLink[] = [];
  for (const link of rec.hostConfig.Links ?? []) {
    const { name, alias } = parseLink(link);
    const fullName = `${rec.name}/${alias}`;
    const childId = ctx.byName.get('/' + name);
    const child = childId ? ctx.byId.get(childId) : undefined;
    if (!child) continue; // removed since create: Docker drops the link too
    if (!child.state.Running) throw internal(`Cannot link to a non running container: ${child.name} AS ${fullName}`);
    const ep = ctx.deps.networks?.endpointsOf(child.id).get('bridge');
    if (!ep?.ipv4) continue;
    out.push({
      alias,
      fullName,
      childName: child.name.slice(1),
      childHostname: child.config.Hostname ?? '',
      childIp: ep.ipv4,
      childEnv: child.config.Env ?? [],
      childPorts: Object.keys(child.config.ExposedPorts ?? {}),
    });
  }
  return out;
}
