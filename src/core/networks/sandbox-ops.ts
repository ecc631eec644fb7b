/**
 * Per-container network operations of the service: prepare (addresses, host ports and the
 * container's persistent network namespace file), activate (interfaces in that namespace, DNS
 * names, port rules — possibly while the runtime creates the process), release,
 * connect/disconnect on a running container, rename, and re-adoption after a daemon restart.
 */
import path from 'node:path';
import { access } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { EndpointSettings } from '../../api/types.js';
import { EngineError, internal, invalidArgument, notFound, permissionDenied, toEngineError } from '../../lib/errors.js';
import { shortId } from '../../lib/ids.js';
import type { ContainerNetworkRequest, EndpointState, SandboxPlan } from './index.js';
import type { NetContext } from './context.js';
import type { Sandbox } from './endpoints.js';
import { formatIPv4, macForIp, parseCidr, parseIPv4 } from './ipam.js';
import { planPorts, portMapOf } from './ports-plan.js';
import { OPT, poolOf, type NetworkRecord } from './records.js';
import { createVethReaper } from './veth-reaper.js';

const HOST_MSG = 'container cannot be disconnected from host network or connected to host network';

/** True for user-defined networks (embedded DNS, aliases, static addresses). */
export const isUserNetwork = (r: NetworkRecord) => !r.predefined;

/** Docker's DNS names of an endpoint on a user network: name, aliases, short id, hostname (deduplicated). */
function dnsNamesOf(rec: NetworkRecord, req: ContainerNetworkRequest, aliases: string[]): string[] {
  if (!isUserNetwork(rec)) return [];
  return [...new Set([req.name, ...aliases, shortId(req.id), ...(req.hostname ? [req.hostname] : [])])];
}

/** "/other:/me/alias" → "other:alias"; "other:alias" kept. */
function linkPair(l: string): string {
  const i = l.lastIndexOf(':');
  if (i < 0) return `${l.replace(/^\//, '')}:${l.replace(/^\//, '')}`;
  const name = l.slice(0, i).replace(/^\//, '');
  const alias = l.slice(i + 1).split('/').pop()!;
  return `${name}:${alias}`;
}

/** The network operations of containers. */
export function createSandboxOps(ctx: NetContext) {
  const freeEndpoint = (ep: EndpointState) => {
    const ip = parseIPv4(ep.ipv4);
    if (ip !== undefined) ctx.pools.get(ep.networkId)?.release(ip);
    ctx.names.remove(ep.containerId, ep.networkId);
  };

  function nextIfname(sb: Sandbox): string {
    for (let i = 0; ; i++) if (!sb.endpoints.some((e) => e.ifname === `eth${i}`)) return `eth${i}`;
  }

  /** Allocates an endpoint of `req`'s container on `rec`. Throws Docker's IPAM errors. */
  function allocate(rec: NetworkRecord, config: EndpointSettings | undefined, req: ContainerNetworkRequest, sb: Sandbox, primary: boolean): EndpointState {
    if (ctx.removing.has(rec.id)) throw notFound(`network ${rec.name} not found`);
    if (rec.driver === 'host') throw permissionDenied(HOST_MSG);
    if (rec.driver !== 'bridge' && rec.driver !== 'macvlan') {
      throw permissionDenied('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    }
    if (sb.endpoints.some((e) => e.networkId === rec.id)) throw permissionDenied(`endpoint with name ${req.name} already exists in network ${rec.name}`);
    const pool = ctx.pools.get(rec.id);
    const p = poolOf(rec);
    if (!pool || !p?.Subnet) throw internal(`network ${rec.name} has no IPv4 pool`);
    const wantedIp = config?.IPAMConfig?.IPv4Address;
    let ip: number | undefined;
    if (wantedIp) {
      if (!isUserNetwork(rec)) throw invalidArgument('user specified IP address is supported on user defined networks only');
      ip = parseIPv4(wantedIp);
      if (ip === undefined) throw invalidArgument(`invalid IPv4 address: ${wantedIp}`);
      const r = pool.allocateStatic(ip);
      if (r === 'outside') throw invalidArgument(`invalid address ${wantedIp}: It does not belong to any of this network's subnets`);
      if (r === 'in-use') throw permissionDenied('Address already in use');
    } else {
      ip = pool.allocate();
      if (ip === undefined) throw internal(`no available IPv4 addresses on this network's address pools: ${rec.name} (${rec.id})`);
    }
    const aliases = isUserNetwork(rec) ? [...(config?.Aliases ?? [])] : [];
    const links = isUserNetwork(rec) ? [...new Set([...req.links, ...(config?.Links ?? [])].map(linkPair))] : [];
    return {
      networkId: rec.id,
      networkName: rec.name,
      endpointId: randomBytes(32).toString('hex'),
      containerId: req.id,
      containerName: req.name,
      driver: rec.driver as 'bridge' | 'macvlan',
      ifname: nextIfname(sb),
      ...(rec.driver === 'bridge' ? { hostIfname: 'veth' + randomBytes(4).toString('hex').slice(0, 7) } : {}),
      mac: config?.MacAddress || (primary ? req.macAddress : undefined) || macForIp(ip),
      ipv4: formatIPv4(ip),
      prefixLen: parseCidr(p.Subnet)!.cidr.bits,
      gateway: p.Gateway ?? '',
      ipamConfig: config?.IPAMConfig ?? null,
      aliases,
      dnsNames: dnsNamesOf(rec, req, aliases),
      links,
    };
  }

  /** The networks of a request: the network mode's first, then the other endpoint keys. */
  function networksOf(req: ContainerNetworkRequest): { rec: NetworkRecord; config?: EndpointSettings }[] {
    const mode = req.networkMode === 'default' || req.networkMode === '' ? 'bridge' : req.networkMode;
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return [];
    const out: { rec: NetworkRecord; config?: EndpointSettings }[] = [];
    const primary = ctx.find(mode);
    const entries = Object.entries(req.endpoints ?? {}).map(([k, v]) => ({ rec: ctx.find(k), config: v }));
    out.push({ rec: primary, config: entries.find((e) => e.rec.id === primary.id)?.config });
    for (const e of entries) if (!out.some((o) => o.rec.id === e.rec.id)) out.push(e);
    return out;
  }

  const ownerOf = (sb: Sandbox) => sb.containerId;
  const save = (sb: Sandbox) =>
    ctx.files.save(sb).catch((e: Error) => ctx.log.warn('cannot write endpoint state', { container: sb.containerId, err: e.message }));

  /** Where the namespace file of container `id` goes: `<execRoot>/netns/<id12>` (the full id if another sandbox holds that). */
  function netnsFileOf(id: string): string {
    const dir = path.join(ctx.opts.execRoot, 'netns');
    const short = path.join(dir, shortId(id));
    return [...ctx.sandboxes.values()].some((o) => o.netns === short && o.containerId !== id) ? path.join(dir, id) : short;
  }

  /** The namespace file to plumb a sandbox's endpoints into. Throws Internal when there is none. */
  function nsOf(sb: Sandbox, pid?: number): string {
    if (sb.netns) return sb.netns;
    const p = pid ?? sb.pid;
    if (p === undefined) throw internal(`no network namespace for container ${sb.containerId}`);
    return `/proc/${Math.trunc(p)}/ns/net`;
  }

  async function releaseSandbox(sb: Sandbox, emit: boolean): Promise<void> {
    ctx.sandboxes.delete(sb.containerId);
    for (const ep of sb.endpoints) {
      freeEndpoint(ep);
      if (emit && sb.activated) ctx.events.emit('network', 'disconnect', ep.networkId, { container: sb.containerId, name: ep.networkName, type: ep.driver });
    }
    ctx.names.setUpstreams(sb.containerId, undefined);
    // The namespace file goes first (its unmount is synchronous), its deletion alongside the rest.
    const nsGone = sb.netns ? ctx.kernel.removeNetns(sb.netns) : undefined;
    await ctx.ports.release(ownerOf(sb));
    if (sb.activated) {
      const veths = sb.endpoints.flatMap((e) => (e.hostIfname ? [e.hostIfname] : []));
      if (sb.netns) {
        // The kernel deletes the pairs with the namespace once its file is gone, but only when
        // its cleanup work gets to it: they are deleted at once instead (one netlink request
        // each), in the background so that the exit path does not wait for the kernel.
        for (const v of veths) reaper.now(v);
      } else if (sb.pid !== undefined && (await exists(`/proc/${sb.pid}`))) {
        for (const v of veths) if (await exists(`/sys/class/net/${v}`)) await ctx.kernel.deleteLink(v);
      } else {
        // The process is gone: the kernel deletes the pair with the namespace, but asynchronously
        // (it may still be listed now). Delete what is left in the background, off this path.
        for (const v of veths) later(v);
      }
      await ctx.files.remove(sb.containerId);
      if (sb.ports.length) await ctx.applyFirewall().catch((e: Error) => ctx.log.warn('firewall apply failed on release', { err: e.message }));
    }
    await nsGone;
  }

  /** Plumbs one endpoint into the namespace file `netns`. Throws Internal/NotFound from the kernel. */
  async function plumb(ep: EndpointState, netns: string, withRoute: boolean): Promise<void> {
    const rec = ctx.records.get(ep.networkId);
    if (!rec) throw notFound(`network ${ep.networkName} not found`);
    await ctx.ensureNet(rec);
    const cidr = `${ep.ipv4}/${ep.prefixLen}`;
    const gateway = withRoute ? ep.gateway : undefined;
    const mtu = Number(rec.options['com.docker.network.driver.mtu']) || ctx.mtu;
    if (ep.driver === 'bridge') {
      await ctx.kernel.addVeth({ netns, bridge: rec.bridge!, hostIfname: ep.hostIfname!, ifname: ep.ifname, mac: ep.mac, cidr, ...(gateway ? { gateway } : {}), mtu });
    } else {
      await ctx.kernel.addMacvlan({ netns, parent: rec.options.parent!, mode: rec.options.macvlan_mode || 'bridge', ifname: ep.ifname, mac: ep.mac, cidr, ...(gateway ? { gateway } : {}), mtu });
    }
  }

  const reaper = createVethReaper(ctx.kernel);
  const later = (v: string) => reaper.later(v);
  const exists = (p: string) => access(p).then(() => true, () => false);

  const routeCandidate = (ep: EndpointState) => !ctx.records.get(ep.networkId)?.internal;

  return {
    async prepare(req: ContainerNetworkRequest): Promise<SandboxPlan> {
      return ctx.lock.with(req.id, async () => {
        const old = ctx.sandboxes.get(req.id);
        if (old) await releaseSandbox(old, true);
        const sb: Sandbox = { containerId: req.id, containerName: req.name, activated: false, endpoints: [], ports: [], portMap: {}, ...(req.dns?.length ? { dns: [...req.dns] } : {}) };
        try {
          const nets = networksOf(req);
          nets.forEach((n, i) => sb.endpoints.push(allocate(n.rec, n.config, req, sb, i === 0)));
          const pub = sb.endpoints.find((e) => e.driver === 'bridge');
          const pubNet = pub && ctx.records.get(pub.networkId);
          // the network's host_binding_ipv4 (the default bridge's comes from --ip), else --ip
          const bindIp = (pubNet?.options[OPT.hostBinding] ?? ctx.opts.defaultBindIp ?? '').replace(/^0\.0\.0\.0$/, '');
          const { keys, wanted } = planPorts(req.portBindings ?? {}, req.exposedPorts ?? [], req.publishAll, bindIp);
          const bridgeOf = (ep: EndpointState) => ctx.records.get(ep.networkId)?.bridge ?? '';
          if (pub && wanted.length) {
            const got = await ctx.ports.reserve(ownerOf(sb), wanted.map((w) => ({ proto: w.proto, hostIp: w.hostIp, hostPort: w.hostPort, ...(w.hostPortEnd ? { hostPortEnd: w.hostPortEnd } : {}) })));
            wanted.forEach((w, i) => {
              sb.ports.push({ proto: w.proto, hostIp: w.hostIp, hostPort: got[i]!, containerPort: w.containerPort, containerIp: pub.ipv4, bridge: bridgeOf(pub) });
              ctx.ports.setTarget(ownerOf(sb), got[i]!, w.proto, { ip: pub.ipv4, port: w.containerPort });
            });
            sb.portMap = portMapOf(keys, wanted, got);
          } else {
            sb.portMap = portMapOf(keys, [], []);
          }
          if (sb.endpoints.length) {
            const file = netnsFileOf(req.id);
            sb.netns = file;
            const t0 = performance.now();
            await ctx.kernel.createNetns(file);
            ctx.log.debug('network namespace created', { file, ms: Math.round((performance.now() - t0) * 10) / 10 });
          }
        } catch (e) {
          if (sb.netns) await ctx.kernel.removeNetns(sb.netns);
          for (const ep of sb.endpoints) freeEndpoint(ep);
          await ctx.ports.release(ownerOf(sb));
          throw e;
        }
        ctx.sandboxes.set(req.id, sb);
        const dnsEp = sb.endpoints.find((e) => e.driver === 'bridge' && isUserNetwork(ctx.records.get(e.networkId)!));
        const defaultBridge = ctx.records.all().find((r) => r.predefined && r.name === 'bridge');
        const plan: SandboxPlan = {
          endpoints: sb.endpoints,
          ports: sb.portMap,
          hostGatewayIp: (defaultBridge && poolOf(defaultBridge)?.Gateway) ?? '',
          ...(sb.netns ? { sandboxKey: sb.netns } : {}),
        };
        if (dnsEp) plan.nameservers = [dnsEp.gateway];
        return plan;
      });
    },

    async activate(containerId: string, pid?: number): Promise<void> {
      await ctx.lock.with(containerId, async () => {
        const sb = ctx.sandboxes.get(containerId);
        if (!sb) throw internal(`no network state prepared for container ${containerId}`);
        try {
          if (pid !== undefined && sb.netns) {
            // The caller plumbs the process's own namespace: the prepared file is not needed.
            await ctx.kernel.removeNetns(sb.netns);
            delete sb.netns;
          }
          const ns = nsOf(sb, pid);
          const gw = sb.endpoints.find(routeCandidate);
          if (gw) sb.gatewayNetworkId = gw.networkId;
          for (const ep of sb.endpoints) await plumb(ep, ns, ep === gw);
          if (pid !== undefined) sb.pid = pid;
          sb.activated = true;
          for (const ep of sb.endpoints) {
            if (ep.dnsNames.length) ctx.names.add(ep);
            ctx.events.emit('network', 'connect', ep.networkId, { container: containerId, name: ep.networkName, type: ep.driver });
          }
          ctx.names.setUpstreams(containerId, sb.dns);
          await save(sb);
          if (sb.ports.length) await ctx.applyFirewall();
        } catch (e) {
          sb.activated = true; // so release deletes what was made
          await releaseSandbox(sb, false).catch(() => undefined);
          throw e instanceof EngineError ? e : internal((e as Error).message, e);
        }
      });
    },

    async release(containerId: string): Promise<void> {
      await ctx.lock.with(containerId, async () => {
        const sb = ctx.sandboxes.get(containerId);
        if (sb) await releaseSandbox(sb, true).catch((e: Error) => ctx.log.warn('release failed', { container: containerId, err: e.message }));
        else await ctx.files.remove(containerId);
      });
    },

    async connect(req: ContainerNetworkRequest, network: string, config: EndpointSettings, pid?: number): Promise<EndpointState | undefined> {
      const rec = ctx.find(network);
      if (rec.driver === 'host') throw permissionDenied(HOST_MSG);
      if (pid === undefined) return undefined;
      return ctx.lock.with(req.id, async () => {
        let sb = ctx.sandboxes.get(req.id);
        if (!sb) {
          sb = { containerId: req.id, containerName: req.name, activated: true, pid, endpoints: [], ports: [], portMap: {}, ...(req.dns?.length ? { dns: [...req.dns] } : {}) };
          ctx.sandboxes.set(req.id, sb);
        }
        const ep = allocate(rec, config, req, sb, sb.endpoints.length === 0);
        const withRoute = !sb.gatewayNetworkId && routeCandidate(ep);
        try {
          await plumb(ep, nsOf(sb, pid), withRoute);
        } catch (e) {
          freeEndpoint(ep);
          throw toEngineError(e);
        }
        if (withRoute) sb.gatewayNetworkId = ep.networkId;
        sb.endpoints.push(ep);
        if (ep.dnsNames.length) ctx.names.add(ep);
        await save(sb);
        ctx.events.emit('network', 'connect', rec.id, { container: req.id, name: rec.name, type: rec.driver });
        return ep;
      });
    },

    async disconnect(containerId: string, network: string): Promise<void> {
      const rec = ctx.find(network);
      if (rec.driver === 'host') throw permissionDenied(HOST_MSG);
      await ctx.lock.with(containerId, async () => {
        const sb = ctx.sandboxes.get(containerId);
        const ep = sb?.endpoints.find((e) => e.networkId === rec.id);
        if (!sb || !ep) throw notFound(`container ${containerId} is not connected to network ${rec.name}`);
        if (sb.netns || sb.pid !== undefined) await ctx.kernel.deleteInContainer(nsOf(sb), ep.ifname);
        freeEndpoint(ep);
        sb.endpoints = sb.endpoints.filter((e) => e !== ep);
        if (sb.gatewayNetworkId === rec.id) delete sb.gatewayNetworkId;
        const lost = sb.ports.filter((p) => p.containerIp === ep.ipv4 && p.bridge === rec.bridge);
        if (lost.length) {
          sb.ports = sb.ports.filter((p) => !lost.includes(p));
          await ctx.applyFirewall().catch((e: Error) => ctx.log.warn('firewall apply failed on disconnect', { err: e.message }));
        }
        await save(sb);
        ctx.events.emit('network', 'disconnect', rec.id, { container: containerId, name: rec.name, type: rec.driver });
      });
    },

    renamed(containerId: string, newName: string): void {
      const sb = ctx.sandboxes.get(containerId);
      if (!sb) return;
      const old = sb.containerName;
      sb.containerName = newName;
      for (const ep of sb.endpoints) {
        ep.containerName = newName;
        if (ep.dnsNames.length) {
          ep.dnsNames = [...new Set(ep.dnsNames.map((n) => (n === old ? newName : n)))];
          ctx.names.touched(ep.networkId);
        }
      }
      void save(sb);
    },

    /** Re-adopts a sandbox file of a running container: addresses, names, port reservations. Throws on a port that cannot be re-bound. */
    async adopt(sb: Sandbox, pid: number): Promise<void> {
      sb.pid = pid;
      sb.activated = true;
      const kept: EndpointState[] = [];
      for (const ep of sb.endpoints) {
        const rec = ctx.records.get(ep.networkId);
        const ip = parseIPv4(ep.ipv4);
        if (!rec || ip === undefined || ctx.pools.get(rec.id)?.allocateStatic(ip) !== 'ok') {
          ctx.log.warn('endpoint not re-adopted', { container: sb.containerId, network: ep.networkName, ip: ep.ipv4 });
          continue;
        }
        kept.push(ep);
        if (ep.dnsNames.length) ctx.names.add(ep);
      }
      sb.endpoints = kept;
      ctx.sandboxes.set(sb.containerId, sb);
      ctx.names.setUpstreams(sb.containerId, sb.dns);
      if (sb.ports.length) {
        try {
          await ctx.ports.reserve(ownerOf(sb), sb.ports.map((p) => ({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort })));
          for (const p of sb.ports) ctx.ports.setTarget(ownerOf(sb), p.hostPort, p.proto, { ip: p.containerIp, port: p.containerPort });
        } catch (e) {
          ctx.log.warn('published ports of a running container could not be re-bound', { container: sb.containerId, err: (e as Error).message });
        }
      }
    },

    /** Waits for the background deletions of host veths (daemon shutdown). Never throws. */
    flush: (): Promise<void> => reaper.flush(),

    /** Deletes what a sandbox of a container that is gone left on the host. Never throws. */
    async discard(sb: Sandbox): Promise<void> {
      for (const ep of sb.endpoints) {
        if (ep.hostIfname && (await exists(`/sys/class/net/${ep.hostIfname}`))) await ctx.kernel.deleteLink(ep.hostIfname);
      }
      await ctx.files.remove(sb.containerId);
      if (sb.netns) await ctx.kernel.removeNetns(sb.netns);
    },
  };
}

/** The operations createSandboxOps returns. */
export type SandboxOps = ReturnType<typeof createSandboxOps>;
