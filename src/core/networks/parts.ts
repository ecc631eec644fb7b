/**
 * Internal contracts between the parts of the network service (not used outside
 * core/networks): the kernel plumbing (iproute2), the firewall (one nftables table per daemon),
 * host-port reservations (listeners that hold published ports) and the embedded DNS server.
 * service.ts composes them; each has one implementation file and can be faked in unit tests.
 */

/** Linux links and addresses through iproute2 (`ip -batch`, `nsenter`). */
export interface NetKernel {
  /**
   * Creates bridge `name` if missing (MTU, `addresses` in CIDR form — the gateway of each
   * subnet), sets it up; existing addresses that are not listed are left. Throws Internal.
   */
  ensureBridge(o: { name: string; addresses: string[]; mtu: number }): Promise<void>;
  /** Deletes a link on the host if it exists. Never throws. */
  deleteLink(name: string): Promise<void>;
  /**
   * A veth pair: `hostIfname` on the host, enslaved to `bridge` and up; its peer moved into the
   * network namespace of file `netns` (a namespace file or `/proc/<pid>/ns/net`) as `ifname`
   * with `mac`, `cidr` address, up, and (when `gateway`) the default route through it; the
   * namespace's loopback is brought up. Throws Internal (the host side is removed again on failure).
   */
  addVeth(o: { netns: string; bridge: string; hostIfname: string; ifname: string; mac: string; cidr: string; gateway?: string; mtu: number }): Promise<void>;
  /** A macvlan link of `parent` (mode bridge) in the namespace of file `netns`, like addVeth. Throws Internal (NotFound when parent is missing: `-o parent interface was not found on the host: X`). */
  addMacvlan(o: { netns: string; parent: string; mode: string; ifname: string; mac: string; cidr: string; gateway?: string; mtu: number }): Promise<void>;
  /** Deletes interface `ifname` inside the namespace of file `netns` (disconnect). Never throws. */
  deleteInContainer(netns: string, ifname: string): Promise<void>;
  /** Creates a new, empty network namespace kept alive by a bind mount on `file` (created with its folders). Throws Internal. */
  createNetns(file: string): Promise<void>;
  /** Unmounts and deletes a namespace file (the namespace goes when no process is left in it). Never throws. */
  removeNetns(file: string): Promise<void>;
  /** Names of host links starting with `prefix`. Never throws (empty on error). */
  listLinks(prefix: string): Promise<string[]>;
  /** Host routes' destinations in CIDR form (IPAM avoids overlapping subnets). Never throws. */
  hostRoutes(): Promise<string[]>;
  /** Whether a host link exists. Never throws. */
  linkExists(name: string): Promise<boolean>;
  /** Writes a sysctl under /proc/sys (e.g. "net/ipv4/ip_forward", "1"). Never throws (logs). */
  sysctl(key: string, value: string): Promise<void>;
}

/** One network as the firewall sees it. */
export interface FirewallNetwork {
  /** Bridge device name (macvlan networks are not listed). */
  bridge: string;
  /** CIDR. */
  subnet: string;
  /** Only traffic within the bridge: no NAT, no forwarding in or out. */
  internal: boolean;
  /** Masquerade traffic from the subnet leaving through another interface. */
  masquerade: boolean;
  /** Inter-container communication on this bridge (false: drop bridge→bridge forwarding). */
  icc: boolean;
}

/** One published port as the firewall sees it. */
export interface FirewallPort {
  proto: 'tcp' | 'udp' | 'sctp';
  /** "" or "0.0.0.0" for every host address; otherwise one host IPv4 address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
  bridge: string;
}

/** The whole desired firewall state of one daemon. */
export interface FirewallState {
  networks: FirewallNetwork[];
  ports: FirewallPort[];
  /** DNS traffic to `ip:53` on `bridge` redirected to the embedded server's `port` (when it could not bind 53). */
  dnsRedirects: { bridge: string; ip: string; port: number }[];
}

/**
 * The daemon's nftables table (`inet`/`ip` family table `pier-<instanceId>`): replaced as a whole and
 * atomically on each apply (`nft -f -`), so it always equals the given state. Published ports
 * are DNAT'ed in prerouting (traffic from outside and hairpin from containers) and output
 * (the host itself, 127.0.0.1 included via route_localnet), with masquerade for hairpin and
 * loopback sources; networks get masquerade and isolation rules.
 */
export interface Firewall {
  /** Makes the table equal `state`. Throws Internal with nft's message. */
  apply(state: FirewallState): Promise<void>;
  /** Deletes the table. Never throws. */
  destroy(): Promise<void>;
}

/** Host ports held for published container ports. */
export interface PortReservations {
  /**
   * Binds listeners that hold each port (TCP listeners proxy connections that reach them — e.g.
   * IPv6 — to `containerIp:containerPort`; UDP sockets only hold the port). A `hostPort` 0 gets
   * an ephemeral port (Docker's range 32768–60999 when free). All or nothing: on failure every
   * listener of this call is closed. Returns the bound ports in order. Throws Conflict with
   * Docker's message when a port is taken.
   */
  reserve(owner: string, ports: { proto: 'tcp' | 'udp' | 'sctp'; hostIp: string; hostPort: number; hostPortEnd?: number }[]): Promise<number[]>;
  /** Sets where a reservation's TCP proxy forwards to (after the address is known). */
  setTarget(owner: string, hostPort: number, proto: string, target: { ip: string; port: number }): void;
  /** Closes every listener of `owner`. Never throws. */
  release(owner: string): Promise<void>;
  /** Closes everything. Never throws. */
  close(): Promise<void>;
}

/** Answers DNS names of containers; one lookup per question. */
export interface DnsResolver {
  /**
   * The IPv4 addresses for `name` (lowercase, without trailing dot) asked by the container
   * holding `clientIp`: names on the networks that container is on, round-robin rotated;
   * undefined when the name is not a container's (then the query is forwarded).
   */
  lookup(clientIp: string, name: string): string[] | undefined;
  /** PTR: the name for a container address on the client's networks, or undefined. */
  reverse(clientIp: string, ip: string): string | undefined;
}

/** The embedded DNS server: UDP and TCP listeners on given addresses. */
export interface DnsServer {
  /**
   * Listens on `ip:53` (UDP and TCP). When 53 is taken, listens on an ephemeral port and
   * returns it (the caller redirects 53 there). Throws Internal when nothing can be bound.
   */
  listen(ip: string): Promise<{ port: number }>;
  /** Stops listening on `ip`. Never throws. */
  unlisten(ip: string): Promise<void>;
  /** Stops everything. Never throws. */
  close(): Promise<void>;
}

/**
 * Builds a DNS server: container names from `resolver`, other names forwarded to `upstreams` (ip or ip:port) over UDP then TCP.
 * `upstreams(clientIp)` gives the upstreams for a query from that container address (its own `--dns` servers when it has
 * some, else the host's); a server that calls it without an argument gets the host's.
 */
export type CreateDnsServer = (deps: { resolver: DnsResolver; upstreams: (clientIp?: string) => string[]; log: import('../../lib/log.js').Logger }) => DnsServer;
