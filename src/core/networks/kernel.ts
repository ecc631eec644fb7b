/**
 * The network service's kernel plumbing on iproute2: bridges, veth pairs and macvlan links,
 * addresses and routes inside a container's network namespace, host routes and sysctls.
 *
 * A veth pair — the change of every container start — is made over rtnetlink from this process
 * (rtnl.ts: no spawn), and links are deleted the same way. Every other change is one `ip -batch -` (host side) or
 * `nsenter --net=<namespace file> ip -batch -` (container side) run through lib/exec.ts (so
 * does a veth pair when koffi is unavailable: two spawns). Namespaces
 * are addressed by a file (a container's persistent namespace, see netns.ts, or
 * `/proc/<pid>/ns/net`). Reads that
 * do not need iproute2 (does a link exist, which links start with a prefix) come from
 * `/proc/net/dev`, which always shows the reading process's own network namespace.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { run } from '../../lib/exec.js';
import { internal, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { NetKernel } from './parts.js';
import { createNetnsFiles } from './netns.js';
import { createRtnl, type Rtnl } from './rtnl.js';

/** What the kernel plumbing is built from. */
export interface NetKernelDeps {
  log: Logger;
}

/** Turns ip's stderr into one message: drops the "Command failed -:N" trailer of batch mode. */
export function ipMessage(stderr: string, stdout = ''): string {
  const lines = (stderr || stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Command failed /.test(l));
  return lines.join('; ') || 'ip failed';
}

/**
 * Rejects a word that would break an `ip -batch` line (whitespace, quotes, empty) so nothing a
 * client sends can smuggle a second command into the batch. Throws Internal.
 */
export function batchWord(what: string, v: string): string {
  if (!/^[A-Za-z0-9_.:/@%+-]+$/.test(v)) throw internal(`invalid ${what} for ip: ${JSON.stringify(v)}`);
  return v;
}

/** Parses the interface names out of `/proc/net/dev` text. */
export function parseProcNetDev(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n').slice(2)) {
    const i = line.indexOf(':');
    if (i > 0) names.push(line.slice(0, i).trim());
  }
  return names;
}

/** Destinations of `ip -4 -j route show table all` in CIDR form: no default, broadcast or multicast routes; deduplicated. */
export function parseRoutes(json: string): string[] {
  let routes: { dst?: string; type?: string }[];
  try {
    routes = JSON.parse(json) as { dst?: string; type?: string }[];
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const r of Array.isArray(routes) ? routes : []) {
    if (!r.dst || r.dst === 'default' || r.type === 'broadcast' || r.type === 'multicast') continue;
    if (r.dst.includes(':')) continue;
    out.add(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
  }
  return [...out];
}

/**
 * Lines of the container-side batch: loopback up (a namespace made before its process has it
 * down, and no runtime brings it up in a namespace it joins), address, link up, default route. An IPv4-only interface
 * gets no IPv6 link-local address (`addrgenmode none`, as recent Docker disables IPv6 on
 * IPv4-only endpoints): it saves the kernel's IPv6 setup on link-up and a failed DAD in
 * hairpin mode.
 */
function insideLines(ifname: string, cidr: string, gateway?: string): string[] {
  const lines = ['link set lo up', `addr add ${batchWord('address', cidr)} dev ${ifname}`];
  if (!cidr.includes(':')) lines.push(`link set ${ifname} addrgenmode none`);
  lines.push(`link set ${ifname} up`);
  if (gateway) lines.push(`route add default via ${batchWord('gateway', gateway)} dev ${ifname}`);
  return lines;
}

/**
 * Builds the kernel plumbing (see NetKernel in parts.ts). Host veths get hairpin mode (a
 * container reaching its own published port through the host). route_localnet on bridges is
 * the firewall's business (it sets it once its guard rule is in place).
 */
export function createNetKernel(deps: NetKernelDeps): NetKernel {
  const log = deps.log;
  const netns = createNetnsFiles({ log });
  let rtnl: Rtnl | undefined | null = null;
  const netlink = () => (rtnl === null ? (rtnl = createRtnl({ log })) : rtnl);

  /** Runs one batch on the host (no namespace) or in the namespace file `ns`; resolves to ip's error message or undefined. */
  async function batch(lines: string[], ns?: string): Promise<string | undefined> {
    const input = lines.join('\n') + '\n';
    const r = ns === undefined
      ? await run('ip', ['-batch', '-'], { input })
      : await run('nsenter', [`--net=${ns}`, 'ip', '-batch', '-'], { input });
    if (r.code === 0) return undefined;
    return ipMessage(r.stderr, r.stdout);
  }

  async function links(): Promise<string[]> {
    try {
      return parseProcNetDev(await readFile('/proc/net/dev', 'utf8'));
    } catch {
      const r = await run('ip', ['-j', 'link', 'show']).catch(() => undefined);
      if (!r || r.code !== 0) return [];
      try {
        return (JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname);
      } catch {
        return [];
      }
    }
  }

  async function linkExists(name: string): Promise<boolean> {
    return (await links()).includes(name);
  }

  /** Whether existing link `name` is a bridge: sysfs first, `ip -d -j link` when sysfs does not know it. */
  async function isBridge(name: string): Promise<boolean> {
    try {
      await readFile(`/sys/class/net/${name}/bridge/stp_state`, 'utf8');
      return true;
    } catch { /* not a bridge, or sysfs of another namespace: ask ip */ }
    const r = await run('ip', ['-d', '-j', 'link', 'show', 'dev', name]);
    if (r.code !== 0) return false;
    try {
      const info = JSON.parse(r.stdout) as { linkinfo?: { info_kind?: string } }[];
      return info[0]?.linkinfo?.info_kind === 'bridge';
    } catch {
      return false;
    }
  }

  async function sysctl(key: string, value: string): Promise<void> {
    if (key.split('/').includes('..') || key.startsWith('/')) {
      log.warn('sysctl key refused', { key });
      return;
    }
    try {
      await writeFile(`/proc/sys/${key}`, value);
    } catch (e) {
      log.warn('sysctl failed', { key, value, err: (e as Error).message });
    }
  }

  async function deleteLink(name: string): Promise<void> {
    const nl = netlink();
    if (nl) {
      await nl.deleteLink(name).catch((e: Error) => {
        if (!/No such device/.test(e.message)) log.debug('link delete failed', { name, err: e.message });
      });
      return;
    }
    try {
      if (!(await linkExists(name))) return;
      const err = await batch([`link del ${batchWord('link name', name)}`]);
      if (err) log.debug('link delete failed', { name, err });
    } catch (e) {
      log.debug('link delete failed', { name, err: (e as Error).message });
    }
  }

  return {
    async ensureBridge(o) {
      const name = batchWord('bridge name', o.name);
      const lines: string[] = [];
      if (await linkExists(name)) {
        if (!(await isBridge(name))) throw internal(`device ${name} exists and is not a bridge`);
      } else {
        // A fixed MAC: otherwise the bridge takes the lowest of its ports' MACs, which changes as
        // containers come and go and leaves containers' ARP entries for the gateway stale.
        lines.push(`link add name ${name} address ${bridgeMac()} type bridge`);
      }
      lines.push(`link set ${name} mtu ${Math.trunc(o.mtu)}`);
      for (const a of o.addresses) lines.push(`addr replace ${batchWord('address', a)} dev ${name}`);
      lines.push(`link set ${name} up`);
      let err = await batch(lines);
      if (err && /File exists/.test(err) && lines[0]!.startsWith('link add') && (await isBridge(name))) {
        err = await batch(lines.slice(1)); // created meanwhile by a concurrent call
      }
      if (err) throw internal(`failed to set up bridge ${name}: ${err}`);
    },

    deleteLink,

    async addVeth(o) {
      const host = batchWord('veth name', o.hostIfname);
      const ifname = batchWord('interface name', o.ifname);
      const mtu = Math.trunc(o.mtu);
      const ns = batchWord('network namespace', o.netns);
      const t0 = performance.now();
      const nl = netlink();
      if (nl) {
        try {
          await nl.addVeth({ ...o, netns: ns, hostIfname: host, ifname, bridge: batchWord('bridge name', o.bridge) });
        } catch (e) {
          await deleteLink(host);
          throw internal(`failed to add the host (${host}) <=> sandbox (${ifname}) pair interfaces: ${(e as Error).message}`);
        }
        log.debug('veth added', { host, netns: ns, netlinkMs: Math.round((performance.now() - t0) * 10) / 10 });
        return;
      }
      const err = await batch([
        `link add ${host} mtu ${mtu} type veth peer name ${ifname} mtu ${mtu} address ${batchWord('mac address', o.mac)} netns ${ns}`,
        `link set ${host} addrgenmode none`,
        `link set ${host} master ${batchWord('bridge name', o.bridge)} up`,
        // Hairpin: a container reaching its own published port through the host comes back out of its own port.
        `link set ${host} type bridge_slave hairpin on`,
      ]);
      if (err) {
        await deleteLink(host);
        throw internal(`failed to add the host (${host}) <=> sandbox (${ifname}) pair interfaces: ${err}`);
      }
      const t1 = performance.now();
      const inner = await batch(insideLines(ifname, o.cidr, o.gateway), ns).catch((e: Error) => e.message);
      if (inner) {
        await deleteLink(host);
        throw internal(`failed to configure ${ifname} in the network namespace ${ns}: ${inner}`);
      }
      log.debug('veth added', { host, netns: ns, hostMs: Math.round(t1 - t0), insideMs: Math.round(performance.now() - t1) });
    },

    async addMacvlan(o) {
      const parent = batchWord('parent interface', o.parent);
      if (!(await linkExists(parent))) throw notFound(`-o parent interface was not found on the host: ${parent}`);
      const ifname = batchWord('interface name', o.ifname);
      const ns = batchWord('network namespace', o.netns);
      // A macvlan cannot be larger than its parent: the parent's MTU caps the network's.
      const parentMtu = Number((await readFile(`/sys/class/net/${parent}/mtu`, 'utf8').catch(() => '')).trim()) || Infinity;
      const mtu = Math.min(Math.trunc(o.mtu), parentMtu);
      const err = await batch([
        `link add link ${parent} name ${ifname} mtu ${mtu} address ${batchWord('mac address', o.mac)} netns ${ns} type macvlan mode ${batchWord('macvlan mode', o.mode || 'bridge')}`,
      ]);
      if (err) {
        if (/Cannot find device/.test(err)) throw notFound(`-o parent interface was not found on the host: ${parent}`);
        throw internal(`failed to create the macvlan port: ${err}`);
      }
      const inner = await batch(insideLines(ifname, o.cidr, o.gateway), ns).catch((e: Error) => e.message);
      if (inner) {
        await batch([`link del ${ifname}`], ns).catch(() => undefined);
        throw internal(`failed to configure ${ifname} in the network namespace ${ns}: ${inner}`);
      }
    },

    async deleteInContainer(ns, ifname) {
      try {
        const err = await batch([`link del ${batchWord('interface name', ifname)}`], batchWord('network namespace', ns));
        if (err) log.debug('container link delete failed', { netns: ns, ifname, err });
      } catch (e) {
        log.debug('container link delete failed', { netns: ns, ifname, err: (e as Error).message });
      }
    },

    createNetns: (file) => netns.create(file),
    removeNetns: (file) => netns.remove(file),

    async listLinks(prefix) {
      return (await links()).filter((n) => n.startsWith(prefix));
    },

    async hostRoutes() {
      try {
        const r = await run('ip', ['-4', '-j', 'route', 'show', 'table', 'all']);
        return r.code === 0 ? parseRoutes(r.stdout) : [];
      } catch {
        return [];
      }
    },

    linkExists,
    sysctl,
  };
}

/** A random locally administered unicast MAC for a bridge. */
function bridgeMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
