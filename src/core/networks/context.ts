/**
 * The state the network service's modules share (service.ts builds it; sandbox-ops.ts and
 * kernel-state.ts work on it): records, address pools, live sandboxes, the name tables and the
 * parts.
 */
import type { RecordStore } from '../metadata/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../../lib/log.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { DnsServer, Firewall, NetKernel, PortReservations } from './parts.js';
import type { NetworkServiceOptions } from './index.js';
import type { NetworkRecord } from './records.js';
import type { AddressPool } from './ipam.js';
import type { NameTable } from './names.js';
import type { Sandbox, SandboxFiles } from './endpoints.js';

/** Everything the service's parts share. */
export interface NetContext {
  opts: NetworkServiceOptions;
  log: Logger;
  events: EventBus;
  kernel: NetKernel;
  firewall: Firewall;
  ports: PortReservations;
  dns: DnsServer;
  records: RecordStore<NetworkRecord>;
  /** networkId → its IPv4 pool. */
  pools: Map<string, AddressPool>;
  /** containerId → live sandbox (prepared or activated). */
  sandboxes: Map<string, Sandbox>;
  files: SandboxFiles;
  names: NameTable;
  /** Per-container operations. */
  lock: KeyedLock;
  /** Network ids being removed (prepare/connect refuse them). */
  removing: Set<string>;
  mtu: number;
  /** Default bridge device (`--bridge`), "none" when disabled. */
  bridgeDevice: string;
  /** Finds a network by id, name or unique id prefix. Throws NotFound/InvalidArgument. */
  find(ref: string): NetworkRecord;
  /** Makes a network's kernel state exist (bridge, DNS listener); memoised. Throws Internal. */
  ensureNet(rec: NetworkRecord): Promise<void>;
  /** Recomputes and applies the firewall (coalesced, serialised). Throws Internal. */
  applyFirewall(): Promise<void>;
}
