/**
 * Contract of Pier's typed Engine API client: over a unix socket or tcp with node:http, with
 * version negotiation (`HEAD /_ping`, then `/v1.44/...` or lower), JSON calls, streams, hijacked
 * attach with stdcopy demux and JSON-lines progress. Used by `pier` and compose; never imports
 * core/.
 */
import { parseHost, pickHost, type Endpoint } from './host.js';
import { Transport } from './transport.js';
import { ContainersApi } from './containers.js';
import { ImagesApi } from './images.js';
import { SystemApi } from './system.js';
import { ExecApi } from './exec.js';
import { VolumesApi } from './volumes.js';
import { NetworksApi } from './networks.js';

export { DEFAULT_HOST, parseHost, pickHost, type Endpoint } from './host.js';
export { ApiError, ConnectError } from './errors.js';
export { Transport, CLIENT_API_VERSION, compareVersions, readAll, type Hijacked, type PingInfo, type RequestOptions } from './transport.js';
export { ContainersApi, encodeFilters, type FilterArgs, type WaitResponse, type LogsQuery, type AttachQuery } from './containers.js';
export { ImagesApi, encodeAuth, type DeleteItem } from './images.js';
export { SystemApi, type VersionResponse } from './system.js';
export { ExecApi, type ExecCreateRequest, type ExecInspect, type ChangeItem, type PathStat } from './exec.js';
export { VolumesApi, type VolumeInfo, type VolumeCreateBody } from './volumes.js';
export { NetworksApi, type NetworkCreateRequest, type NetworkInspect } from './networks.js';
export { createDemuxer, frame, type Demuxer, type FrameSink } from './stdcopy.js';
export { jsonLines, jsonLinesRaw } from './json-lines.js';

/** The client: one transport and the typed endpoint groups on it. */
export interface EngineClient {
  readonly endpoint: Endpoint;
  readonly transport: Transport;
  readonly containers: ContainersApi;
  readonly images: ImagesApi;
  readonly system: SystemApi;
  readonly exec: ExecApi;
  readonly volumes: VolumesApi;
  readonly networks: NetworksApi;
}

/** Options of createClient. */
export interface ClientOptions {
  /** `-H` value; falls back to PIER_HOST, DOCKER_HOST, then the default socket. */
  host?: string;
  /** Pins the API version (else negotiated; DOCKER_API_VERSION is honoured). */
  apiVersion?: string;
  userAgent?: string;
}

/** Dependencies of createClient. */
export interface ClientDeps {
  env: NodeJS.ProcessEnv;
}

/**
 * Creates a client. Nothing is sent until the first call. Throws InvalidArgument when the host
 * string cannot be parsed.
 */
export function createClient(deps: ClientDeps, options: ClientOptions = {}): EngineClient {
  const endpoint = parseHost(pickHost(options.host, deps.env));
  const transport = new Transport({ endpoint, apiVersion: options.apiVersion ?? (deps.env.DOCKER_API_VERSION || undefined), userAgent: options.userAgent });
  return { endpoint, transport, containers: new ContainersApi(transport), images: new ImagesApi(transport), system: new SystemApi(transport), exec: new ExecApi(transport), volumes: new VolumesApi(transport), networks: new NetworksApi(transport) };
}
