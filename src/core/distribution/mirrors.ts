/**
 * Repository sessions over `registry-mirrors`, as dockerd uses them for docker.io: pushes never
 * go to a mirror; pulls try each mirror first and fall back to the next endpoint (in the end
 * Docker Hub) when the mirror is unreachable, refuses the session, or fails the session's first
 * manifest or tag-list request (an image the mirror does not have, a registry error). Once a
 * first request succeeded the session stays on that endpoint.
 */
import { EngineError, unavailable } from '../../lib/errors.js';
import { openRepo, type RepoClient } from './client.js';
import type { Endpoint } from './endpoints.js';
import type { Transport } from './transport.js';
import type { RegistryCredentials } from './index.js';

function isCanceled(e: unknown): boolean {
  return e instanceof EngineError && e.kind === 'Canceled';
}

/** A mirror's session that switches to `fallback()` when its first request fails. */
function withFallback(mirror: RepoClient, fallback: (signal?: AbortSignal) => Promise<RepoClient>): RepoClient {
  let current = mirror;
  let settled = false;
  const first = async <T>(call: (c: RepoClient) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    if (settled) return call(current);
    try {
      const r = await call(current);
      settled = true;
      return r;
    } catch (e) {
      if (isCanceled(e) || signal?.aborted) throw e;
      current = await fallback(signal);
      settled = true;
      return call(current);
    }
  };
  return {
    get endpoint() {
      return current.endpoint;
    },
    repo: mirror.repo,
    getManifest: (ref, signal) => first((c) => c.getManifest(ref, signal), signal),
    listTags: (signal) => first((c) => c.listTags(signal), signal),
    getBlob: (digest, signal, offset) => current.getBlob(digest, signal, offset),
    headBlob: (digest, signal) => current.headBlob(digest, signal),
    mountBlob: (digest, from, signal) => current.mountBlob(digest, from, signal),
    uploadBlob: (digest, body, signal) => current.uploadBlob(digest, body, signal),
    uploadStream: (body, digest, signal) => current.uploadStream(body, digest, signal),
    putManifest: (ref, data, mediaType, signal) => current.putManifest(ref, data, mediaType, signal),
  };
}

/**
 * Opens a session on `endpoints` (from endpointsFor) honouring mirrors (see module comment).
 * Throws like openRepo; when every endpoint fails, the error is the last endpoint's (Docker
 * Hub's for docker.io), as in Docker.
 */
export async function openRepoWithMirrors(
  deps: { transport: Transport },
  endpoints: Endpoint[],
  repo: string,
  opts: { creds?: RegistryCredentials; actions: string; signal?: AbortSignal },
): Promise<RepoClient> {
  const pushing = opts.actions.split(',').includes('push');
  const eps = pushing ? endpoints.filter((e) => !e.mirror) : endpoints;
  let lastErr: unknown;
  for (const [i, ep] of eps.entries()) {
    if (!ep.mirror) return openRepo(deps, eps.slice(i), repo, opts);
    let client: RepoClient;
    try {
      client = await openRepo(deps, [ep], repo, opts);
    } catch (e) {
      if (isCanceled(e)) throw e;
      lastErr = e;
      continue;
    }
    const rest = eps.slice(i + 1);
    if (rest.length === 0) return client;
    return withFallback(client, (signal) => openRepoWithMirrors(deps, rest, repo, { ...opts, signal: signal ?? opts.signal }));
  }
  throw lastErr instanceof EngineError ? lastErr : unavailable(lastErr ? String(lastErr) : 'no registry endpoint to try');
}
