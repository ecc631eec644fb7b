/**
 * Pure: a FirewallState → the nft script that replaces the daemon's table in one transaction.
 *
 * Layout of table `ip <name>`:
 * - `localnet` (filter, raw): packets from a bridge to 127.0.0.0/8 are dropped. Each bridge has
 *   route_localnet=1 (so the host's 127.0.0.1 can be DNAT'ed to containers), which would
 *   otherwise let a container reach the host's loopback-only services through its gateway.
 * - `prerouting` (nat, dstnat): DNS redirects for bridges whose embedded server could not bind
 *   port 53, then published ports for traffic to a local address (`fib daddr type local`):
 *   from outside, and hairpin from containers through the host's address.
 * - `output` (nat, -100): published ports for the host's own traffic to its local addresses,
 *   127.0.0.1 included (each bridge has route_localnet=1).
 * - `published`: one DNAT rule per published port (IPv4 host addresses only; ports on internal
 *   networks are not published, as in Docker).
 * - `postrouting` (nat, srcnat): DNAT'ed traffic leaving through a bridge that came from
 *   127.0.0.0/8 or from that bridge's own subnet is masqueraded (loopback and hairpin: the reply
 *   must come back through the host); the subnet leaving through another interface is
 *   masqueraded when the network asks for it and is not internal.
 * - `forward` (filter): internal networks neither send nor receive forwarded traffic;
 *   connections to published ports (`ct status dnat`) are accepted; other traffic between two
 *   pier bridges is dropped; `icc: false` drops traffic within the bridge (effective for bridged
 *   frames only when br_netfilter is loaded, as in Docker).
 */
import { internal } from '../../lib/errors.js';
import type { FirewallNetwork, FirewallPort, FirewallState } from './parts.js';

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `s` is a dotted-quad IPv4 address. */
export function isIPv4(s: string): boolean {
  return ipv4.test(s);
}

function ifname(s: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(s)) throw internal(`invalid interface name for nft: ${JSON.stringify(s)}`);
  return `"${s}"`;
}

function addr(s: string): string {
  if (!isIPv4(s)) throw internal(`invalid IPv4 address for nft: ${JSON.stringify(s)}`);
  return s;
}

function cidr(s: string): string {
  const [a, len, ...rest] = s.split('/');
  const n = Number(len);
  if (rest.length || !isIPv4(a ?? '') || !/^\d{1,2}$/.test(len ?? '') || n > 32) throw internal(`invalid IPv4 subnet for nft: ${JSON.stringify(s)}`);
  return s;
}

function port(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw internal(`invalid port for nft: ${n}`);
  return n;
}

function table(s: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(s)) throw internal(`invalid nft table name: ${JSON.stringify(s)}`);
  return s;
}

/** The match of one published port: host address (when given) and transport port. */
function portMatch(p: FirewallPort): string {
  const host = p.hostIp === '' || p.hostIp === '0.0.0.0' ? '' : `ip daddr ${addr(p.hostIp)} `;
  return `${host}${p.proto} dport ${port(p.hostPort)}`;
}

/** Whether a port's host address is one the ip-family table can match (all, or an IPv4 address). */
function ipv4Host(p: FirewallPort): boolean {
  return p.hostIp === '' || p.hostIp === '0.0.0.0' || isIPv4(p.hostIp);
}

function publishedRules(ports: FirewallPort[], internalBridges: Set<string>): string[] {
  return ports
    .filter((p) => ipv4Host(p) && !internalBridges.has(p.bridge))
    .map((p) => `${portMatch(p)} counter dnat to ${addr(p.containerIp)}:${port(p.containerPort)}`);
}

function postroutingRules(nets: FirewallNetwork[]): string[] {
  const rules: string[] = [];
  for (const n of nets) {
    if (n.internal) continue;
    rules.push(`oifname ${ifname(n.bridge)} ct status dnat ip saddr { 127.0.0.0/8, ${cidr(n.subnet)} } counter masquerade`);
  }
  for (const n of nets) {
    if (n.internal || !n.masquerade) continue;
    rules.push(`ip saddr ${cidr(n.subnet)} oifname != ${ifname(n.bridge)} counter masquerade`);
  }
  return rules;
}

function forwardRules(nets: FirewallNetwork[]): string[] {
  const rules: string[] = [];
  const bridges = [...new Set(nets.map((n) => n.bridge))];
  for (const n of nets) {
    if (!n.internal) continue;
    rules.push(`iifname ${ifname(n.bridge)} oifname != ${ifname(n.bridge)} drop`);
    rules.push(`oifname ${ifname(n.bridge)} iifname != ${ifname(n.bridge)} drop`);
  }
  rules.push('ct status dnat accept');
  for (const b of bridges) {
    const others = bridges.filter((o) => o !== b);
    if (others.length === 0) continue;
    const set = others.length === 1 ? ifname(others[0]!) : `{ ${others.map(ifname).join(', ')} }`;
    rules.push(`iifname ${ifname(b)} oifname ${set} drop`);
  }
  for (const n of nets) {
    if (!n.icc) rules.push(`iifname ${ifname(n.bridge)} oifname ${ifname(n.bridge)} drop`);
  }
  return rules;
}

function localnetRules(nets: FirewallNetwork[]): string[] {
  const bridges = [...new Set(nets.map((n) => n.bridge))];
  if (bridges.length === 0) return [];
  const set = bridges.length === 1 ? ifname(bridges[0]!) : `{ ${bridges.map(ifname).join(', ')} }`;
  return [`iifname ${set} ip daddr 127.0.0.0/8 drop`];
}

function chain(name: string, head: string | undefined, rules: string[]): string {
  const body = [...(head ? [head] : []), ...rules].map((r) => `\t\t${r}\n`).join('');
  return `\tchain ${name} {\n${body}\t}\n`;
}

/**
 * The nft script (for `nft -f -`) that makes table `ip <tableName>` equal `state` in one
 * transaction: create it if missing, delete it, define it again. Throws Internal when a name,
 * address or port in `state` is malformed (nothing is applied then).
 */
export function renderFirewall(tableName: string, state: FirewallState): string {
  const t = table(tableName);
  const internalBridges = new Set(state.networks.filter((n) => n.internal).map((n) => n.bridge));
  const dns = state.dnsRedirects.flatMap((d) =>
    (['udp', 'tcp'] as const).map(
      (proto) => `iifname ${ifname(d.bridge)} ip daddr ${addr(d.ip)} ${proto} dport 53 dnat to ${addr(d.ip)}:${port(d.port)}`,
    ),
  );
  return (
    `table ip ${t} {}\n` +
    `delete table ip ${t}\n` +
    `table ip ${t} {\n` +
    chain('localnet', 'type filter hook prerouting priority raw; policy accept;', localnetRules(state.networks)) +
    chain('prerouting', 'type nat hook prerouting priority dstnat; policy accept;', [...dns, 'fib daddr type local jump published']) +
    chain('output', 'type nat hook output priority -100; policy accept;', ['fib daddr type local jump published']) +
    chain('published', undefined, publishedRules(state.ports, internalBridges)) +
    chain('postrouting', 'type nat hook postrouting priority srcnat; policy accept;', postroutingRules(state.networks)) +
    chain('forward', 'type filter hook forward priority filter; policy accept;', forwardRules(state.networks)) +
    `}\n`
  );
}

/** The nft script that deletes table `ip <tableName>` (creating it first so a missing table is no error). */
export function renderDestroy(tableName: string): string {
  const t = table(tableName);
  return `table ip ${t} {}\ndelete table ip ${t}\n`;
}
