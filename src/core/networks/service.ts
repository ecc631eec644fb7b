/**
 * The network service (contract in index.ts): network records, IPAM pools, sandboxes of
 * running containers (sandbox-ops.ts), the embedded DNS names (names.ts), and the kernel
 * parts (bridges, veths, nftables table, port listeners, DNS listeners) composed from parts.ts.
 */
import path from 'node:path';
import { readFile, readdir } from 'node:fs/promises';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { invalidArgument, notFound, permissionDenied } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Filters } from '../../api/types.js';
import type { NetworkCreateRequest, NetworkInspect } from '../../api/network-types.js';
import type { EndpointState, NetworkService, NetworkServiceDeps, NetworkServiceOptions } from './index.js';
import type { CreateDnsServer, Firewall, FirewallState, NetKernel, PortReservations } from './parts.js';
import { createNetKernel } from './kernel.js';
import { createFirewall } from './firewall.js';
import { createPortReservations } from './ports.js';
import { createDnsServer } from './dns/server.js';
import { AddressPool, DEFAULT_ADDRESS_POOLS, cidrOverlaps, parseCidr, parseIPv4, pickSubnet, formatIPv4, cidrString, type Cidr } from './ipam.js';
import { bridgeSettingsOf, builtinRecord, defaultBridgeRecord, openNetworkRecords, poolOf, type NetworkRecord } from './records.js';
import { buildNetworkRecord, checkCreateRequest } from './create-validate.js';
import { compileNetworkFilter } from './filters.js';
import { toNetworkInspect } from './inspect.js';
import { NameTable } from './names.js';
import { sandboxFiles } from './endpoints.js';
import { createSandboxOps } from './sandbox-ops.js';
import type { NetContext } from './context.js';

/** Replaceable parts (unit tests pass fakes). */
export interface NetworkParts {
  kernel: NetKernel;
  firewall: Firewall;
  ports: PortReservations;
  createDns: CreateDnsServer;
}

/** Nameservers of a resolv.conf (empty when unreadable). Never throws. */
async function readNameservers(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').flatMap((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    return m ? [m[1]!] : [];
  });
}

const cidrOf = (r: NetworkRecord): Cidr | undefined => {
  const s = poolOf(r)?.Subnet;
  return s ? parseCidr(s)?.cidr : undefined;
};

/** Builds the address pool of a record (gateway and aux addresses reserved). */
function poolFor(r: NetworkRecord): AddressPool | undefined {
  const p = poolOf(r);
  const subnet = p?.Subnet ? parseCidr(p.Subnet)?.cidr : undefined;
  if (!p || !subnet) return undefined;
  const reserved = [p.Gateway, ...Object.values(p.AuxiliaryAddresses ?? {})].flatMap((a) => {
    const n = a ? parseIPv4(a) : undefined;
    return n === undefined ? [] : [n];
  });
  const range = p.IPRange ? parseCidr(p.IPRange)?.cidr : undefined;
  try {
    return new AddressPool({ subnet, ...(range ? { range } : {}), reserved });
  } catch {
    return new AddressPool({ subnet, reserved });
  }
}

/**
 * Opens the network records, creates/updates the predefined networks from the daemon's bridge
 * settings, and returns the service. Kernel state is (re)built by `reconcile` and lazily per
 * network. Throws fs errors, InvalidArgument for a bad `bip`/`fixedCidr`, Internal when no
 * subnet is free for the default bridge.
 */
export async function createNetworkService(deps: NetworkServiceDeps, opts: NetworkServiceOptions, parts?: Partial<NetworkParts>): Promise<NetworkService> {
  const log = deps.log.child({ component: 'networks' });
  const kernel = parts?.kernel ?? createNetKernel({ log });
  const firewall = parts?.firewall ?? createFirewall({ log }, { table: `pier-${opts.instanceId}` });
  const ports = parts?.ports ?? createPortReservations({ log });
  const names = new NameTable();
  let hostUpstreams = await readNameservers(opts.resolvConf ?? '/etc/resolv.conf');
  const dns = (parts?.createDns ?? createDnsServer)({ resolver: names, upstreams: (ip?: string) => names.upstreamsFor(ip, hostUpstreams), log });
  const records = await openNetworkRecords(opts.root);
  const mtu = opts.mtu ?? 1500;
  const bridgeDevice = opts.bridge || 'pier0';
  const now = new Date();

  // Predefined networks.
  for (const n of ['host', 'none'] as const) {
    const prev = records.all().find((r) => r.predefined && r.name === n);
    if (!prev) {
      const rec = builtinRecord(n, undefined, now);
      await records.put(rec.id, rec);
    }
  }
  const prevBridge = records.all().find((r) => r.predefined && r.name === 'bridge');
  if (bridgeDevice === 'none') {
    if (prevBridge) await records.delete(prevBridge.id);
  } else {
    let subnet: Cidr;
    let gateway: number;
    if (opts.bip) {
      const b = parseCidr(opts.bip);
      if (!b) throw invalidArgument(`invalid bip: ${opts.bip}`);
      subnet = b.cidr;
      gateway = b.addr;
    } else {
      const others = records.all().filter((r) => r !== prevBridge).flatMap((r) => cidrOf(r) ?? []);
      const prev = prevBridge && prevBridge.bridge === bridgeDevice ? cidrOf(prevBridge) : undefined;
      const routes = (await kernel.hostRoutes()).flatMap((s) => parseCidr(s)?.cidr ?? []).filter((c) => c.bits > 0);
      const free = (c: Cidr) => !others.some((o) => cidrOverlaps(o, c)) && !routes.some((o) => cidrOverlaps(o, c));
      if (prev && (free(prev) || (await kernel.linkExists(bridgeDevice)))) subnet = prev;
      else {
        const picked = pickSubnet(opts.defaultAddressPools ?? DEFAULT_ADDRESS_POOLS, [...others, ...routes]);
        if (!picked) throw invalidArgument('all predefined address pools have been fully subnetted');
        subnet = picked;
      }
      gateway = subnet.base + 1;
    }
    if (opts.fixedCidr) {
      const f = parseCidr(opts.fixedCidr);
      if (!f || !cidrOverlaps(f.cidr, subnet) || f.cidr.bits < subnet.bits) throw invalidArgument(`invalid fixed-cidr: ${opts.fixedCidr}`);
    }
    const rec = defaultBridgeRecord(
      {
        device: bridgeDevice,
        subnet: cidrString(subnet),
        gateway: formatIPv4(gateway),
        ...(opts.fixedCidr ? { fixedCidr: cidrString(parseCidr(opts.fixedCidr)!.cidr) } : {}),
        icc: opts.icc !== false,
        masquerade: opts.ipMasq !== false,
        hostBindingIp: opts.defaultBindIp || '0.0.0.0',
        mtu,
      },
      prevBridge,
      now,
    );
    if (JSON.stringify(rec) !== JSON.stringify(prevBridge)) await records.put(rec.id, rec);
  }

  const pools = new Map<string, AddressPool>();
  for (const r of records.all()) {
    const p = poolFor(r);
    if (p) pools.set(r.id, p);
  }

  const ensured = new Map<string, Promise<void>>();
  const dnsPorts = new Map<string, { bridge: string; ip: string; port: number }>();
  let queued: Promise<void> | undefined;
  let fwApplied = false;
  let chain: Promise<void> = Promise.resolve();

  function firewallState(): FirewallState {
    const nets = records.all().filter((r) => r.driver === 'bridge' && r.bridge);
    const state: FirewallState = { networks: [], ports: [], dnsRedirects: [...dnsPorts.values()].filter((d) => d.port !== 53) };
    for (const r of nets) {
      const s = bridgeSettingsOf(r, mtu);
      const subnet = poolOf(r)?.Subnet;
      if (!subnet) continue;
      state.networks.push({ bridge: r.bridge!, subnet, internal: r.internal, masquerade: s.masquerade && opts.ipMasq !== false, icc: r.predefined ? opts.icc !== false && s.icc : s.icc });
    }
    for (const sb of ctx.sandboxes.values()) {
      if (!sb.activated) continue;
      for (const p of sb.ports) {
        if (!p.bridge || p.hostIp.includes(':')) continue;
        state.ports.push({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, containerIp: p.containerIp, containerPort: p.containerPort, bridge: p.bridge });
      }
    }
    return state;
  }

  const ctx: NetContext = {
    opts,
    log,
    events: deps.events,
    kernel,
    firewall,
    ports,
    dns,
    records,
    pools,
    sandboxes: new Map(),
    files: sandboxFiles(path.join(opts.execRoot, 'networks', 'endpoints')),
    names,
    lock: new KeyedLock(),
    removing: new Set(),
    mtu,
    bridgeDevice,
    find(ref) {
      const all = records.all().filter((r) => !ctx.removing.has(r.id));
      const exact = all.find((r) => r.id === ref) ?? all.find((r) => r.name === ref);
      if (exact) return exact;
      const byPrefix = ref ? all.filter((r) => r.id.startsWith(ref)) : [];
      if (byPrefix.length === 1) return byPrefix[0]!;
      if (byPrefix.length > 1) throw invalidArgument(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
      throw notFound(`network ${ref} not found`);
    },
    ensureNet(rec) {
      if (rec.driver !== 'bridge' || !rec.bridge) return Promise.resolve();
      let p = ensured.get(rec.id);
      if (!p) {
        p = (async () => {
          const pool = poolOf(rec)!;
          const bits = parseCidr(pool.Subnet!)!.cidr.bits;
          await kernel.ensureBridge({ name: rec.bridge!, addresses: [`${pool.Gateway}/${bits}`], mtu: bridgeSettingsOf(rec, mtu).mtu });
          if (!fwApplied) await ctx.applyFirewall();
          if (!rec.predefined && pool.Gateway) {
            try {
              const { port } = await dns.listen(pool.Gateway);
              dnsPorts.set(rec.id, { bridge: rec.bridge!, ip: pool.Gateway, port });
              if (port !== 53) await ctx.applyFirewall();
            } catch (e) {
              log.warn('embedded DNS cannot listen', { network: rec.name, ip: pool.Gateway, err: (e as Error).message });
            }
          }
        })();
        ensured.set(rec.id, p);
        p.catch(() => ensured.delete(rec.id));
      }
      return p;
    },
    applyFirewall() {
      if (opts.iptables === false) return Promise.resolve();
      if (queued) return queued;
      const p = chain.then(async () => {
        queued = undefined;
        fwApplied = true;
        await firewall.apply(firewallState());
      });
      queued = p;
      chain = p.catch(() => undefined);
      return p;
    },
  };
  const ops = createSandboxOps(ctx);

  const endpointsOn = (netId: string): EndpointState[] =>
    [...ctx.sandboxes.values()].flatMap((sb) => (sb.activated ? sb.endpoints.filter((e) => e.networkId === netId) : []));
  const inUse = (netId: string) => [...ctx.sandboxes.values()].some((sb) => sb.endpoints.some((e) => e.networkId === netId));
  const emit = (action: string, r: NetworkRecord) => void deps.events.emit('network', action, r.id, { name: r.name, type: r.driver });

  async function removeRecord(r: NetworkRecord): Promise<void> {
    ctx.removing.add(r.id);
    try {
      await records.delete(r.id);
      pools.delete(r.id);
      const d = dnsPorts.get(r.id);
      if (d) await dns.unlisten(d.ip);
      dnsPorts.delete(r.id);
      ensured.delete(r.id);
      if (r.bridge) await kernel.deleteLink(r.bridge);
      if (r.driver === 'bridge') await ctx.applyFirewall().catch((e: Error) => log.warn('firewall apply failed on network remove', { err: e.message }));
    } finally {
      ctx.removing.delete(r.id);
    }
    emit('destroy', r);
  }

  const service: NetworkService = {
    async create(req: NetworkCreateRequest) {
      return ctx.lock.with('network-create', async () => {
        const { driver } = checkCreateRequest(req, records.all());
        const needRoutes = driver === 'bridge' && !(req.IPAM?.Config ?? []).some((c) => c.Subnet && !c.Subnet.includes(':'));
        const hostRoutes = needRoutes ? (await kernel.hostRoutes()).flatMap((s) => parseCidr(s)?.cidr ?? []) : [];
        const rec = buildNetworkRecord(req, driver, { records: records.all(), hostRoutes, pools: opts.defaultAddressPools ?? DEFAULT_ADDRESS_POOLS, id: newId(), now: new Date() });
        if (driver === 'macvlan' && !(await kernel.linkExists(rec.options.parent!))) {
          throw notFound(`-o parent interface was not found on the host: ${rec.options.parent}`);
        }
        await records.put(rec.id, rec);
        const pool = poolFor(rec);
        if (pool) pools.set(rec.id, pool);
        if (driver === 'bridge') {
          try {
            await ctx.ensureNet(rec);
            await ctx.applyFirewall();
          } catch (e) {
            await removeRecord(rec).catch(() => undefined);
            throw e;
          }
        }
        emit('create', rec);
        return { Id: rec.id, Warning: '' };
      });
    },

    inspect(ref) {
      const r = ctx.find(ref);
      return toNetworkInspect(r, endpointsOn(r.id));
    },

    list({ filters }) {
      const match = compileNetworkFilter(filters, 'list');
      return records
        .all()
        .filter((r) => match({ id: r.id, name: r.name, driver: r.driver, scope: 'local', labels: r.labels, predefined: r.predefined, inUse: inUse(r.id), created: Date.parse(r.created) }))
        .map((r): NetworkInspect => ({ ...toNetworkInspect(r, []) }));
    },

    async remove(ref) {
      const r = ctx.find(ref);
      if (r.predefined) throw permissionDenied(`${r.name} is a pre-defined network and cannot be removed`);
      if (inUse(r.id)) throw permissionDenied(`error while removing network: network ${r.name} id ${r.id} has active endpoints`);
      await removeRecord(r);
    },

    async prune({ filters }) {
      const match = compileNetworkFilter(filters, 'prune');
      const deleted: string[] = [];
      for (const r of records.all()) {
        if (!match({ id: r.id, name: r.name, driver: r.driver, scope: 'local', labels: r.labels, predefined: r.predefined, inUse: inUse(r.id), created: Date.parse(r.created) })) continue;
        try {
          await removeRecord(r);
          deleted.push(r.name);
        } catch (e) {
          log.warn('prune could not remove network', { network: r.name, err: (e as Error).message });
        }
      }
      return { NetworksDeleted: deleted.length ? deleted : null };
    },

    resolve(ref) {
      const r = ctx.find(ref);
      return { id: r.id, name: r.name, driver: r.driver, predefined: r.predefined };
    },

    prepare: ops.prepare,
    activate: ops.activate,
    release: ops.release,
    connect: ops.connect,
    disconnect: ops.disconnect,
    renamed: ops.renamed,

    endpointsOf(containerId) {
      const sb = ctx.sandboxes.get(containerId);
      return new Map((sb?.activated ? sb.endpoints : []).map((e) => [e.networkName, e]));
    },

    portsOf(containerId) {
      return ctx.sandboxes.get(containerId)?.portMap ?? {};
    },

    async reconcile(running) {
      try {
        hostUpstreams = await readNameservers(opts.resolvConf ?? '/etc/resolv.conf');
        if (opts.ipForward !== false) await kernel.sysctl('net/ipv4/ip_forward', '1');
        const discarded = new Set<string>();
        for (const sb of await ctx.files.loadAll()) {
          if (ctx.sandboxes.has(sb.containerId)) continue;
          const pid = running.get(sb.containerId);
          if (pid !== undefined && (sb.pid === undefined || sb.pid === pid)) await ops.adopt(sb, pid);
          else {
            await ops.discard(sb);
            if (sb.netns) discarded.add(sb.netns);
          }
        }
        // Namespace files no re-adopted sandbox holds: left by containers that are gone.
        const nsDir = path.join(opts.execRoot, 'netns');
        const held = new Set([...ctx.sandboxes.values()].flatMap((sb) => (sb.netns ? [sb.netns] : [])));
        for (const n of await readdir(nsDir).catch(() => [] as string[])) {
          const file = path.join(nsDir, n);
          if (!held.has(file) && !discarded.has(file)) await kernel.removeNetns(file);
        }
        for (const r of records.all()) {
          await ctx.ensureNet(r).catch((e: Error) => log.warn('cannot set up network', { network: r.name, err: e.message }));
        }
        await ctx.applyFirewall();
      } catch (e) {
        log.error('network reconcile failed', { err: (e as Error).message });
      }
    },

    get defaults() {
      const b = records.all().find((r) => r.predefined && r.name === 'bridge');
      return { bridgeName: bridgeDevice, gateway: (b && poolOf(b)?.Gateway) ?? '' };
    },

    async close() {
      await ops.flush();
      await dns.close().catch(() => undefined);
      await ports.close().catch(() => undefined);
      const active = [...ctx.sandboxes.values()].some((sb) => sb.activated && sb.endpoints.length);
      if (active) return;
      if (opts.iptables !== false) await chain.then(() => firewall.destroy()).catch(() => undefined);
      for (const r of records.all()) if (r.bridge) await kernel.deleteLink(r.bridge);
    },
  };
  return service;
}
