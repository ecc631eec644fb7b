/** The NetworkInspect projection of a network record and its live endpoints (Docker's 1.44 shape). */
import type { NetworkContainer, NetworkInspect } from '../../api/network-types.js';
import type { EndpointState } from './index.js';
import type { NetworkRecord } from './records.js';

/** Docker's shape of one network; `endpoints` are the live endpoints on it (Containers). */
export function toNetworkInspect(r: NetworkRecord, endpoints: readonly EndpointState[]): NetworkInspect {
  const containers: Record<string, NetworkContainer> = {};
  for (const e of endpoints) {
    containers[e.containerId] = {
      Name: e.containerName,
      EndpointID: e.endpointId,
      MacAddress: e.mac,
      IPv4Address: `${e.ipv4}/${e.prefixLen}`,
      IPv6Address: '',
    };
  }
  return {
    Name: r.name,
    Id: r.id,
    Created: r.created,
    Scope: 'local',
    Driver: r.driver,
    EnableIPv6: r.enableIPv6,
    IPAM: {
      Driver: r.ipam.driver,
      Options: r.ipam.options,
      Config: r.ipam.config.map((c) => ({ ...c })),
    },
    Internal: r.internal,
    Attachable: r.attachable,
    Ingress: r.ingress,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: { ...r.options },
    Labels: { ...r.labels },
  };
}
