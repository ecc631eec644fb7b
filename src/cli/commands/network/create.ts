/**
 * `pier network create [OPTIONS] NETWORK`: builds the same `POST /networks/create` body as
 * docker 28 (empty maps and an empty IPAM config included, EnableIPv4/EnableIPv6 only when
 * given) and prints the new network's ID.
 */
import type { CommandSpec } from '../../spec.js';
import type { NetworkCreateRequest } from '../../../api/network-types.js';
import { compareVersions } from '../../../client/index.js';
import { csvFields, kvToMap, sorted } from '../container/create-parsers.js';
import { list, str } from '../common.js';
import { ipamConfig } from './ipam.js';

/** Values of a `strings` flag (each occurrence split like a CSV record, as pflag does). */
export function stringsFlag(v: unknown): string[] {
  return list(v).flatMap((s) => (s === '' ? [] : csvFields(s)));
}

/** The network create command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] NETWORK',
  description: 'Create a network',
  options: [
    { long: 'attachable', kind: 'bool', description: 'Enable manual container attachment' },
    { long: 'aux-address', kind: 'list', label: 'map', description: 'Auxiliary IPv4 or IPv6 addresses used by Network driver', helpDefault: 'map[]' },
    { long: 'config-from', kind: 'string', description: 'The network from which to copy the configuration' },
    { long: 'config-only', kind: 'bool', description: 'Create a configuration only network' },
    { long: 'driver', short: 'd', kind: 'string', description: 'Driver to manage the Network', helpDefault: '"bridge"' },
    { long: 'gateway', kind: 'list', label: 'strings', description: 'IPv4 or IPv6 Gateway for the master subnet' },
    { long: 'ingress', kind: 'bool', description: 'Create swarm routing-mesh network' },
    { long: 'internal', kind: 'bool', description: 'Restrict external access to the network' },
    { long: 'ip-range', kind: 'list', label: 'strings', description: 'Allocate container ip from a sub-range' },
    { long: 'ipam-driver', kind: 'string', description: 'IP Address Management Driver', helpDefault: '"default"' },
    { long: 'ipam-opt', kind: 'list', label: 'map', description: 'Set IPAM driver specific options', helpDefault: 'map[]' },
    { long: 'ipv4', kind: 'bool', description: 'Enable or disable IPv4 address assignment', helpDefault: 'true' },
    { long: 'ipv6', kind: 'bool', description: 'Enable or disable IPv6 address assignment' },
    { long: 'label', kind: 'list', description: 'Set metadata on a network' },
    { long: 'opt', short: 'o', kind: 'list', label: 'map', description: 'Set driver specific options', helpDefault: 'map[]' },
    { long: 'scope', kind: 'string', description: "Control the network's scope" },
    { long: 'subnet', kind: 'list', label: 'strings', description: 'Subnet in CIDR format that represents a network segment' },
  ],
  args: { exact: 1 },
  run: async (ctx, [name], o) => {
    const config = ipamConfig({
      subnets: stringsFlag(o.subnet),
      ipRanges: stringsFlag(o['ip-range']),
      gateways: stringsFlag(o.gateway),
      auxAddresses: kvToMap(list(o['aux-address'])),
    });
    const configFrom = str(o['config-from']);
    const body: NetworkCreateRequest & { EnableIPv4?: boolean } = {
      Driver: str(o.driver) ?? 'bridge',
      Scope: str(o.scope) ?? '',
      ...(typeof o.ipv4 === 'boolean' ? { EnableIPv4: o.ipv4 } : {}),
      ...(typeof o.ipv6 === 'boolean' ? { EnableIPv6: o.ipv6 } : {}),
      IPAM: { Driver: str(o['ipam-driver']) ?? 'default', Options: sorted(kvToMap(list(o['ipam-opt']))), Config: config },
      Internal: o.internal === true,
      Attachable: o.attachable === true,
      Ingress: o.ingress === true,
      ConfigOnly: o['config-only'] === true,
      ConfigFrom: configFrom ? { Network: configFrom } : null,
      Options: sorted(kvToMap(list(o.opt))),
      Labels: sorted(kvToMap(list(o.label))),
      Name: name!,
    };
    const c = ctx.client();
    // Daemons before API 1.44 only refuse a duplicate name when asked (docker's client asks).
    if (compareVersions(await c.transport.apiVersion(), '1.44') < 0) body.CheckDuplicate = true;
    const r = await c.networks.create(body);
    ctx.out(`${r.Id}\n`);
    return 0;
  },
};
