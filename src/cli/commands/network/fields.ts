/** The template fields of one network in `network ls`, as docker's networkContext exposes them. */
import type { NetworkInspect } from '../../../api/network-types.js';
import { GoTime, goMap, goMethod, goTimeString } from '../../format/index.js';


/** docker's network context: ID (12 hex unless `noTrunc`), Name, Driver, Scope, IPv4, IPv6, Internal, Labels, CreatedAt and Label(k). */
export function networkFields(n: NetworkInspect & { EnableIPv4?: boolean }, noTrunc: boolean): Record<string, unknown> {
  const labels = n.Labels ?? {};
  return {
    CreatedAt: goTimeString(n.Created),
    Driver: n.Driver,
    ID: noTrunc ? n.Id : n.Id.slice(0, 12),
    IPv4: String(n.EnableIPv4 === true),
    IPv6: String(n.EnableIPv6 === true),
    Internal: String(n.Internal === true),
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    Name: n.Name,
    Scope: n.Scope,
    Label: goMethod((k: string) => labels[k] ?? '', ['string']),
  };
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

/**
 * A network as docker 28's templates see it: its `network.Inspect` struct, fields in struct order,
 * missing ones zero-valued (EnableIPv4 false, empty maps as nil), Peers/Services only when set.
 * Used for `network inspect -f` (the plain and `json` outputs stay the daemon's raw JSON).
 */
export function networkTemplateData(raw: unknown): Raw {
  const n = obj(raw);
  const ipam = obj(n.IPAM);
  const pool = (p: unknown): Raw => {
    const c = obj(p);
    const aux = c.AuxiliaryAddresses as Raw | null | undefined;
    return {
      ...(c.Subnet ? { Subnet: c.Subnet } : {}),
      ...(c.IPRange ? { IPRange: c.IPRange } : {}),
      ...(c.Gateway ? { Gateway: c.Gateway } : {}),
      ...(aux && Object.keys(aux).length ? { AuxiliaryAddresses: aux } : {}),
    };
  };
  const endpoint = (e: unknown): Raw => {
    const x = obj(e);
    return { Name: x.Name ?? '', EndpointID: x.EndpointID ?? '', MacAddress: x.MacAddress ?? '', IPv4Address: x.IPv4Address ?? '', IPv6Address: x.IPv6Address ?? '' };
  };
  const containers = n.Containers == null ? null : Object.fromEntries(Object.entries(obj(n.Containers)).map(([k, v]) => [k, endpoint(v)]));
  return {
    Name: n.Name ?? '',
    Id: n.Id ?? '',
    Created: new GoTime(String(n.Created ?? '0001-01-01T00:00:00Z')),
    Scope: n.Scope ?? '',
    Driver: n.Driver ?? '',
    EnableIPv4: n.EnableIPv4 === true,
    EnableIPv6: n.EnableIPv6 === true,
    IPAM: { Driver: ipam.Driver ?? '', Options: goMap(ipam.Options ?? null), Config: Array.isArray(ipam.Config) ? ipam.Config.map(pool) : null },
    Internal: n.Internal === true,
    Attachable: n.Attachable === true,
    Ingress: n.Ingress === true,
    ConfigFrom: { Network: obj(n.ConfigFrom).Network ?? '' },
    ConfigOnly: n.ConfigOnly === true,
    Containers: containers,
    Options: n.Options ?? null,
    Labels: n.Labels ?? null,
    ...(Array.isArray(n.Peers) && n.Peers.length ? { Peers: n.Peers } : {}),
    ...(n.Services && Object.keys(obj(n.Services)).length ? { Services: n.Services } : {}),
  };
}
