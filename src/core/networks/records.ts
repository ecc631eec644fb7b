/**
 * Network records (one JSON record per network in the metadata RecordStore under
 * `<data-root>/metadata/networks`) and the predefined networks `bridge`, `host` and `none`.
 */
import path from 'node:path';
import { newId } from '../../lib/ids.js';
import type { IPAMPool } from '../../api/network-types.js';
import { openRecordStore, type RecordStore } from '../metadata/index.js';

/** One network as stored (camelCase; projected to Docker's shape by inspect.ts). */
export interface NetworkRecord {
  id: string;
  name: string;
  /** bridge | host | null | macvlan. */
  driver: string;
  /** RFC 3339 with fraction. */
  created: string;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  enableIPv6: boolean;
  /** Options as Docker shows them (given ones; the default bridge's generated ones). */
  options: Record<string, string>;
  labels: Record<string, string>;
  ipam: { driver: string; options: Record<string, string> | null; config: IPAMPool[] };
  /** bridge, host, none. */
  predefined: boolean;
  /** Bridge device name (bridge driver only). */
  bridge?: string;
}

/** Names that are always predefined networks (plus `default`, an alias of the default bridge). */
export const PREDEFINED_NAMES: readonly string[] = ['bridge', 'host', 'none', 'default'];

/** Docker's option keys of the bridge driver. */
export const OPT = {
  bridgeName: 'com.docker.network.bridge.name',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  icc: 'com.docker.network.bridge.enable_icc',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  hostBinding: 'com.docker.network.bridge.host_binding_ipv4',
  mtu: 'com.docker.network.driver.mtu',
} as const;

/** Opens the network record store of a data root. Throws fs errors. */
export function openNetworkRecords(root: string): Promise<RecordStore<NetworkRecord>> {
  return openRecordStore<NetworkRecord>(path.join(root, 'metadata', 'networks'));
}

/** The settings the default bridge network is built from at each daemon start. */
export interface DefaultBridgeSettings {
  device: string;
  subnet: string;
  gateway: string;
  fixedCidr?: string;
  icc: boolean;
  masquerade: boolean;
  hostBindingIp: string;
  mtu: number;
}

/** The `bridge` record as Docker shows it, keeping `id` and `created` of an existing one. */
export function defaultBridgeRecord(s: DefaultBridgeSettings, prev: NetworkRecord | undefined, now: Date): NetworkRecord {
  const pool: IPAMPool = { Subnet: s.subnet, Gateway: s.gateway };
  if (s.fixedCidr) pool.IPRange = s.fixedCidr;
  return {
    id: prev?.id ?? newId(),
    name: 'bridge',
    driver: 'bridge',
    created: prev?.created ?? now.toISOString(),
    internal: false,
    attachable: false,
    ingress: false,
    enableIPv6: false,
    options: {
      [OPT.defaultBridge]: 'true',
      [OPT.icc]: String(s.icc),
      [OPT.masquerade]: String(s.masquerade),
      [OPT.hostBinding]: s.hostBindingIp || '0.0.0.0',
      [OPT.bridgeName]: s.device,
      [OPT.mtu]: String(s.mtu),
    },
    labels: {},
    ipam: { driver: 'default', options: null, config: [pool] },
    predefined: true,
    bridge: s.device,
  };
}

/** The `host` or `none` record (driver host / null), keeping an existing one's id. */
export function builtinRecord(name: 'host' | 'none', prev: NetworkRecord | undefined, now: Date): NetworkRecord {
  return {
    id: prev?.id ?? newId(),
    name,
    driver: name === 'host' ? 'host' : 'null',
    created: prev?.created ?? now.toISOString(),
    internal: false,
    attachable: false,
    ingress: false,
    enableIPv6: false,
    options: {},
    labels: {},
    ipam: { driver: 'default', options: null, config: [] },
    predefined: true,
  };
}

/** The IPv4 pool of a record (first IPAM config with a subnet), or undefined (host/none). */
export function poolOf(r: NetworkRecord): IPAMPool | undefined {
  return r.ipam.config.find((c) => c.Subnet);
}

/** Strict Go strconv.ParseBool; undefined for anything else. */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** Bridge-driver settings read from a record's options (defaults: icc and masquerade on, MTU `mtu`). */
export function bridgeSettingsOf(r: NetworkRecord, mtu: number): { icc: boolean; masquerade: boolean; mtu: number; hostBindingIp: string } {
  const o = r.options;
  const n = o[OPT.mtu] ? Number(o[OPT.mtu]) : 0;
  return {
    icc: o[OPT.icc] === undefined ? true : parseGoBool(o[OPT.icc]) !== false,
    masquerade: o[OPT.masquerade] === undefined ? true : parseGoBool(o[OPT.masquerade]) !== false,
    mtu: n > 0 ? n : mtu,
    hostBindingIp: o[OPT.hostBinding] ?? '',
  };
}
