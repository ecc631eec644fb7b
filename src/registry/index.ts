/**
 * Contract of the built-in registry (`pier registry`): an OCI distribution-spec server on a
 * content-addressed filesystem store. Endpoints: `/v2/`, blobs (GET/HEAD with Range, DELETE),
 * uploads (POST/PATCH/PUT, monolithic and chunked, cross-repository mount, status, cancel),
 * manifests by tag or digest (GET/HEAD/PUT/DELETE; OCI and Docker manifests and indexes),
 * `tags/list` and `_catalog` with `n`/`last` pagination. Every blob and manifest is verified
 * against its digest before it becomes visible; writes are atomic. Optional basic auth or a
 * built-in bearer-token issuer; optional TLS. `collectGarbage` removes unreferenced blobs.
 */
export { createRegistryServer, type RegistryServer, type RegistryServerOptions } from './server.js';
export { bcryptVerifier, createAuthenticator, loadHtpasswd, parseHtpasswd, plainVerifier, type Authenticator, type AuthOptions, type PasswordVerifier } from './auth.js';
export { openRegistryStorage, type RegistryStorage } from './storage.js';
export { collectGarbage, type GcResult } from './gc.js';
export { RegistryError, type RegistryCode } from './errors.js';
export { runRegistryCommand } from './main.js';
