/**
 * The network parts of inspect and list (Docker 1.44 shapes): the networks a container is
 * configured for (its NetworkMode's plus every other endpoint key), filled from the network
 * service's live endpoints while it runs; NetworkSettings with the default bridge's addresses at
 * the top level; published ports for inspect (`Ports`) and list (`[{IP, PrivatePort, PublicPort, Type}]`).
 *
 * Docker 1.44 lists a port published on every address twice (`0.0.0.0` and `::`); pier binds
 * IPv4 only and lists `0.0.0.0` only.
 */
import type { EndpointSettings, NetworkSettings, Port, PortBinding } from '../../api/types.js';
import type { EndpointState } from '../networks/index.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { isContainerMode, modeNetworkName, usesNetworkService } from './network-mode.js';

/** One network a container is configured for. */
export interface ConfiguredNetwork {
  /** Network name (the key in NetworkSettings.Networks). */
  name: string;
  /** Network id, "" when unknown (no network service or the network is gone). */
  id: string;
  /** Endpoint settings given on create/connect. */
  given?: EndpointSettings;
  /** bridge, host, none (no network-scoped aliases there). */
  predefined: boolean;
}

/** An empty endpoint as Docker shows it for a network without an address (stopped container). */
export function emptyEndpoint(given?: EndpointSettings, networkId = ''): EndpointSettings {
  return {
    IPAMConfig: given?.IPAMConfig ?? null,
    Links: given?.Links ?? null,
    Aliases: given?.Aliases ?? null,
    MacAddress: '',
    DriverOpts: given?.DriverOpts ?? null,
    NetworkID: networkId,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

/** The endpoint settings of a live endpoint. */
export function liveEndpoint(st: EndpointState, given?: EndpointSettings): EndpointSettings {
  return {
    ...emptyEndpoint(given, st.networkId),
    IPAMConfig: given?.IPAMConfig ?? st.ipamConfig ?? null,
    Aliases: given?.Aliases ?? (st.aliases.length > 0 ? [...st.aliases] : null),
    MacAddress: st.mac,
    EndpointID: st.endpointId,
    Gateway: st.gateway,
    IPAddress: st.ipv4,
    IPPrefixLen: st.prefixLen,
    DNSNames: st.dnsNames.length > 0 ? [...st.dnsNames] : null,
  };
}

function resolveName(ctx: Ctx, key: string): { name: string; id: string; predefined: boolean } {
  const name = key === 'default' ? 'bridge' : key;
  const predefined = name === 'bridge' || name === 'host' || name === 'none';
  try {
    const r = ctx.deps.networks?.resolve(name);
    if (r) return { name: r.name, id: r.id, predefined: r.predefined };
  } catch {
    /* gone or unknown: shown by the key it was given with */
  }
  return { name, id: '', predefined };
}

/**
 * API 1.44 (moby < 26) lists the container's short id among the Aliases of a user-defined
 * network once the container was started (it is also in DNSNames).
 */
function withShortIdAlias(ep: EndpointSettings, rec: ContainerRecord, n: ConfiguredNetwork): EndpointSettings {
  if (n.predefined || !rec.hasBeenStarted) return ep;
  const short = rec.id.slice(0, 12);
  const aliases = ep.Aliases ?? [];
  return aliases.includes(short) ? ep : { ...ep, Aliases: [...aliases, short] };
}

/** The networks `rec` is configured for, its NetworkMode's first. `container:` modes have none. Never throws. */
export function configuredNetworks(ctx: Ctx, rec: ContainerRecord): ConfiguredNetwork[] {
  const mode = rec.hostConfig.NetworkMode || 'default';
  if (isContainerMode(mode)) return [];
  const modeNet = resolveName(ctx, modeNetworkName(mode));
  const out: ConfiguredNetwork[] = rec.modeDetached ? [] : [{ ...modeNet }];
  for (const [key, given] of Object.entries(rec.endpoints ?? {})) {
    const r = resolveName(ctx, key);
    if (rec.modeDetached && (r.name === modeNet.name || (r.id !== '' && r.id === modeNet.id))) continue;
    const same = out.find((n) => n.name === r.name || (r.id !== '' && n.id === r.id));
    if (same) same.given ??= given;
    else out.push({ ...r, given });
  }
  return out;
}

/** NetworkSettings.Networks of `rec`: live endpoints while running, empty ones (with NetworkID) otherwise. Never throws. */
export function networksOf(ctx: Ctx, rec: ContainerRecord): Record<string, EndpointSettings> {
  const live = rec.state.Running ? ctx.deps.networks?.endpointsOf(rec.id) : undefined;
  const out: Record<string, EndpointSettings> = {};
  for (const n of configuredNetworks(ctx, rec)) {
    const st = live?.get(n.name);
    out[n.name] = withShortIdAlias(st ? liveEndpoint(st, n.given) : emptyEndpoint(n.given, n.id), rec, n);
  }
  for (const [name, st] of live ?? []) if (!out[name]) out[name] = liveEndpoint(st);
  return out;
}

/** NetworkSettings.Ports of `rec` (bindings with HostIp `0.0.0.0` for every address). Never throws. */
export function portMapOf(ctx: Ctx, rec: ContainerRecord): Record<string, PortBinding[] | null> {
  if (!rec.state.Running) return {};
  if (!ctx.deps.networks) {
    const ports: Record<string, null> = {};
    for (const p of Object.keys(rec.config.ExposedPorts ?? {})) ports[p] = null;
    return ports;
  }
  if (!usesNetworkService(ctx, rec)) return {};
  const out: Record<string, PortBinding[] | null> = {};
  for (const [port, bindings] of Object.entries(ctx.deps.networks.portsOf(rec.id))) {
    out[port] = bindings === null ? null : bindings.map((b) => ({ HostIp: b.HostIp || '0.0.0.0', HostPort: b.HostPort ?? '' }));
  }
  return out;
}

/** List `Ports` of `rec`: one entry per host binding, one without public port for an unbound exposed port. Never throws. */
export function listPortsOf(ctx: Ctx, rec: ContainerRecord): Port[] {
  const out: Port[] = [];
  for (const [key, bindings] of Object.entries(portMapOf(ctx, rec))) {
    const [num, proto] = key.split('/');
    const base = { PrivatePort: Number(num), Type: (proto ?? 'tcp') as Port['Type'] };
    if (!bindings || bindings.length === 0) out.push(base);
    else for (const b of bindings) out.push({ IP: b.HostIp || '0.0.0.0', ...base, PublicPort: Number(b.HostPort) });
  }
  return out;
}

/** NetworkSettings of `rec` for inspect. Never throws. */
export function networkSettingsOf(ctx: Ctx, rec: ContainerRecord): NetworkSettings {
  const networks = networksOf(ctx, rec);
  const bridge = networks.bridge;
  const running = rec.state.Running;
  return {
    Bridge: '',
    SandboxID: running ? (rec.net?.sandboxId ?? '') : '',
    SandboxKey: running ? (rec.net?.sandboxKey ?? '') : '',
    Ports: portMapOf(ctx, rec),
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridge?.EndpointID ?? '',
    Gateway: bridge?.Gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: bridge?.IPAddress ?? '',
    IPPrefixLen: bridge?.IPPrefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: bridge?.MacAddress ?? '',
    Networks: networks,
  };
}
