/**
 * Network routes: `GET /networks` (filters), `GET /networks/{id}` (`verbose`, `scope`),
 * `POST /networks/create` (201 `{Id, Warning}`), `DELETE /networks/{id}` (204),
 * `POST /networks/{id}/connect` and `/disconnect` (200, through the container service),
 * `POST /networks/prune`. Thin: HTTP ⇄ NetworkService / ContainerService.
 */
import type { Handler, RequestContext } from '../context.js';
import { readJSON, sendEmpty, sendJSON } from '../context.js';
import type { Router } from '../router.js';
import { parseFilters } from '../../api/filters.js';
import { strParam } from '../../api/query.js';
import { invalidArgument, notFound, notImplemented } from '../../lib/errors.js';
import type { NetworkService } from '../../core/networks/index.js';
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from '../../api/network-types.js';

function networksOf(ctx: RequestContext): NetworkService {
  const n = ctx.backend.networks;
  if (!n) throw notImplemented('networks are not available in this engine');
  return n;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// A backend without networks (test backends) has none: empty lists, 404 lookups, 501 creates.

const list: Handler = async (ctx) => {
  const filters = parseFilters(ctx.query.get('filters'));
  sendJSON(ctx, 200, ctx.backend.networks ? ctx.backend.networks.list({ filters }) : []);
};

const inspect: Handler = async (ctx) => {
  const id = ctx.params.id!;
  if (!ctx.backend.networks) throw notFound(`network ${id} not found`);
  const net = ctx.backend.networks.inspect(id);
  const scope = strParam(ctx.query, 'scope');
  // moby: a scope that does not match the network's is "not found".
  if (scope && scope !== net.Scope) throw notFound(`network ${id} not found`);
  sendJSON(ctx, 200, net);
};

const create: Handler = async (ctx) => {
  const body = await readJSON<NetworkCreateRequest>(ctx, true);
  if (!isObject(body)) throw invalidArgument('invalid JSON body');
  if (body.Name !== undefined && typeof body.Name !== 'string') throw invalidArgument('invalid network name');
  sendJSON(ctx, 201, await networksOf(ctx).create(body as NetworkCreateRequest));
};

const remove: Handler = async (ctx) => {
  if (!ctx.backend.networks) throw notFound(`network ${ctx.params.id} not found`);
  await ctx.backend.networks.remove(ctx.params.id!);
  sendEmpty(ctx, 204);
};

const prune: Handler = async (ctx) => {
  const filters = parseFilters(ctx.query.get('filters'));
  sendJSON(ctx, 200, ctx.backend.networks ? await ctx.backend.networks.prune({ filters }) : { NetworksDeleted: null });
};

const connect: Handler = async (ctx) => {
  const body = await readJSON<NetworkConnectRequest>(ctx, true);
  if (!isObject(body) || typeof body.Container !== 'string') throw invalidArgument('invalid JSON body');
  const net = networksOf(ctx).resolve(ctx.params.id!);
  const containers = ctx.backend.containers;
  if (!containers.connectNetwork) throw notImplemented('network connect is not available in this engine');
  await containers.connectNetwork(body.Container, net.id, body.EndpointConfig ?? {});
  sendEmpty(ctx, 200);
};

const disconnect: Handler = async (ctx) => {
  const body = await readJSON<NetworkDisconnectRequest>(ctx, true);
  if (!isObject(body) || typeof body.Container !== 'string') throw invalidArgument('invalid JSON body');
  const containers = ctx.backend.containers;
  if (!containers.disconnectNetwork) throw notImplemented('network disconnect is not available in this engine');
  const force = !!body.Force;
  // A forced disconnect of a stopped container from a network that is gone is allowed (moby).
  let ref = ctx.params.id!;
  try {
    ref = networksOf(ctx).resolve(ref).id;
  } catch (e) {
    if (!force) throw e;
  }
  await containers.disconnectNetwork(body.Container, ref, force);
  sendEmpty(ctx, 200);
};

/** Registers the network routes; call before registerUnimplementedRoutes. */
export function registerNetworkRoutes(r: Router<Handler>): void {
  r.add('GET', '/networks', list)
    .add('POST', '/networks/create', create)
    .add('POST', '/networks/prune', prune)
    .add('GET', '/networks/{id}', inspect)
    .add('DELETE', '/networks/{id}', remove)
    .add('POST', '/networks/{id}/connect', connect)
    .add('POST', '/networks/{id}/disconnect', disconnect);
}
