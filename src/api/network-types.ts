/** Engine API wire types of networks (`/networks…`), Docker's 1.44 shapes. */

/** One IPAM pool of a network (`IPAM.Config[]`). */
export interface IPAMPool {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string> | null;
}

/** `IPAM` of a network. */
export interface IPAM {
  Driver: string;
  Options: Record<string, string> | null;
  Config: IPAMPool[] | null;
}

/** One container in `GET /networks/{id}` `Containers`. */
export interface NetworkContainer {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  /** CIDR form, e.g. "172.18.0.2/16". */
  IPv4Address: string;
  IPv6Address: string;
}

/** A network as `GET /networks/{id}` and `GET /networks` return it. */
export interface NetworkInspect {
  Name: string;
  Id: string;
  /** RFC3339Nano. */
  Created: string;
  Scope: 'local' | 'swarm' | 'global';
  Driver: string;
  EnableIPv6: boolean;
  IPAM: IPAM;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  /** Present in inspect (and in list on API < 1.28 only with verbose); `{}` when none. */
  Containers?: Record<string, NetworkContainer>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** Body of `POST /networks/create`. */
export interface NetworkCreateRequest {
  Name: string;
  /** Ignored since API 1.44 (always checked), accepted for older clients. */
  CheckDuplicate?: boolean;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network?: string } | null;
  IPAM?: { Driver?: string; Config?: IPAMPool[] | null; Options?: Record<string, string> | null } | null;
  EnableIPv6?: boolean | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** Body of `POST /networks/{id}/connect`. */
export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: import('./types.js').EndpointSettings | null;
}

/** Body of `POST /networks/{id}/disconnect`. */
export interface NetworkDisconnectRequest {
  Container: string;
  Force?: boolean;
}
