/**
 * Contract of the network service: Docker's local networks — the predefined `bridge`, `host`
 * and `none`, user-defined `bridge` and `macvlan` networks — with IPAM, port publishing and
 * the embedded DNS, on real kernel objects (Linux bridges, veth pairs, macvlan links, one
 * nftables table per daemon instance).
 *
 * Records: one record per network under `<data-root>/metadata/networks` (atomic writes).
 * Predefined networks are created on first start (`bridge` from the daemon's bridge settings).
 *
 * Endpoints live as long as a container runs (as in Docker, a stopped container has no
 * address): `prepare` allocates addresses and host ports and creates the container's
 * persistent network namespace, a file `<exec-root>/netns/<id12>` (SandboxKey) the runtime
 * joins; `activate` plumbs that namespace — while the runtime creates the process, or after it
 * — and `release` frees everything and removes the file (the kernel then destroys the
 * namespace and its interfaces once the process is gone). Endpoint state is kept under `<exec-root>/networks/endpoints/<container-id>.json`
 * so a restarted daemon re-adopts running containers (`reconcile`).
 *
 * Kernel state owned by one daemon: the bridges of its networks (`--bridge` name for the
 * default one, `br-<id12>` for user ones), host-side veths, the nftables table
 * `pier-<instance-id>` (NAT, forwarding isolation, published ports) and the DNS listeners.
 *
 * Errors (Docker's words): 404 `network X not found`; 409 `network with name X already
 * exists`; 403 `X is a pre-defined network and cannot be removed`; 403 `error while removing
 * network: network X id Y has active endpoints`; 400 `invalid pool request: …`, `Address
 * already in use`, `no available IPv4 addresses on this network's address pools: X (id)`;
 * 500 `driver failed programming external connectivity on endpoint NAME (ID): Bind for
 * 0.0.0.0:8080 failed: port is already allocated`.
 */
import type { EndpointSettings, Filters, HostConfig, PortBinding } from '../../api/types.js';
import type { NetworkCreateRequest, NetworkInspect } from '../../api/network-types.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../../lib/log.js';

/** What a container asks of its networks when it starts. */
export interface ContainerNetworkRequest {
  /** Full container id. */
  id: string;
  /** Container name without the leading "/". */
  name: string;
  hostname: string;
  domainname?: string;
  /**
   * HostConfig.NetworkMode: `default`, `bridge`, a network name or id. (`host`, `none` and
   * `container:` never reach the network service.)
   */
  networkMode: string;
  /** NetworkingConfig.EndpointsConfig from create plus later `connect`s, keyed by network name or id. */
  endpoints: Record<string, EndpointSettings>;
  /** HostConfig.Links ("/other:/me/alias") — on user networks they become DNS aliases seen by this container. */
  links: string[];
  portBindings: Record<string, PortBinding[] | null>;
  publishAll: boolean;
  /** Config.ExposedPorts keys ("80/tcp"): `publishAll` publishes these. */
  exposedPorts: string[];
  /** Config.MacAddress (API < 1.44) for the primary network. */
  macAddress?: string;
  /** HostConfig.Dns: on user networks the embedded DNS forwards this container's other queries there (instead of the host's nameservers). */
  dns?: string[];
}

/** One endpoint of a running container on one network (camelCase: internal). */
export interface EndpointState {
  networkId: string;
  networkName: string;
  /** 64 hex. */
  endpointId: string;
  containerId: string;
  containerName: string;
  driver: 'bridge' | 'macvlan';
  /** Interface name in the container: eth0, eth1, … */
  ifname: string;
  /** Host-side veth name (bridge driver). */
  hostIfname?: string;
  mac: string;
  ipv4: string;
  prefixLen: number;
  gateway: string;
  /** Static address asked for (IPAMConfig.IPv4Address), kept for inspect. */
  ipamConfig: EndpointSettings['IPAMConfig'];
  /** Aliases as given (`--network-alias`, compose service names). */
  aliases: string[];
  /** Names DNS answers for this endpoint on this network: name, aliases, short id (user networks only). */
  dnsNames: string[];
  /** HostConfig.Links as "name:alias" for this network (user networks). */
  links: string[];
}

/** A published port as the kernel sees it. */
export interface PublishedPort {
  proto: 'tcp' | 'udp' | 'sctp';
  /** "" for every address (Docker prints 0.0.0.0). */
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

/** What `prepare` gives the container service to write its /etc files and inspect. */
export interface SandboxPlan {
  /** Primary endpoint first. Empty when the network mode has none. */
  endpoints: EndpointState[];
  /** NetworkSettings.Ports: every exposed/bound port, with its host bindings or null. */
  ports: Record<string, PortBinding[] | null>;
  /** Nameservers for resolv.conf: the embedded DNS address on user networks; undefined → copy the host's. */
  nameservers?: string[];
  /** The gateway address for `host-gateway` in ExtraHosts (the default bridge's gateway). */
  hostGatewayIp: string;
  /**
   * The container's network namespace file (NetworkSettings.SandboxKey): the runtime joins it
   * (spec namespace path) and `activate` may run before the process exists. Absent when the
   * plan has no endpoints (then `activate` needs the pid).
   */
  sandboxKey?: string;
}

/** Network service contract. All lookups accept a full id, a name, or a unique id prefix. */
export interface NetworkService {
  /** `POST /networks/create`. Throws Conflict (name exists), InvalidArgument (bad IPAM/options/driver), NotFound (`plugin "x" not found` for an unknown driver). */
  create(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }>;
  /** `GET /networks/{id}` with Containers of running endpoints. Throws NotFound. */
  inspect(ref: string): NetworkInspect;
  /** `GET /networks`: filters driver, id, label, name, scope, type (builtin|custom), dangling. Throws InvalidArgument (unknown filter). */
  list(opts: { filters?: Filters }): NetworkInspect[];
  /** `DELETE /networks/{id}`. Throws NotFound, PermissionDenied (pre-defined, active endpoints). */
  remove(ref: string): Promise<void>;
  /** `POST /networks/prune`: custom networks without endpoints; filters until, label, label!. */
  prune(opts: { filters?: Filters }): Promise<{ NetworksDeleted: string[] | null }>;
  /** Id and name of a network (for the container service's checks). Throws NotFound. */
  resolve(ref: string): { id: string; name: string; driver: string; predefined: boolean };

  /**
   * Allocates addresses on every network of `req` (the network mode's plus the endpoints'
   * others) and reserves the host ports; nothing is plumbed yet. Nothing stays allocated when
   * it throws: NotFound (network), InvalidArgument (address outside the subnet, user-specified
   * address on the default bridge), Conflict/Internal (address in use, port already allocated).
   */
  prepare(req: ContainerNetworkRequest): Promise<SandboxPlan>;
  /**
   * Creates the container's interfaces in its network namespace — the plan's `sandboxKey` when
   * no `pid` is given, else that of process `pid` (the namespace file is dropped then) — with
   * addresses, routes, the DNS names and
   * the published ports' rules. On throw, the container's whole network state is released.
   * Throws Internal (kernel command failed; no namespace when neither exists).
   */
  activate(containerId: string, pid?: number): Promise<void>;
  /**
   * Frees every address, port, rule and DNS name of a container, removes its namespace file
   * and host-side interfaces left. Idempotent, never throws.
   */
  release(containerId: string): Promise<void>;
  /**
   * Connects a container to one more network: for a running container (`pid` given) allocated
   * and plumbed at once; returns the endpoint (undefined for a stopped container, which only
   * needs its record updated by the caller). Throws NotFound, Forbidden (`container cannot be
   * disconnected from host network or connected to host network`), Conflict (already connected:
   * `endpoint with name X already exists in network Y`), errors of prepare.
   */
  connect(req: ContainerNetworkRequest, network: string, config: EndpointSettings, pid?: number): Promise<EndpointState | undefined>;
  /** Removes a running container's endpoint on a network (interface, address, DNS names). Throws NotFound. */
  disconnect(containerId: string, network: string): Promise<void>;
  /** Live endpoints of a container, keyed by network name (empty when not running). Never throws. */
  endpointsOf(containerId: string): Map<string, EndpointState>;
  /** Published ports of a running container (NetworkSettings.Ports). */
  portsOf(containerId: string): Record<string, PortBinding[] | null>;
  /** A container was renamed: DNS answers the new name. Never throws. */
  renamed(containerId: string, newName: string): void;
  /**
   * After the container service restored its records: `running` maps each running container
   * id to its pid. Endpoints and namespace files of others are released (stale files under
   * `<execRoot>/netns` too), the kernel state (bridges, nftables table, DNS listeners, port
   * reservations) is rebuilt. Never throws (logs problems).
   */
  reconcile(running: Map<string, number>): Promise<void>;
  /** The predefined network names (bridge, host, none) and the default bridge's gateway. */
  readonly defaults: { bridgeName: string; gateway: string };
  /** Stops DNS listeners and port reservations (kernel rules stay for running containers). Never throws. */
  close(): Promise<void>;
}

/** What the network service is built from. */
export interface NetworkServiceDeps {
  events: EventBus;
  log: Logger;
}

/** Daemon-wide network settings (dockerd's flags and daemon.json keys). */
export interface NetworkServiceOptions {
  /** Data root: records under `<root>/metadata/networks`. */
  root: string;
  /** Exec root: endpoint state under `<execRoot>/networks`, namespace files under `<execRoot>/netns`. */
  execRoot: string;
  /** 8 hex, unique per daemon: names its nftables table `pier-<instanceId>`. */
  instanceId: string;
  /** `--bridge` / `bridge`: name of the default bridge device (default `pier0`); "none" disables the default bridge network. */
  bridge?: string;
  /** `--bip` / `bip`: the default bridge's gateway address in CIDR form, e.g. "172.17.0.1/16". */
  bip?: string;
  /** `--fixed-cidr`: the sub-range containers on the default bridge get addresses from. */
  fixedCidr?: string;
  /** `default-address-pools`: where automatic subnets come from (Docker's defaults when unset). */
  defaultAddressPools?: { base: string; size: number }[];
  /** `--ip-forward` (default true): sets net.ipv4.ip_forward=1. */
  ipForward?: boolean;
  /** `--iptables` (default true): program the nftables table; false leaves the firewall alone. */
  iptables?: boolean;
  /** `--ip-masq` (default true). */
  ipMasq?: boolean;
  /** `--icc` (default true): inter-container traffic on the default bridge. */
  icc?: boolean;
  /** `--mtu` (default 1500). */
  mtu?: number;
  /** `--ip` default host address for published ports ("" = all). */
  defaultBindIp?: string;
  /** Host resolv.conf (tests override): the embedded DNS forwards to its nameservers. */
  resolvConf?: string;
}

export { createNetworkService } from './service.js';
