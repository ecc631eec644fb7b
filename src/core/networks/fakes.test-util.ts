/** Fake parts of the network service for unit tests: they record calls and touch nothing. */
import { conflict } from '../../lib/errors.js';
import type { CreateDnsServer, DnsResolver, Firewall, FirewallState, NetKernel, PortReservations } from './parts.js';

/** A recorded call. */
export interface Call {
  op: string;
  args: unknown;
}

/** Fake kernel: links live in a set; `routes` are the host routes it reports. */
export function fakeKernel(routes: string[] = []) {
  const calls: Call[] = [];
  const links = new Set<string>(['eth0', 'lo']);
  const k: NetKernel = {
    async ensureBridge(o) {
      calls.push({ op: 'ensureBridge', args: o });
      links.add(o.name);
    },
    async deleteLink(name) {
      calls.push({ op: 'deleteLink', args: name });
      links.delete(name);
    },
    async addVeth(o) {
      calls.push({ op: 'addVeth', args: o });
    },
    async addMacvlan(o) {
      calls.push({ op: 'addMacvlan', args: o });
    },
    async deleteInContainer(netns, ifname) {
      calls.push({ op: 'deleteInContainer', args: { netns, ifname } });
    },
    async createNetns(file) {
      calls.push({ op: 'createNetns', args: file });
    },
    async removeNetns(file) {
      calls.push({ op: 'removeNetns', args: file });
    },
    async listLinks(prefix) {
      return [...links].filter((l) => l.startsWith(prefix));
    },
    async hostRoutes() {
      return routes;
    },
    async linkExists(name) {
      return links.has(name);
    },
    async sysctl(key, value) {
      calls.push({ op: 'sysctl', args: { key, value } });
    },
  };
  return { kernel: k, calls, links };
}

/** Fake firewall: remembers every applied state. */
export function fakeFirewall() {
  const applied: FirewallState[] = [];
  let destroyed = 0;
  const fw: Firewall = {
    async apply(s) {
      applied.push(structuredClone(s));
    },
    async destroy() {
      destroyed++;
    },
  };
  return { firewall: fw, applied, destroyed: () => destroyed };
}

/** Fake port reservations: ephemeral ports from 40000 up; a port held twice → Docker's conflict. */
export function fakePorts() {
  const held = new Map<string, string>(); // "proto/port" → owner
  const targets = new Map<string, { ip: string; port: number }>();
  let nextEphemeral = 40000;
  const p: PortReservations = {
    async reserve(owner, list) {
      const got: number[] = [];
      const mine: string[] = [];
      for (const w of list) {
        const port = w.hostPort || nextEphemeral++;
        const key = `${w.proto}/${port}`;
        if (held.has(key)) {
          for (const m of mine) held.delete(m);
          throw conflict(`Bind for ${w.hostIp || '0.0.0.0'}:${port} failed: port is already allocated`);
        }
        held.set(key, owner);
        mine.push(key);
        got.push(port);
      }
      return got;
    },
    setTarget(owner, hostPort, proto, target) {
      targets.set(`${proto}/${hostPort}`, target);
    },
    async release(owner) {
      for (const [k, o] of held) if (o === owner) held.delete(k);
    },
    async close() {
      held.clear();
    },
  };
  return { ports: p, held, targets };
}

/** Fake DNS server factory: exposes the resolver and upstreams it was built with. */
export function fakeDns(busy53 = false) {
  const listening = new Set<string>();
  const box: { resolver?: DnsResolver; upstreams?: (ip?: string) => string[]; closed: boolean } = { closed: false };
  const create: CreateDnsServer = (deps) => {
    box.resolver = deps.resolver;
    box.upstreams = deps.upstreams;
    return {
      async listen(ip) {
        listening.add(ip);
        return { port: busy53 ? 5353 : 53 };
      },
      async unlisten(ip) {
        listening.delete(ip);
      },
      async close() {
        box.closed = true;
        listening.clear();
      },
    };
  };
  return { createDns: create, listening, box };
}
