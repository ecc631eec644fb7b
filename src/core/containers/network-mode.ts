/**
 * Network settings of a container at create (moby's runconfig and daemon checks, with
 * Docker's messages): the network mode (`default`, `bridge`, `host`, `none`,
 * `container:<ref>`, a user network), the endpoint settings (static addresses and aliases
 * only on user-defined networks) and legacy `--link`s (the linked container must exist).
 */
import type { ContainerConfig, EndpointSettings, HostConfig } from '../../api/types.js';
import { invalidArgument, isKind } from '../../lib/errors.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';

/** Docker's validation messages (runconfig/errors.go). */
export const NET_ERRORS = {
  containerAndLinks: "conflicting options: container type network can't be used with links. This would result in undefined behavior",
  sharedNetwork: 'container sharing network namespace with another container or host cannot be connected to any other network',
  hostNetwork: 'container cannot be disconnected from host network or connected to host network',
  noNetwork: 'container cannot be connected to multiple networks with one of the networks in private (none) mode',
  dns: 'conflicting options: dns and the network mode',
  hostname: 'conflicting options: hostname and the network mode',
  hostAndLinks: "conflicting options: host type networking can't be used with links. This would result in undefined behavior",
  mac: 'conflicting options: mac-address and the network mode',
  hosts: 'conflicting options: custom host-to-IP mapping and the network mode',
  publish: 'conflicting options: port publishing and the container type network mode',
  expose: 'conflicting options: port exposing and the container type network mode',
  ip: 'user specified IP address is supported on user defined networks only',
  alias: 'network-scoped alias is supported only for containers in user defined networks',
} as const;

/** Docker's warning for `-p` with `--network host`. */
export const HOST_PORTS_WARNING = 'Published ports are discarded when using host network mode';

const PREDEFINED = new Set(['default', 'bridge', 'host', 'none']);

/** The network name a NetworkMode means (`default` is the bridge network). */
export function modeNetworkName(mode: string | undefined): string {
  return !mode || mode === 'default' ? 'bridge' : mode;
}

/** True for `container:<ref>` modes. */
export function isContainerMode(mode: string | undefined): boolean {
  return !!mode && mode.startsWith('container:');
}

/**
 * True when the container's network mode goes through the network service (default bridge,
 * user bridge/macvlan networks); false for host, none and container modes, or without one.
 */
export function usesNetworkService(ctx: Ctx, rec: Pick<ContainerRecord, 'hostConfig'>): boolean {
  const n = ctx.deps.networks;
  if (!n) return false;
  const mode = rec.hostConfig.NetworkMode || 'default';
  if (mode === 'host' || mode === 'none' || isContainerMode(mode)) return false;
  if ((mode === 'default' || mode === 'bridge') && n.defaults.bridgeName === 'none') return false;
  return true;
}

/** True when `ref` names a user-defined network (not bridge/host/none, by name or id). */
export function isUserDefined(ctx: Ctx, ref: string): boolean {
  if (PREDEFINED.has(ref)) return false;
  try {
    return !ctx.deps.networks?.resolve(ref).predefined;
  } catch {
    return true;
  }
}

/**
 * Checks one endpoint's settings for network `ref` (moby validateEndpointSettings): static
 * addresses and aliases only on user-defined networks, a valid MAC. Throws InvalidArgument.
 */
export function validateEndpoint(ctx: Ctx, ref: string, ep: EndpointSettings | null | undefined): void {
  if (!ep) return;
  const errs: string[] = [];
  if (!isUserDefined(ctx, ref)) {
    if (ep.IPAMConfig?.IPv4Address || ep.IPAMConfig?.IPv6Address) errs.push(NET_ERRORS.ip);
    if ((ep.Aliases ?? []).length > 0) errs.push(NET_ERRORS.alias);
  }
  if (ep.MacAddress && !/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(ep.MacAddress)) throw invalidArgument(`invalid MAC address ${ep.MacAddress}`);
  if (errs.length > 0) throw invalidArgument(`invalid endpoint settings:\n${errs.join('\n')}`);
}

/** What `resolveNetworking` decided: the mode to store, normalised links and create warnings. */
export interface NetworkingDecision {
  networkMode: string;
  links: string[] | null;
  warnings: string[];
}

/**
 * Validates and normalises the networking part of a create request. `reqConfig` is the
 * request's own Config (before the image merge, as moby checks it), `selfName` the stored name
 * ("/x"). Throws InvalidArgument (conflicts, endpoint settings, links). Unknown networks and
 * `container:` targets are left for the start to refuse (as Docker).
 */
export function resolveNetworking(
  ctx: Ctx,
  hc: HostConfig,
  reqConfig: ContainerConfig,
  endpoints: Record<string, EndpointSettings> | null | undefined,
  selfName: string,
): NetworkingDecision {
  let mode = hc.NetworkMode || 'default';
  const warnings: string[] = [];
  const links = hc.Links ?? [];
  if (isContainerMode(mode)) {
    const ref = mode.slice('container:'.length);
    if (reqConfig.Hostname) throw invalidArgument(NET_ERRORS.hostname);
    if (links.length > 0) throw invalidArgument(NET_ERRORS.containerAndLinks);
    if ((hc.Dns ?? []).length > 0) throw invalidArgument(NET_ERRORS.dns);
    if ((hc.ExtraHosts ?? []).length > 0) throw invalidArgument(NET_ERRORS.hosts);
    if (reqConfig.MacAddress) throw invalidArgument(NET_ERRORS.mac);
    if (Object.keys(hc.PortBindings ?? {}).length > 0 || hc.PublishAllPorts) throw invalidArgument(NET_ERRORS.publish);
    if (Object.keys(reqConfig.ExposedPorts ?? {}).length > 0) throw invalidArgument(NET_ERRORS.expose);
    if (!ref) throw invalidArgument(`invalid container format container:<name|id>`);
    // Docker stores the target's full id when it exists; a missing one fails at start (404).
    const target = ctx.byId.get(ref) ?? ctx.byId.get(ctx.byName.get('/' + ref.replace(/^\//, '')) ?? '') ?? tryFind(ctx, ref);
    if (target) mode = `container:${target.id}`;
  } else if (mode === 'host') {
    if (links.length > 0) throw invalidArgument(NET_ERRORS.hostAndLinks);
    if (Object.keys(hc.PortBindings ?? {}).some((k) => (hc.PortBindings![k] ?? []).length > 0)) warnings.push(HOST_PORTS_WARNING);
  }
  // An unknown network is not an error here: Docker creates the container and its start
  // fails with 404 `network X not found` (a 404 on create would make the CLI pull the image).
  for (const [key, ep] of Object.entries(endpoints ?? {})) validateEndpoint(ctx, key === 'default' ? 'bridge' : key, ep);
  return { networkMode: mode, links: hc.Links ? normaliseLinks(ctx, links, selfName) : null, warnings };
}

function tryFind(ctx: Ctx, ref: string): ContainerRecord | undefined {
  try {
    return ctx.find(ref);
  } catch {
    return undefined;
  }
}

/**
 * Links "name[:alias]" → Docker's stored form "/name:/self/alias". Throws InvalidArgument
 * `could not get container for X: No such container: X`, or for a host-mode child.
 */
export function normaliseLinks(ctx: Ctx, links: readonly string[], selfName: string): string[] {
  return links.map((l) => {
    const parts = parseLink(l);
    let child: ContainerRecord;
    try {
      child = ctx.find(parts.name);
    } catch (e) {
      if (isKind(e, 'NotFound')) throw invalidArgument(`could not get container for ${parts.name}: ${(e as Error).message}`);
      throw e;
    }
    if (child.hostConfig.NetworkMode === 'host') throw invalidArgument(NET_ERRORS.hostAndLinks);
    return `${child.name}:${selfName}/${parts.alias}`;
  });
}

/** Splits a link as given ("name", "name:alias", "/name:/parent/alias") into the child's name and the alias. */
export function parseLink(link: string): { name: string; alias: string } {
  const colon = link.indexOf(':');
  const rawName = colon < 0 ? link : link.slice(0, colon);
  const rawAlias = colon < 0 ? rawName : link.slice(colon + 1);
  const name = rawName.replace(/^\//, '');
  const alias = rawAlias.slice(rawAlias.lastIndexOf('/') + 1) || name;
  return { name, alias };
}
