/**
 * `POST /build` (legacy builder wire format) and `POST /build/prune`. The body is the tar
 * context; query: t (repeated), dockerfile, buildargs, labels, target, nocache, q, rm, forcerm,
 * networkmode, extrahosts, platform, pull, cachefrom; X-Registry-Config carries credentials for
 * FROM pulls. Pier's own
 * `X-Pier-Build-Secrets` header carries `--secret` values for `RUN --mount=type=secret`. Errors
 * before the first message get a status (as moby: a Dockerfile parse error is a 400); once
 * the stream began they go in-band, with `errorDetail.code` for a failing RUN.
 */
import type { Handler, RequestContext } from '../context.js';
import { sendJSON, startStream, writeChunk } from '../context.js';
import type { Router } from '../router.js';
import { progressLine } from '../../api/progress.js';
import { boolParam, strParam } from '../../api/query.js';
import { invalidArgument, notImplemented, toEngineError } from '../../lib/errors.js';
import { BuildFailure, type Builder, type BuildRequest } from '../../core/builder/index.js';
import type { ProgressMessage } from '../../api/types.js';

function jsonMap<T>(q: URLSearchParams, key: string): Record<string, T> {
  const v = strParam(q, key);
  if (v === undefined) return {};
  try {
    const o: unknown = JSON.parse(v);
    if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, T>;
  } catch {
    /* fall through */
  }
  throw invalidArgument(`invalid ${key} parameter: ${v}`);
}

/** `X-Pier-Build-Secrets`: base64 JSON `{id: base64 value}`. Throws InvalidArgument when malformed. */
function decodeSecrets(h: string | string[] | undefined): Record<string, Buffer> | undefined {
  if (typeof h !== 'string' || h === '') return undefined;
  try {
    const o = JSON.parse(Buffer.from(h, 'base64').toString('utf8')) as Record<string, string>;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  } catch {
    throw invalidArgument('invalid X-Pier-Build-Secrets header');
  }
}

function builderOf(ctx: RequestContext): Builder {
  const b = ctx.backend.builder;
  if (!b) throw notImplemented('build is not implemented in this daemon');
  return b;
}

/** `cachefrom`: a JSON array of image references. Throws InvalidArgument when malformed. */
function jsonList(q: URLSearchParams, key: string): string[] {
  const v = strParam(q, key);
  if (v === undefined || v === '') return [];
  try {
    const o: unknown = JSON.parse(v);
    if (Array.isArray(o) && o.every((x) => typeof x === 'string')) return o as string[];
  } catch {
    /* fall through */
  }
  throw invalidArgument(`invalid ${key} parameter: ${v}`);
}

/** X-Registry-Config: base64 (URL-safe or not) JSON map registry → auth config; undefined when absent or unreadable. */
function decodeRegistryConfig(h: string | string[] | undefined): Record<string, unknown> | undefined {
  if (typeof h !== 'string' || h.trim() === '') return undefined;
  try {
    const o: unknown = JSON.parse(Buffer.from(h.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The decoded request (without the context stream). Throws InvalidArgument. */
export function buildRequestFromQuery(q: URLSearchParams): Omit<BuildRequest, 'context' | 'signal'> {
  const extraHosts = q.getAll('extrahosts').flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return {
    dockerfile: strParam(q, 'dockerfile'),
    tags: q.getAll('t').filter((t) => t !== ''),
    buildArgs: jsonMap<string | null>(q, 'buildargs'),
    labels: jsonMap<string>(q, 'labels'),
    target: strParam(q, 'target'),
    noCache: boolParam(q, 'nocache'),
    quiet: boolParam(q, 'q'),
    rm: boolParam(q, 'rm', true),
    forceRm: boolParam(q, 'forcerm'),
    networkMode: strParam(q, 'networkmode'),
    extraHosts,
    platform: strParam(q, 'platform'),
    pull: boolParam(q, 'pull'),
    cacheFrom: jsonList(q, 'cachefrom'),
  };
}

const build: Handler = async (ctx) => {
  const builder = builderOf(ctx);
  if (strParam(ctx.query, 'remote') !== undefined) {
    ctx.req.resume();
    throw notImplemented('building from a remote context (git or URL) is not supported');
  }
  const opts = buildRequestFromQuery(ctx.query);
  const secrets = decodeSecrets(ctx.req.headers['x-pier-build-secrets']);
  const registryConfig = decodeRegistryConfig(ctx.req.headers['x-registry-config']);
  let started = false;
  const emit = async (m: ProgressMessage) => {
    if (!started) {
      startStream(ctx, 200, 'application/json');
      started = true;
    }
    await writeChunk(ctx, progressLine(m));
  };
  try {
    await builder.build({ ...opts, secrets, registryConfig, context: ctx.req, signal: ctx.signal }, emit);
  } catch (e) {
    ctx.req.resume();
    if (!started) throw e;
    if (!ctx.signal.aborted) {
      const err = toEngineError(e);
      const detail: { code?: number; message: string } = { message: err.message };
      if (e instanceof BuildFailure && e.code !== undefined) detail.code = e.code;
      await writeChunk(ctx, JSON.stringify({ errorDetail: detail, error: err.message }) + '\r\n');
    }
  }
  ctx.req.resume();
  if (!ctx.res.writableEnded) ctx.res.end();
};

const prune: Handler = async (ctx) => {
  const b = ctx.backend.builder;
  sendJSON(ctx, 200, b ? await b.prune() : { CachesDeleted: null, SpaceReclaimed: 0 });
};

/** Registers POST /build and POST /build/prune; call before registerUnimplementedRoutes. */
export function registerBuildRoutes(r: Router<Handler>): void {
  r.add('POST', '/build', build).add('POST', '/build/prune', prune);
}
