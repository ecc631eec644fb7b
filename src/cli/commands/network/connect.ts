/**
 * `pier network connect [OPTIONS] NETWORK CONTAINER`: sends the endpoint settings docker 28
 * sends (IPAM addresses, links, aliases, driver options, gateway priority).
 */
import type { CommandSpec } from '../../spec.js';
import type { EndpointSettings } from '../../../api/types.js';
import { CliError } from '../../errors.js';
import { list, str } from '../common.js';
import { stringsFlag } from './create.js';
import { sorted } from '../container/create-parsers.js';
import { validLinks } from '../container/create-dns.js';

/** `--driver-opt k=v` items as a map (keys sorted, as Go marshals). Throws CliError as docker does for an item without a key. */
export function driverOpts(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const it of items) {
    const i = it.indexOf('=');
    const k = (i < 0 ? it : it.slice(0, i)).trim();
    if (i < 0 || k === '') throw new CliError('invalid key/value pair format in driver options');
    out[k] = it.slice(i + 1).trim();
  }
  return sorted(out);
}

/** The endpoint settings of a connect, field for field what docker 28 marshals. Throws UsageError for a bad --link. */
export function connectEndpoint(o: Record<string, unknown>): EndpointSettings & { GwPriority: number } {
  const ipam: NonNullable<EndpointSettings['IPAMConfig']> = {};
  if (str(o.ip)) ipam.IPv4Address = str(o.ip);
  if (str(o.ip6)) ipam.IPv6Address = str(o.ip6);
  const ll = stringsFlag(o['link-local-ip']);
  if (ll.length) ipam.LinkLocalIPs = ll;
  const links = validLinks(list(o.link));
  return {
    IPAMConfig: ipam,
    Links: links.length ? links : null,
    Aliases: stringsFlag(o.alias),
    MacAddress: '',
    DriverOpts: driverOpts(stringsFlag(o['driver-opt'])),
    GwPriority: typeof o['gw-priority'] === 'number' ? o['gw-priority'] : 0,
    NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
    IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

/** The network connect command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  options: [
    { long: 'alias', kind: 'list', label: 'strings', description: 'Add network-scoped alias for the container' },
    { long: 'driver-opt', kind: 'list', label: 'strings', description: 'driver options for the network' },
    { long: 'gw-priority', kind: 'int', description: 'Highest gw-priority provides the default gateway. Accepts positive and negative values.' },
    { long: 'ip', kind: 'string', description: 'IPv4 address (e.g., "172.30.100.104")' },
    { long: 'ip6', kind: 'string', description: 'IPv6 address (e.g., "2001:db8::33")' },
    { long: 'link', kind: 'list', description: 'Add link to another container' },
    { long: 'link-local-ip', kind: 'list', label: 'strings', description: 'Add a link-local address for the container' },
  ],
  args: { exact: 2 },
  run: async (ctx, [net, ctr], o) => {
    await ctx.client().networks.connect(net!, ctr!, connectEndpoint(o));
    return 0;
  },
};
