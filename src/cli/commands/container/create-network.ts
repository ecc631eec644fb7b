/**
 * The network part of run/create, as docker 28 builds it: `--network` (repeatable; short form
 * `NAME` or long form `name=…,alias=…,ip=…,ip6=…,mac-address=…,link-local-ip=…,driver-opt=k=v,
 * gw-priority=N`), with the legacy flags (--ip, --ip6, --network-alias, --mac-address,
 * --link-local-ip, and --link on a user-defined network) applied to the first network, into
 * HostConfig.NetworkMode and NetworkingConfig.EndpointsConfig keyed by network name.
 */
import type { EndpointSettings } from '../../../api/types.js';
import type { ParsedOpts } from '../../spec.js';
import { UsageError } from '../../errors.js';
import { list, str } from '../common.js';
import { csvFields, sorted } from './create-parsers.js';
import { RunOptionError } from './create-ports.js';

/** One `--network` value. */
export interface NetworkAttachment {
  target: string;
  aliases: string[];
  links: string[];
  ipv4?: string;
  ipv6?: string;
  mac?: string;
  linkLocalIps: string[];
  driverOpts: Record<string, string>;
  gwPriority: number;
}

/** Whether a network mode names a user-defined network (not default, bridge, host, none, container:…). */
export function isUserDefined(mode: string): boolean {
  if (['default', 'bridge', 'host', 'none'].includes(mode)) return false;
  const i = mode.indexOf(':');
  return !(i >= 0 && mode.slice(0, i) === 'container');
}

/** Go's net.ParseMAC acceptance: 6, 8 or 20 bytes as `xx:…`/`xx-…`, or `xxxx.xxxx.…`. */
export function isMac(s: string): boolean {
  const groups = (sep: string, width: number) => {
    const parts = s.split(sep);
    const bytes = (parts.length * width) / 2;
    return [6, 8, 20].includes(bytes) && parts.every((p) => new RegExp(`^[0-9a-fA-F]{${width}}$`).test(p));
  };
  return groups(':', 2) || groups('-', 2) || groups('.', 4);
}

/**
 * Parses one `--network` value. Throws UsageError `invalid argument "v" for "--network" flag: …`
 * (docker's wording: `invalid field key x`, `invalid field x`, `network name/id is not specified`,
 * `invalid key value pair format in driver options`, `invalid gw-priority (x): invalid syntax`).
 */
export function parseNetworkValue(value: string): NetworkAttachment {
  const a: NetworkAttachment = { target: value, aliases: [], links: [], linkLocalIps: [], driverOpts: {}, gwPriority: 0 };
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) return a;
  const bad = (why: string) => new UsageError(`invalid argument "${value}" for "--network" flag: ${why}`);
  a.target = '';
  for (const field of csvFields(value)) {
    const i = field.indexOf('=');
    if (i < 0) throw bad(`invalid field ${field}`);
    const key = field.slice(0, i).trim().toLowerCase();
    const val = field.slice(i + 1).trim();
    switch (key) {
      case 'name': a.target = val; break;
      case 'alias': a.aliases.push(val); break;
      case 'ip': a.ipv4 = val; break;
      case 'ip6': a.ipv6 = val; break;
      case 'mac-address': a.mac = val; break;
      case 'link-local-ip': a.linkLocalIps.push(val); break;
      case 'driver-opt': {
        const j = val.indexOf('=');
        if (j < 0) throw bad('invalid key value pair format in driver options');
        a.driverOpts[val.slice(0, j).trim()] = val.slice(j + 1).trim();
        break;
      }
      case 'gw-priority': {
        if (!/^[+-]?\d+$/.test(val)) throw bad(`invalid gw-priority (${val}): invalid syntax`);
        a.gwPriority = Number(val);
        break;
      }
      default: throw bad(`invalid field key ${key}`);
    }
  }
  if (a.target === '') throw bad('network name/id is not specified');
  return a;
}

/** docker's applyContainerOptions: the legacy flags onto the first network. Throws RunOptionError for conflicts. */
function applyLegacy(n: NetworkAttachment, o: ParsedOpts): void {
  const aliases = list(o['network-alias']);
  const links = list(o.link);
  const ip = str(o.ip) ?? '';
  const ip6 = str(o.ip6) ?? '';
  const mac = str(o['mac-address']) ?? '';
  const ll = list(o['link-local-ip']);
  const conflict = (what: string) => new RunOptionError(`conflicting options: cannot specify both ${what}`);
  if (n.aliases.length && aliases.length) throw conflict('--network-alias and per-network alias');
  if (n.links.length && links.length) throw conflict('--link and per-network links');
  if (n.ipv4 && ip) throw conflict('--ip and per-network IPv4 address');
  if (n.ipv6 && ip6) throw conflict('--ip6 and per-network IPv6 address');
  if (n.mac && mac) throw conflict('--mac-address and per-network MAC address');
  if (n.linkLocalIps.length && ll.length) throw conflict('--link-local-ip and per-network link-local IP addresses');
  if (aliases.length) n.aliases = [...aliases];
  // On a user-defined network --link is an endpoint alias; on the default bridge a legacy link.
  if (isUserDefined(n.target) && links.length) n.links = [...links];
  if (ip) n.ipv4 = ip;
  if (ip6) n.ipv6 = ip6;
  if (mac) n.mac = mac;
  if (ll.length) n.linkLocalIps = [...ll];
}

/** The endpoint of one attachment, every field as docker marshals EndpointSettings (undefined: nothing to send). */
function endpointOf(n: NetworkAttachment): (EndpointSettings & { GwPriority: number }) | undefined {
  if (n.target.trim() === '') throw new RunOptionError('no name set for network');
  if (!isUserDefined(n.target)) {
    if (n.aliases.length) throw new RunOptionError('network-scoped aliases are only supported for user-defined networks');
    if (n.links.length) throw new RunOptionError('links are only supported for user-defined networks');
  }
  if (n.mac && !isMac(n.mac.trim())) throw new RunOptionError(`${n.mac} is not a valid mac address`);
  const ipam: NonNullable<EndpointSettings['IPAMConfig']> = {};
  if (n.ipv4) ipam.IPv4Address = n.ipv4;
  if (n.ipv6) ipam.IPv6Address = n.ipv6;
  if (n.linkLocalIps.length) ipam.LinkLocalIPs = n.linkLocalIps;
  return {
    IPAMConfig: n.ipv4 || n.ipv6 || n.linkLocalIps.length ? ipam : null,
    Links: n.links.length ? n.links : null,
    Aliases: n.aliases.length ? n.aliases : null,
    MacAddress: n.mac ?? '',
    DriverOpts: Object.keys(n.driverOpts).length ? sorted(n.driverOpts) : null,
    GwPriority: n.gwPriority,
    NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
    IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

const isEmpty = (ep: EndpointSettings & { GwPriority: number }): boolean =>
  !ep.IPAMConfig && !ep.Links && !ep.Aliases && !ep.MacAddress && !ep.DriverOpts && ep.GwPriority === 0;

/**
 * HostConfig.NetworkMode and NetworkingConfig.EndpointsConfig from the run/create flags.
 * Throws UsageError for a bad `--network` value and RunOptionError for docker's other
 * network errors (conflicts, aliases/links on a non-user-defined network, a bad MAC, a network
 * given twice, user-defined mixed with host/none/bridge/container).
 */
export function networkConfig(o: ParsedOpts): { mode: string; endpoints: Record<string, EndpointSettings> } {
  const values = [...list(o.network), ...list(o.net)].map(parseNetworkValue);
  const endpoints: Record<string, EndpointSettings> = {};
  if (values.length === 0) {
    const n = parseNetworkValue('default');
    applyLegacy(n, o);
    endpoints.default = endpointOf(n)!;
    return { mode: 'default', endpoints };
  }
  let user = false;
  let nonUser = false;
  values.forEach((n, i) => {
    if (isUserDefined(n.target)) user = true;
    else nonUser = true;
    if (i === 0) applyLegacy(n, o);
    const ep = endpointOf(n)!;
    if (n.target in endpoints) throw new RunOptionError(`network "${n.target}" is specified multiple times`);
    // A single network without options sends no endpoint (the daemon makes one).
    if (i === 0 && values.length === 1 && isEmpty(ep)) return;
    endpoints[n.target] = ep;
  });
  if (user && nonUser) throw new RunOptionError('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  return { mode: values[0]!.target, endpoints };
}
