/**
 * The DnsResolver of the embedded DNS: per-network name tables built from live endpoints,
 * looked up from the querying container's address (client IP → its endpoints → the networks it
 * is on). Names: container name, aliases, short id (an endpoint's dnsNames), `<name>.<network>`,
 * and the querying container's own `--link` aliases. Several endpoints holding one name are
 * answered round-robin. Also keeps each container's own `--dns` servers: the embedded server
 * forwards that container's other queries there instead of the host's nameservers.
 */
import type { DnsResolver } from './parts.js';
import type { EndpointState } from './index.js';

/** Name tables of every network; the embedded DNS server's resolver. */
export class NameTable implements DnsResolver {
  /** networkId → endpoints on it (keyed by container id). */
  private readonly nets = new Map<string, Map<string, EndpointState>>();
  /** networkId → lowercase name → endpoints (rebuilt lazily). */
  private readonly index = new Map<string, Map<string, EndpointState[]>>();
  /** container address → endpoints holding it. */
  private readonly byIp = new Map<string, EndpointState[]>();
  private readonly rr = new Map<string, number>();
  private readonly upstreams = new Map<string, string[]>();

  /** Adds (or replaces) an endpoint. Never throws. */
  add(ep: EndpointState): void {
    this.remove(ep.containerId, ep.networkId);
    let m = this.nets.get(ep.networkId);
    if (!m) this.nets.set(ep.networkId, (m = new Map()));
    m.set(ep.containerId, ep);
    this.index.delete(ep.networkId);
    const list = this.byIp.get(ep.ipv4) ?? [];
    list.push(ep);
    this.byIp.set(ep.ipv4, list);
  }

  /** Removes a container's endpoint on a network. Never throws. */
  remove(containerId: string, networkId: string): void {
    const m = this.nets.get(networkId);
    const ep = m?.get(containerId);
    if (!m || !ep) return;
    m.delete(containerId);
    if (m.size === 0) this.nets.delete(networkId);
    this.index.delete(networkId);
    const list = (this.byIp.get(ep.ipv4) ?? []).filter((e) => e !== ep);
    if (list.length) this.byIp.set(ep.ipv4, list);
    else this.byIp.delete(ep.ipv4);
  }

  /** Marks a network's names as changed (after an endpoint's names were edited in place). */
  touched(networkId: string): void {
    this.index.delete(networkId);
  }

  /** Sets (or clears, with undefined/empty) a container's own upstream nameservers. */
  setUpstreams(containerId: string, servers: string[] | undefined): void {
    if (servers?.length) this.upstreams.set(containerId, [...servers]);
    else this.upstreams.delete(containerId);
  }

  /** The upstreams for a query from `clientIp`: the container's `--dns` servers, else `fallback`. */
  upstreamsFor(clientIp: string | undefined, fallback: string[]): string[] {
    if (clientIp === undefined) return fallback;
    const ep = this.byIp.get(clientIp)?.[0];
    return (ep && this.upstreams.get(ep.containerId)) || fallback;
  }

  private namesOf(networkId: string): Map<string, EndpointState[]> {
    let idx = this.index.get(networkId);
    if (idx) return idx;
    idx = new Map();
    for (const ep of this.nets.get(networkId)?.values() ?? []) {
      for (const n of new Set(ep.dnsNames.map((x) => x.toLowerCase()))) {
        const l = idx.get(n);
        if (l) l.push(ep);
        else idx.set(n, [ep]);
      }
    }
    this.index.set(networkId, idx);
    return idx;
  }

  private rotate(key: string, eps: EndpointState[]): string[] {
    const ips = eps.map((e) => e.ipv4);
    if (ips.length < 2) return ips;
    const n = this.rr.get(key) ?? 0;
    this.rr.set(key, (n + 1) % ips.length);
    return [...ips.slice(n % ips.length), ...ips.slice(0, n % ips.length)];
  }

  /** See DnsResolver.lookup. */
  lookup(clientIp: string, name: string): string[] | undefined {
    const mine = this.byIp.get(clientIp);
    if (!mine) return undefined;
    const q = name.toLowerCase();
    for (const own of mine) {
      const idx = this.namesOf(own.networkId);
      const net = own.networkName.toLowerCase();
      const bare = q.endsWith(`.${net}`) ? q.slice(0, -(net.length + 1)) : undefined;
      for (const cand of bare === undefined ? [q] : [q, bare]) {
        // the container's own links first: alias → linked container's name
        for (const l of own.links) {
          const i = l.lastIndexOf(':');
          const target = i < 0 ? l : l.slice(0, i);
          const alias = i < 0 ? l : l.slice(i + 1);
          if (alias.toLowerCase() === cand) {
            const eps = idx.get(target.toLowerCase());
            if (eps?.length) return eps.map((e) => e.ipv4);
          }
        }
        const eps = idx.get(cand);
        if (eps?.length) return this.rotate(`${own.networkId}/${cand}`, eps);
      }
    }
    return undefined;
  }

  /** See DnsResolver.reverse: `<container name>.<network name>`. */
  reverse(clientIp: string, ip: string): string | undefined {
    const mine = this.byIp.get(clientIp);
    if (!mine) return undefined;
    for (const own of mine) {
      const ep = this.nets.get(own.networkId) && [...this.nets.get(own.networkId)!.values()].find((e) => e.ipv4 === ip);
      if (ep && ep.dnsNames.length) return `${ep.containerName}.${ep.networkName}`;
    }
    return undefined;
  }
}
