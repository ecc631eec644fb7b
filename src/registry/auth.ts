/**
 * Access control of the built-in registry: HTTP basic authentication against an htpasswd
 * file (bcrypt `$2y$`/`$2a$`/`$2b$` entries as `htpasswd -B` writes them, and `{SHA}`; MD5
 * `$apr1$`, crypt and plain entries are refused), or a bearer-token flow with the
 * registry as its own token issuer (`GET /token?service=…&scope=…`, HMAC-signed tokens) — the
 * flow Docker Hub uses, so clients exercise their challenge handling. `anonymousPull` lets
 * unauthenticated clients obtain pull-only tokens.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';
import { regError } from './errors.js';
import { replyJSON } from './http.js';

/** What a request wants: `repository:<name>:<action>` or `registry:catalog:*`. */
export interface Scope {
  type: string;
  name: string;
  action: string;
}

/** The server's access-control hook. */
export interface Authenticator {
  /** Throws UNAUTHORIZED (or DENIED) unless the request may perform `scope` (undefined: `/v2/`). */
  check(req: IncomingMessage, scope: Scope | undefined): Promise<void>;
  /** Headers of a 401 answer (WWW-Authenticate). */
  challenge(req: IncomingMessage, name: string, action: string): Record<string, string>;
  /** Serves the token endpoint; returns true when it handled the request. */
  handleTokenRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

/** Options of createAuthenticator. */
export interface AuthOptions {
  mode: 'basic' | 'token';
  /** user → password verifier (from `loadHtpasswd`, or plain pairs in tests). */
  users: Map<string, PasswordVerifier>;
  /** How long a successful (user, password) check is remembered (ms, default 5 minutes; 0: never). */
  cacheMs?: number;
  /** Token mode: anonymous clients get pull tokens. */
  anonymousPull?: boolean;
  realm?: string;
  service?: string;
}

function eq(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks one password against a stored entry; bcrypt verifiers are asynchronous (and slow by design). */
export type PasswordVerifier = (password: string) => boolean | Promise<boolean>;

/** A verifier for one plain password (tests and programmatic use; htpasswd files cannot hold these). */
export function plainVerifier(password: string): PasswordVerifier {
  return (p) => eq(p, password);
}

/** A verifier for one bcrypt hash (`$2a$`, `$2b$`, `$2y$`). */
export function bcryptVerifier(hash: string): PasswordVerifier {
  return (p) => bcrypt.compare(p, hash).catch(() => false);
}

const BCRYPT_RE = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

/**
 * Parses htpasswd text: `user:$2y$…` (bcrypt, any of `$2a$`/`$2b$`/`$2y$`) and `user:{SHA}base64`
 * lines; blank lines and `#` comments are skipped. Throws an Error naming the user for entries
 * Docker's registry does not accept either (MD5 `$apr1$`, crypt, plain text) or malformed lines.
 */
export function parseHtpasswd(text: string): Map<string, PasswordVerifier> {
  const users = new Map<string, PasswordVerifier>();
  for (const [n, line] of text.split('\n').entries()) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const i = t.indexOf(':');
    if (i <= 0) throw new Error(`htpasswd line ${n + 1}: expected user:hash`);
    const user = t.slice(0, i);
    const hash = t.slice(i + 1);
    if (hash.startsWith('{SHA}')) {
      const want = hash.slice(5);
      users.set(user, (p) => eq(createHash('sha1').update(p).digest('base64'), want));
    } else if (hash.startsWith('$2')) {
      if (!BCRYPT_RE.test(hash)) throw new Error(`htpasswd entry for ${user}: malformed bcrypt hash`);
      users.set(user, bcryptVerifier(hash));
    } else if (hash.startsWith('$apr1$')) {
      throw new Error(`htpasswd entry for ${user}: MD5 ($apr1$) passwords are not supported, only bcrypt; create the file with htpasswd -B`);
    } else {
      throw new Error(`htpasswd entry for ${user}: only bcrypt (htpasswd -B) or {SHA} passwords are supported, not plain text, crypt or other hashes`);
    }
  }
  return users;
}

/** Reads and parses an htpasswd file (see parseHtpasswd). Throws fs errors and parse Errors. */
export async function loadHtpasswd(file: string): Promise<Map<string, PasswordVerifier>> {
  return parseHtpasswd(await readFile(file, 'utf8'));
}

function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const raw = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) return undefined;
  return { user: raw.slice(0, i), password: raw.slice(i + 1) };
}

interface TokenClaims {
  sub: string;
  exp: number;
  access: { type: string; name: string; actions: string[] }[];
}

/** Creates the authenticator. Pure; the signing key is random per process. */
export function createAuthenticator(options: AuthOptions): Authenticator {
  const key = randomBytes(32);
  const realm = options.realm ?? 'pier-registry';
  const service = options.service ?? 'pier-registry';
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  // Successful checks only, keyed by a keyed hash of the pair (no password kept in memory).
  const good = new Map<string, number>();
  // Checks under way, so parallel requests with the same pair pay for one bcrypt compare.
  const pending = new Map<string, Promise<boolean>>();
  const login = async (req: IncomingMessage): Promise<string | undefined> => {
    const c = basicCredentials(req);
    if (!c) return undefined;
    const verify = options.users.get(c.user);
    if (!verify) throw regError('UNAUTHORIZED', undefined, 'authentication required');
    const k = createHmac('sha256', key).update(c.user).update('\0').update(c.password).digest('base64');
    const now = Date.now();
    if ((good.get(k) ?? 0) > now) return c.user;
    let check = pending.get(k);
    if (!check) {
      check = Promise.resolve(verify(c.password)).finally(() => pending.delete(k));
      pending.set(k, check);
    }
    if (!(await check)) throw regError('UNAUTHORIZED', undefined, 'authentication required');
    if (cacheMs > 0) {
      if (good.size >= 1024) for (const [x, exp] of good) if (exp <= now || good.size >= 1024) good.delete(x);
      good.set(k, now + cacheMs);
    }
    return c.user;
  };
  const sign = (claims: TokenClaims) => {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  };
  const verifyToken = (token: string): TokenClaims | undefined => {
    const [body, sig] = token.split('.');
    if (!body || !sig || !eq(createHmac('sha256', key).update(body).digest('base64url'), sig)) return undefined;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    return claims.exp * 1000 > Date.now() ? claims : undefined;
  };
  return {
    async check(req, scope) {
      if (options.mode === 'basic') {
        if ((await login(req)) === undefined) throw regError('UNAUTHORIZED');
        return;
      }
      const h = req.headers.authorization;
      const claims = h && /^bearer /i.test(h) ? verifyToken(h.slice(7).trim()) : undefined;
      if (!claims) throw regError('UNAUTHORIZED');
      if (!scope) return;
      const ok = claims.access.some((a) => a.type === scope.type && a.name === scope.name && (a.actions.includes(scope.action) || a.actions.includes('*')));
      if (!ok) throw regError('UNAUTHORIZED', [{ Type: scope.type, Name: scope.name, Action: scope.action }], 'authentication required');
    },
    challenge(req, name, action) {
      if (options.mode === 'basic') return { 'WWW-Authenticate': `Basic realm="${realm}"` };
      const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      const scope = name ? `,scope="repository:${name}:${action === 'push' ? 'pull,push' : action}"` : '';
      return { 'WWW-Authenticate': `Bearer realm="${proto}://${req.headers.host ?? '127.0.0.1'}/token",service="${service}"${scope}` };
    },
    async handleTokenRequest(req, res, url) {
      if (options.mode !== 'token' || url.pathname !== '/token') return false;
      const user = await login(req);
      if (user === undefined && !options.anonymousPull) throw regError('UNAUTHORIZED');
      const access: TokenClaims['access'] = [];
      for (const s of url.searchParams.getAll('scope')) {
        const parts = s.split(':');
        if (parts.length < 3) continue;
        const actions = parts[parts.length - 1]!.split(',');
        const name = parts.slice(1, -1).join(':');
        access.push({ type: parts[0]!, name, actions: user === undefined ? actions.filter((a) => a === 'pull') : actions });
      }
      const token = sign({ sub: user ?? '', exp: Math.floor(Date.now() / 1000) + 300, access });
      replyJSON(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
      return true;
    },
  };
}
