/**
 * Network endpoints of the Engine API (`/networks…`) as typed calls. Every method throws
 * ApiError with the daemon's message on a non-2xx answer and ConnectError when the daemon is
 * unreachable.
 */
import type { Transport } from './transport.js';
import { encodeFilters, type FilterArgs } from './containers.js';
import type { NetworkCreateRequest, NetworkInspect } from '../api/network-types.js';
import type { EndpointSettings } from '../api/types.js';

export type { NetworkCreateRequest, NetworkInspect } from '../api/network-types.js';

const enc = encodeURIComponent;

/** Typed network calls bound to one transport. */
export class NetworksApi {
  constructor(private readonly t: Transport) {}

  /** GET /networks. */
  list(filters?: FilterArgs): Promise<NetworkInspect[]> {
    return this.t.json('GET', '/networks', { query: { filters: encodeFilters(filters) } });
  }
  /** POST /networks/create. */
  create(body: NetworkCreateRequest): Promise<{ Id: string; Warning?: string }> {
    return this.t.json('POST', '/networks/create', { body });
  }
  /** GET /networks/{id}. */
  inspect(ref: string, opts: { verbose?: boolean; scope?: string } = {}): Promise<NetworkInspect> {
    return this.t.json('GET', `/networks/${enc(ref)}`, { query: { verbose: opts.verbose || undefined, scope: opts.scope } });
  }
  /** GET /networks/{id} as raw JSON (inspect output fidelity). */
  inspectRaw(ref: string, opts: { verbose?: boolean } = {}): Promise<unknown> {
    return this.t.json('GET', `/networks/${enc(ref)}`, { query: { verbose: opts.verbose || undefined } });
  }
  /** DELETE /networks/{id}. */
  remove(ref: string): Promise<number> {
    return this.t.call('DELETE', `/networks/${enc(ref)}`);
  }
  /** POST /networks/{id}/connect. */
  connect(ref: string, container: string, endpointConfig?: EndpointSettings): Promise<number> {
    return this.t.call('POST', `/networks/${enc(ref)}/connect`, { body: { Container: container, EndpointConfig: endpointConfig ?? {} } });
  }
  /** POST /networks/{id}/disconnect. */
  disconnect(ref: string, container: string, force = false): Promise<number> {
    return this.t.call('POST', `/networks/${enc(ref)}/disconnect`, { body: { Container: container, Force: force } });
  }
  /** POST /networks/prune. */
  prune(filters?: FilterArgs): Promise<{ NetworksDeleted: string[] | null }> {
    return this.t.json('POST', '/networks/prune', { query: { filters: encodeFilters(filters) } });
  }
}
