/**
 * A session with one repository on one registry: endpoint selection (first endpoint whose
 * `/v2/` answers), authorization retried once per challenge, and the distribution API calls
 * pull and push need. Registry errors are translated to EngineErrors with Docker's wording
 * (`<code in lower case>: <message>`).
 */
import type { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { EngineError, invalidArgument, notFound, unauthenticated, unavailable } from '../../lib/errors.js';
import { createAuthorizer, parseChallenges, type Authorizer } from './auth.js';
import type { Endpoint } from './endpoints.js';
import type { HttpResponse, Transport } from './transport.js';
import type { RegistryCredentials } from './index.js';

/** Largest manifest accepted (as distribution). */
export const MAX_MANIFEST_BYTES = 4 << 20;

/** Accept header for manifests: every type Pier understands. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
].join(', ');

/** A fetched manifest. */
export interface FetchedManifest {
  data: Buffer;
  mediaType: string;
  digest: string;
}

/** Reads a body up to `limit` bytes. Throws InvalidArgument when larger. */
export async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    if (n > limit) {
      body.destroy();
      throw invalidArgument(`response too large (more than ${limit} bytes)`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Docker's rendering of a registry's JSON errors: `manifest unknown: manifest unknown`. */
export async function registryErrorText(res: HttpResponse): Promise<string> {
  const raw = await readAll(res.body, 1 << 20).catch(() => Buffer.alloc(0));
  try {
    const j = JSON.parse(raw.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    if (j.errors?.length) {
      return j.errors.map((e) => `${(e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`).join(', ');
    }
  } catch {
    /* not JSON */
  }
  const text = raw.toString('utf8').trim();
  return text ? `unexpected status ${res.status}: ${text.slice(0, 200)}` : `unexpected status code ${res.status}`;
}

/** The session (see module comment). */
export interface RepoClient {
  readonly endpoint: Endpoint;
  /** Repository path on the registry (`library/busybox`). */
  readonly repo: string;
  /** GET a manifest by tag or digest; verifies the digest when fetched by digest. Throws NotFound/Unauthenticated/Unavailable. */
  getManifest(ref: string, signal?: AbortSignal): Promise<FetchedManifest>;
  /** GET a blob, optionally from byte `offset`. Throws NotFound. */
  getBlob(digest: string, signal?: AbortSignal, offset?: number): Promise<HttpResponse>;
  /** Size of a blob on the registry, or undefined. */
  headBlob(digest: string, signal?: AbortSignal): Promise<number | undefined>;
  /** Tries a cross-repository mount; true when the blob is now in this repository. */
  mountBlob(digest: string, from: string, signal?: AbortSignal): Promise<boolean>;
  /** Uploads a blob: small buffers monolithically, streams through a session (PATCH then PUT). */
  uploadBlob(digest: string, body: Buffer | (() => Readable), signal?: AbortSignal): Promise<void>;
  /**
   * Streams a blob whose digest is known only once the stream ended (POST, PATCH with the
   * stream, then PUT with `digest()`); the body cannot be replayed, so it is sent once.
   */
  uploadStream(body: Readable, digest: () => Promise<string>, signal?: AbortSignal): Promise<void>;
  /** PUT a manifest under a tag or digest; returns the registry's digest. */
  putManifest(ref: string, data: Buffer, mediaType: string, signal?: AbortSignal): Promise<string>;
  /** Every tag (following Link pagination). */
  listTags(signal?: AbortSignal): Promise<string[]>;
}

/**
 * Opens a session: pings `/v2/` on each endpoint in turn and keeps the first that answers (only
 * the last endpoint's ping is retried).
 * Throws Unavailable (no endpoint reachable) with the last error's message.
 */
export async function openRepo(
  deps: { transport: Transport },
  endpoints: Endpoint[],
  repo: string,
  opts: { creds?: RegistryCredentials; actions: string; signal?: AbortSignal },
): Promise<RepoClient> {
  let lastErr: unknown;
  for (const [i, ep] of endpoints.entries()) {
    try {
      // One try when another endpoint follows (HTTPS before an insecure registry's HTTP: a
      // plain-HTTP port refuses the handshake at once, and a retry's back-off would only delay
      // the fallback; Docker pings each endpoint once).
      const last = i === endpoints.length - 1;
      const res = await deps.transport.request(`${ep.base}/v2/`, { tls: ep.tls, signal: opts.signal, attempts: ep.mirror || !last ? 1 : 2, idleTimeoutMs: 15_000 });
      res.body.resume();
      if (res.status !== 200 && res.status !== 401) throw unavailable(`${ep.base}/v2/: unexpected status ${res.status}`);
      const auth = createAuthorizer(deps, { creds: opts.creds, tls: ep.tls });
      if (res.status === 401) await auth.handle(parseChallenges(res.headers['www-authenticate']), `repository:${repo}:${opts.actions}`, opts.signal);
      return makeClient(deps, ep, repo, auth, opts.actions);
    } catch (e) {
      if (e instanceof EngineError && e.kind === 'Unauthenticated') throw e;
      if (e instanceof EngineError && e.kind === 'Canceled') throw e;
      lastErr = e;
    }
  }
  throw lastErr instanceof EngineError ? lastErr : unavailable(String(lastErr));
}

function makeClient(deps: { transport: Transport }, ep: Endpoint, repo: string, auth: Authorizer, actions: string): RepoClient {
  const scope = `repository:${repo}:${actions}`;
  const url = (p: string) => `${ep.base}/v2/${repo}/${p}`;
  const call = async (u: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | Readable | (() => Readable); signal?: AbortSignal }): Promise<HttpResponse> => {
    for (let attempt = 0; ; attempt++) {
      const body = typeof init.body === 'function' ? init.body() : init.body;
      const res = await deps.transport.request(u, { method: init.method, headers: { ...init.headers, ...auth.headers(scope) }, body, tls: ep.tls, signal: init.signal });
      if (res.status === 401 && attempt === 0 && (await auth.handle(parseChallenges(res.headers['www-authenticate']), scope, init.signal))) {
        res.body.resume();
        if (body && !Buffer.isBuffer(body) && typeof init.body !== 'function') throw unauthenticated('unauthorized: authentication required');
        continue;
      }
      return res;
    }
  };
  const fail = async (res: HttpResponse, what: string): Promise<never> => {
    let text = await registryErrorText(res);
    if (res.status === 401 && text.startsWith('unexpected status')) {
      const basic = parseChallenges(res.headers['www-authenticate']).some((c) => c.scheme === 'basic');
      text = basic ? 'no basic auth credentials' : 'unauthorized: authentication required';
    }
    if (res.status === 401) throw unauthenticated(text);
    if (res.status === 403) throw new EngineError('PermissionDenied', text);
    if (res.status === 404) throw notFound(text);
    if (res.status === 400 || res.status === 405 || res.status === 413) throw invalidArgument(text);
    throw unavailable(`${what}: ${text}`);
  };

  return {
    endpoint: ep,
    repo,
    async getManifest(ref, signal) {
      const res = await call(url(`manifests/${ref}`), { headers: { Accept: MANIFEST_ACCEPT }, signal });
      if (res.status !== 200) return fail(res, 'manifest');
      const len = Number(res.headers['content-length']);
      if (Number.isFinite(len) && len > MAX_MANIFEST_BYTES) {
        res.body.destroy();
        throw invalidArgument(`manifest too large: ${len} bytes`);
      }
      const data = await readAll(res.body, MAX_MANIFEST_BYTES);
      const digest = 'sha256:' + createHash('sha256').update(data).digest('hex');
      if (ref.startsWith('sha256:') && ref !== digest) throw invalidArgument(`manifest verification failed for digest ${ref}`);
      let mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
      try {
        const mt = (JSON.parse(data.toString('utf8')) as { mediaType?: string }).mediaType;
        if (mt) mediaType = mt;
      } catch {
        throw invalidArgument('manifest invalid: not JSON');
      }
      return { data, mediaType, digest };
    },
    async getBlob(digest, signal, offset) {
      const headers: Record<string, string> = offset ? { Range: `bytes=${offset}-` } : {};
      const res = await call(url(`blobs/${digest}`), { headers, signal });
      if (res.status !== 200 && res.status !== 206) return fail(res, 'blob');
      return res;
    },
    async headBlob(digest, signal) {
      const res = await call(url(`blobs/${digest}`), { method: 'HEAD', signal });
      res.body.resume();
      if (res.status === 200) return Number(res.headers['content-length'] ?? 0);
      if (res.status === 404) return undefined;
      return fail(res, 'blob');
    },
    async mountBlob(digest, from, signal) {
      const res = await call(`${url('blobs/uploads/')}?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, { method: 'POST', signal });
      res.body.resume();
      if (res.status === 201) return true;
      if (res.status === 202) {
        const loc = res.headers.location;
        if (loc) await call(new URL(loc, ep.base).toString(), { method: 'DELETE', signal }).then((r) => r.body.resume()).catch(() => {});
        return false;
      }
      return false;
    },
    async uploadBlob(digest, body, signal) {
      if (Buffer.isBuffer(body)) {
        const res = await call(`${url('blobs/uploads/')}?digest=${encodeURIComponent(digest)}`, {
          method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) }, signal,
        });
        if (res.status === 201) {
          res.body.resume();
          return;
        }
        if (res.status !== 202) return fail(res, 'blob upload');
        // The registry opened a session instead of accepting the monolithic upload.
        res.body.resume();
        const loc = new URL(res.headers.location ?? '', ep.base);
        loc.searchParams.set('digest', digest);
        const put = await call(loc.toString(), { method: 'PUT', body, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) }, signal });
        if (put.status !== 201) return fail(put, 'blob upload');
        put.body.resume();
        return;
      }
      const start = await call(url('blobs/uploads/'), { method: 'POST', signal });
      if (start.status !== 202) return fail(start, 'blob upload');
      start.body.resume();
      const patchUrl = new URL(start.headers.location ?? '', ep.base).toString();
      const patch = await call(patchUrl, { method: 'PATCH', body, headers: { 'Content-Type': 'application/octet-stream' }, signal });
      if (patch.status !== 202 && patch.status !== 204) return fail(patch, 'blob upload');
      patch.body.resume();
      const putUrl = new URL(patch.headers.location ?? patchUrl, ep.base);
      putUrl.searchParams.set('digest', digest);
      const put = await call(putUrl.toString(), { method: 'PUT', headers: { 'Content-Length': '0' }, signal });
      if (put.status !== 201) return fail(put, 'blob upload');
      put.body.resume();
    },
    async uploadStream(body, digest, signal) {
      const start = await call(url('blobs/uploads/'), { method: 'POST', signal });
      if (start.status !== 202) {
        body.resume();
        return fail(start, 'blob upload');
      }
      start.body.resume();
      const patchUrl = new URL(start.headers.location ?? '', ep.base).toString();
      const patch = await deps.transport.request(patchUrl, {
        method: 'PATCH', body, headers: { 'Content-Type': 'application/octet-stream', ...auth.headers(scope) }, tls: ep.tls, signal,
      });
      if (patch.status !== 202 && patch.status !== 204) return fail(patch, 'blob upload');
      patch.body.resume();
      const putUrl = new URL(patch.headers.location ?? patchUrl, ep.base);
      putUrl.searchParams.set('digest', await digest());
      const put = await call(putUrl.toString(), { method: 'PUT', headers: { 'Content-Length': '0' }, signal });
      if (put.status !== 201) return fail(put, 'blob upload');
      put.body.resume();
    },
    async putManifest(ref, data, mediaType, signal) {
      const res = await call(url(`manifests/${ref}`), { method: 'PUT', body: data, headers: { 'Content-Type': mediaType, 'Content-Length': String(data.length) }, signal });
      if (res.status !== 201 && res.status !== 200) return fail(res, 'manifest');
      res.body.resume();
      return String(res.headers['docker-content-digest'] ?? 'sha256:' + createHash('sha256').update(data).digest('hex'));
    },
    async listTags(signal) {
      const tags: string[] = [];
      let next: string | undefined = url('tags/list');
      for (let i = 0; next && i < 1000; i++) {
        const res = await call(next, { signal });
        if (res.status !== 200) return fail(res, 'tags');
        const j = JSON.parse((await readAll(res.body, 16 << 20)).toString('utf8')) as { tags?: string[] | null };
        tags.push(...(j.tags ?? []));
        const link = String(res.headers.link ?? '');
        const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
        next = m ? new URL(m[1]!, ep.base).toString() : undefined;
      }
      return tags;
    },
  };
}
