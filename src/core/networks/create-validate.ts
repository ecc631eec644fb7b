/**
 * `POST /networks/create` validation and the record it produces, with Docker's rules and
 * messages: predefined names, drivers, scope, IPAM config (moby's ValidateIPAM wording, joined
 * as `invalid network config:\n* …`), overlap with other networks, automatic subnets, bridge
 * and macvlan options. Pure: the caller supplies host routes and the existing records.
 */
import { EngineError, conflict, invalidArgument, notFound, notImplemented, permissionDenied } from '../../lib/errors.js';
import type { IPAMPool, NetworkCreateRequest } from '../../api/network-types.js';
import { cidrContains, cidrOverlaps, cidrString, formatIPv4, parseCidr, parseIPv4, pickSubnet, type Cidr, type PoolSpec } from './ipam.js';
import { OPT, PREDEFINED_NAMES, parseGoBool, poolOf, type NetworkRecord } from './records.js';

/** What create validation needs to know about the daemon. */
export interface CreateContext {
  records: readonly NetworkRecord[];
  /** Host route destinations (automatic subnets avoid them; the default route is ignored). */
  hostRoutes: readonly Cidr[];
  pools: readonly PoolSpec[];
  id: string;
  now: Date;
}

const MACVLAN_MODES = ['bridge', 'private', 'vepa', 'passthru'];

/** Throws Docker's error for a request that cannot be a new network at all (before any I/O). */
export function checkCreateRequest(req: NetworkCreateRequest, records: readonly NetworkRecord[]): { driver: string } {
  const name = req.Name ?? '';
  if (PREDEFINED_NAMES.includes(name)) {
    throw new EngineError('PermissionDenied', `operation is not permitted on predefined ${name} network `);
  }
  if (name.trim() === '') throw invalidArgument('invalid name: name is empty');
  const driver = req.Driver || 'bridge';
  if (driver === 'host' || driver === 'null') throw permissionDenied(`only one instance of "${driver}" network is allowed`);
  if (driver === 'overlay') {
    throw permissionDenied('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
  }
  if (driver === 'ipvlan') throw notImplemented('pier does not support the ipvlan driver');
  if (driver !== 'bridge' && driver !== 'macvlan') throw notFound(`plugin "${driver}" not found`);
  if (req.Scope && req.Scope !== 'local') throw permissionDenied('cannot create a swarm scoped network when swarm is not active');
  if (req.Ingress) throw permissionDenied('Ingress network can only be global scope network');
  if (req.ConfigOnly || req.ConfigFrom?.Network) throw notImplemented('pier does not support configuration-only networks');
  if (req.EnableIPv6) throw notImplemented('pier does not support IPv6 networks');
  const ipamDriver = req.IPAM?.Driver || 'default';
  if (ipamDriver !== 'default') throw notFound(`plugin "${ipamDriver}" not found`);
  if (records.some((r) => r.name === name)) throw conflict(`network with name ${name} already exists`);
  return { driver };
}

/** moby's ValidateIPAM for the IPv4 configs; returns them (IPv6 ones dropped). Throws InvalidArgument. */
export function validateIpamConfig(config: readonly IPAMPool[]): IPAMPool[] {
  const errs: string[] = [];
  const out: IPAMPool[] = [];
  for (const c of config) {
    const subnetText = c.Subnet ?? '';
    if (subnetText.includes(':')) continue; // IPv6 without --ipv6: ignored, as Docker
    const p = parseCidr(subnetText);
    if (!p) {
      errs.push(`invalid subnet ${subnetText}: invalid CIDR block notation`);
      continue;
    }
    if (p.addr !== p.cidr.base) errs.push(`invalid subnet ${subnetText}: it should be ${cidrString(p.cidr)}`);
    if (c.IPRange) {
      const r = parseCidr(c.IPRange);
      if (!r) errs.push(`invalid ip-range ${c.IPRange}: invalid CIDR block notation`);
      else {
        if (r.cidr.bits < p.cidr.bits) errs.push(`invalid ip-range ${c.IPRange}: CIDR block is bigger than its parent subnet ${cidrString(p.cidr)}`);
        if (r.addr !== r.cidr.base) errs.push(`invalid ip-range ${c.IPRange}: it should be ${cidrString(r.cidr)}`);
        if (!cidrOverlaps(r.cidr, p.cidr)) errs.push(`invalid ip-range ${c.IPRange}: parent subnet ${cidrString(p.cidr)} doesn't contain ip-range`);
      }
    }
    const addrErr = (a: string): string | undefined => {
      if (a.includes(':')) return 'parent subnet is an IPv4 block';
      const n = parseIPv4(a);
      if (n === undefined) return 'invalid address';
      if (!cidrContains(p.cidr, n)) return `parent subnet ${cidrString(p.cidr)} doesn't contain this address`;
      return undefined;
    };
    if (c.Gateway) {
      const e = addrErr(c.Gateway);
      if (e) errs.push(`invalid gateway ${c.Gateway}: ${e}`);
    }
    for (const [k, a] of Object.entries(c.AuxiliaryAddresses ?? {})) {
      const e = addrErr(a);
      if (e) errs.push(`invalid auxiliary address ${k}: ${e}`);
    }
    out.push(c);
  }
  if (errs.length) throw invalidArgument(`invalid network config:\n* ${errs.join('\n* ')}`);
  return out;
}

/**
 * Builds the record of a new bridge or macvlan network. `checkCreateRequest` must have passed.
 * Throws InvalidArgument (IPAM config, options), PermissionDenied (pool overlap, `invalid pool
 * request: Pool overlaps with other one on this address space`), Conflict (bridge name or
 * macvlan parent used by another network), NotImplemented (several IPv4 subnets).
 */
export function buildNetworkRecord(req: NetworkCreateRequest, driver: string, ctx: CreateContext): NetworkRecord {
  const options: Record<string, string> = { ...(req.Options ?? {}) };
  for (const k of [OPT.icc, OPT.masquerade, 'com.docker.network.bridge.inhibit_ipv4', 'com.docker.network.enable_ipv4']) {
    if (options[k] !== undefined && parseGoBool(options[k]!) === undefined) throw invalidArgument(`driver-opt "${k}" is not a valid bool`);
  }
  if (options[OPT.mtu] !== undefined && !/^\d+$/.test(options[OPT.mtu]!)) throw invalidArgument(`invalid MTU number: ${options[OPT.mtu]}`);
  if (options['com.docker.network.enable_ipv4'] && parseGoBool(options['com.docker.network.enable_ipv4']) === false) {
    throw notImplemented('pier does not support networks without IPv4');
  }
  const configs = validateIpamConfig(req.IPAM?.Config ?? []);
  if (configs.length > 1) throw notImplemented('pier supports one IPv4 subnet per network');
  const others = ctx.records.flatMap((r) => {
    const p = poolOf(r);
    const c = p?.Subnet ? parseCidr(p.Subnet) : undefined;
    return c ? [c.cidr] : [];
  });
  let pool: IPAMPool;
  if (configs.length === 1) {
    const given = configs[0]!;
    const subnet = parseCidr(given.Subnet!)!.cidr;
    if (others.some((o) => cidrOverlaps(o, subnet))) {
      throw permissionDenied('invalid pool request: Pool overlaps with other one on this address space');
    }
    pool = { Subnet: given.Subnet!, ...(given.IPRange ? { IPRange: given.IPRange } : {}) };
    pool.Gateway = given.Gateway || formatIPv4(subnet.base + (subnet.bits >= 31 ? 0 : 1));
    if (given.AuxiliaryAddresses && Object.keys(given.AuxiliaryAddresses).length) pool.AuxiliaryAddresses = { ...given.AuxiliaryAddresses };
  } else {
    const routes = driver === 'bridge' ? ctx.hostRoutes.filter((r) => r.bits > 0) : [];
    const subnet = pickSubnet(ctx.pools, [...others, ...routes]);
    if (!subnet) throw invalidArgument('all predefined address pools have been fully subnetted');
    pool = { Subnet: cidrString(subnet), Gateway: formatIPv4(subnet.base + 1) };
  }
  const rec: NetworkRecord = {
    id: ctx.id,
    name: req.Name,
    driver,
    created: ctx.now.toISOString(),
    internal: !!req.Internal,
    attachable: !!req.Attachable,
    ingress: false,
    enableIPv6: false,
    options,
    labels: { ...(req.Labels ?? {}) },
    ipam: { driver: 'default', options: req.IPAM?.Options && Object.keys(req.IPAM.Options).length ? { ...req.IPAM.Options } : null, config: [pool] },
    predefined: false,
  };
  if (driver === 'bridge') {
    const dev = options[OPT.bridgeName] || `br-${ctx.id.slice(0, 12)}`;
    if (dev.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(dev)) throw invalidArgument(`invalid bridge name: ${dev}`);
    const user = ctx.records.find((r) => r.bridge === dev);
    if (user) throw conflict(`bridge name ${dev} is already used by network ${user.name}`);
    rec.bridge = dev;
  } else {
    const parent = options.parent;
    if (!parent) throw invalidArgument('pier requires the parent interface of a macvlan network: -o parent=<host interface>');
    const mode = options.macvlan_mode ?? 'bridge';
    if (!MACVLAN_MODES.includes(mode)) throw invalidArgument(`requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
    const user = ctx.records.find((r) => r.driver === 'macvlan' && r.options.parent === parent);
    if (user) throw permissionDenied(`network ${user.name} is already using parent interface ${parent}`);
  }
  return rec;
}
