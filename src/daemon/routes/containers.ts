/**
 * Container routes that answer in one piece: create, list, inspect, start, stop, restart,
 * kill, resize, rename, pause, unpause, remove, prune, top, and POST /commit. Thin: HTTP ⇄
 * ContainerService calls.
 */
import type { Handler } from '../context.js';
import { readJSON, sendEmpty, sendJSON } from '../context.js';
import type { Router } from '../router.js';
import type { ContainerCreateRequest } from '../../api/types.js';
import { parseFilters } from '../../api/filters.js';
import { boolParam, intParam, strParam } from '../../api/query.js';
import { invalidArgument, notImplemented } from '../../lib/errors.js';
import { adaptCreateRequest, adaptStopSignal } from '../version-adapters.js';

/**
 * Go decodes a JSON null into the zero value: docker-py (docker-compose v1) sends
 * `"StartPeriod": null` (and null Interval/Timeout/Retries when unset), which moby reads as 0.
 * Drops those nulls so the services see them as unset.
 */
function withoutHealthNulls(body: ContainerCreateRequest): ContainerCreateRequest {
  const hc = body.Healthcheck as Record<string, unknown> | null | undefined;
  if (!hc || typeof hc !== 'object') return body;
  const kept = Object.fromEntries(Object.entries(hc).filter(([, v]) => v !== null));
  return { ...body, Healthcheck: kept as ContainerCreateRequest['Healthcheck'] };
}

const create: Handler = async (ctx) => {
  const body = await readJSON<ContainerCreateRequest>(ctx, true);
  // moby: a body without any container config field (e.g. `{}`) has no Config at all.
  const configKeys = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).filter((k) => k !== 'HostConfig' && k !== 'NetworkingConfig') : [];
  if (configKeys.length === 0) throw invalidArgument('Config cannot be empty in order to create a container');
  const name = strParam(ctx.query, 'name');
  const platform = strParam(ctx.query, 'platform');
  const out = await ctx.backend.containers.create(name, adaptCreateRequest(withoutHealthNulls(body!), ctx.apiVersion), platform ? { platform } : undefined);
  sendJSON(ctx, 201, { Id: out.Id, Warnings: out.Warnings ?? [] });
};

const list: Handler = async (ctx) => {
  const q = ctx.query;
  const limit = intParam(q, 'limit');
  const out = await ctx.backend.containers.list({
    all: boolParam(q, 'all'),
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    size: boolParam(q, 'size'),
    filters: parseFilters(q.get('filters')),
  });
  sendJSON(ctx, 200, out);
};

const inspect: Handler = async (ctx) => {
  sendJSON(ctx, 200, await ctx.backend.containers.inspect(ctx.params.id, { size: boolParam(ctx.query, 'size') }));
};

const start: Handler = async (ctx) => {
  await ctx.backend.containers.start(ctx.params.id);
  sendEmpty(ctx, 204);
};

const stopOpts = (ctx: Parameters<Handler>[0]) => ({
  timeout: intParam(ctx.query, 't'),
  signal: adaptStopSignal(strParam(ctx.query, 'signal'), ctx.apiVersion),
});

const stop: Handler = async (ctx) => {
  await ctx.backend.containers.stop(ctx.params.id, stopOpts(ctx));
  sendEmpty(ctx, 204);
};

const restart: Handler = async (ctx) => {
  await ctx.backend.containers.restart(ctx.params.id, stopOpts(ctx));
  sendEmpty(ctx, 204);
};

const kill: Handler = async (ctx) => {
  await ctx.backend.containers.kill(ctx.params.id, strParam(ctx.query, 'signal'));
  sendEmpty(ctx, 204);
};

const resize: Handler = async (ctx) => {
  const h = intParam(ctx.query, 'h') ?? 0;
  const w = intParam(ctx.query, 'w') ?? 0;
  if (h < 0 || w < 0) throw invalidArgument(`invalid resize height ${h} or width ${w}`);
  await ctx.backend.containers.resize(ctx.params.id, h, w);
  sendEmpty(ctx, 200);
};

const rename: Handler = async (ctx) => {
  const name = strParam(ctx.query, 'name');
  if (!name) throw invalidArgument('Neither old nor new names may be empty');
  await ctx.backend.containers.rename(ctx.params.id, name);
  sendEmpty(ctx, 204);
};

const pause: Handler = async (ctx) => {
  await ctx.backend.containers.pause(ctx.params.id);
  sendEmpty(ctx, 204);
};

const unpause: Handler = async (ctx) => {
  await ctx.backend.containers.unpause(ctx.params.id);
  sendEmpty(ctx, 204);
};

const remove: Handler = async (ctx) => {
  const q = ctx.query;
  await ctx.backend.containers.remove(ctx.params.id, { force: boolParam(q, 'force'), volumes: boolParam(q, 'v'), link: boolParam(q, 'link') });
  sendEmpty(ctx, 204);
};

const prune: Handler = async (ctx) => {
  const out = await ctx.backend.containers.prune({ filters: parseFilters(ctx.query.get('filters')) });
  sendJSON(ctx, 200, { ContainersDeleted: out.ContainersDeleted, SpaceReclaimed: out.SpaceReclaimed });
};

const top: Handler = async (ctx) => {
  const svc = ctx.backend.containers;
  if (!svc.top) throw notImplemented('container top is not implemented yet');
  sendJSON(ctx, 200, await svc.top(ctx.params.id, strParam(ctx.query, 'ps_args')));
};

const changes: Handler = async (ctx) => {
  const svc = ctx.backend.containers;
  if (!svc.changes) throw notImplemented('container changes are not implemented yet');
  sendJSON(ctx, 200, await svc.changes(ctx.params.id));
};

const commit: Handler = async (ctx) => {
  const q = ctx.query;
  const container = strParam(q, 'container');
  if (!container) throw invalidArgument('No container specified');
  const config = await readJSON<ContainerCreateRequest>(ctx);
  const id = await ctx.backend.containers.commit(container, {
    repo: strParam(q, 'repo'),
    tag: strParam(q, 'tag'),
    comment: strParam(q, 'comment'),
    author: strParam(q, 'author'),
    changes: q.getAll('changes').filter((c) => c !== ''),
    pause: boolParam(q, 'pause', true),
    config: config && typeof config === 'object' ? config : undefined,
  });
  sendJSON(ctx, 201, { Id: id });
};

/** Registers the one-piece container routes and /commit. */
export function registerContainerRoutes(r: Router<Handler>): void {
  r.add('POST', '/containers/create', create)
    .add('GET', '/containers/json', list)
    .add('POST', '/containers/prune', prune)
    .add('GET', '/containers/{id}/json', inspect)
    .add('GET', '/containers/{id}/top', top)
    .add('GET', '/containers/{id}/changes', changes)
    .add('POST', '/containers/{id}/start', start)
    .add('POST', '/containers/{id}/stop', stop)
    .add('POST', '/containers/{id}/restart', restart)
    .add('POST', '/containers/{id}/kill', kill)
    .add('POST', '/containers/{id}/resize', resize)
    .add('POST', '/containers/{id}/rename', rename)
    .add('POST', '/containers/{id}/pause', pause)
    .add('POST', '/containers/{id}/unpause', unpause)
    .add('DELETE', '/containers/{id}', remove)
    .add('POST', '/commit', commit);
}
