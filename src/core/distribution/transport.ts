/**
 * HTTP(S) transport of the registry client on node:http/https: keep-alive agents owned by
 * the transport, per-request TLS settings (extra CAs and client certificates from certs.d),
 * redirects followed for GET/HEAD (credentials dropped when the host changes, loops cut after
 * 10 hops), an idle timeout, cancellation through an AbortSignal, and retries with back-off
 * for 429/5xx and connection resets on idempotent requests. Non-loopback hosts go through
 * HTTP(S)_PROXY unless NO_PROXY says otherwise (proxy.ts), as dockerd does.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import nodeTls from 'node:tls';
import type { Readable } from 'node:stream';
import { canceled, unavailable } from '../../lib/errors.js';
import { createTunnelAgent, proxyFor, proxyFromEnv, type ProxySettings } from './proxy.js';

/** TLS material for one registry host. */
export interface TlsSettings {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
  /** Skip certificate verification (insecure registries). */
  insecureSkipVerify?: boolean;
}

/** A response whose body is still to be read (or discarded with `resume()`). */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The final URL after redirects. */
  url: string;
}

/** Options of one request. */
export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Buffer bodies can be retried; stream bodies are sent once. */
  body?: Buffer | Readable;
  tls?: TlsSettings;
  signal?: AbortSignal;
  /** Milliseconds without any socket activity before the request fails (default 60 s). */
  idleTimeoutMs?: number;
  /** Attempts for 429/5xx/connection errors on GET/HEAD/buffered bodies (default 3). */
  attempts?: number;
}

/** The transport (see module comment). */
export interface Transport {
  /** Sends a request; resolves once response headers arrived. Throws Unavailable (network, timeout, too many redirects), Canceled. */
  request(url: string, opts?: RequestOptions): Promise<HttpResponse>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

const MAX_REDIRECTS = 10;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(canceled());
    }, { once: true });
  });
}

/** Creates a transport with its own keep-alive agents; `proxy` defaults to the process environment. */
export function createTransport(options: { retryBaseMs?: number; proxy?: ProxySettings } = {}): Transport {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const httpsAgents = new Map<string, http.Agent>();
  const retryBase = options.retryBaseMs ?? 250;
  const proxies = options.proxy ?? proxyFromEnv(process.env);

  const agentFor = (u: URL, tls?: TlsSettings): http.Agent => {
    const proxy = proxyFor(u, proxies);
    if (u.protocol === 'http:' && !proxy) return httpAgent;
    const key = `${u.protocol}//${u.host}`;
    let a = httpsAgents.get(key);
    if (!a) {
      // One secure context per agent: without it every new connection builds its own (parsing
      // the CA list each time, ~20 ms of the event loop per connection).
      let secureContext: nodeTls.SecureContext;
      try {
        secureContext = nodeTls.createSecureContext({
          ...(tls?.ca?.length ? { ca: [...tlsRootCertificates(), ...tls.ca] } : {}),
          ...(tls?.cert ? { cert: tls.cert } : {}),
          ...(tls?.key ? { key: tls.key } : {}),
        });
      } catch (e) {
        throw unavailable(`${u.host}: TLS settings: ${(e as Error).message}`, e);
      }
      const tlsOpts = { secureContext, ...(tls?.insecureSkipVerify ? { rejectUnauthorized: false } : {}) };
      a = proxy
        ? createTunnelAgent(proxy, u.protocol === 'https:', tlsOpts, { keepAlive: true, maxSockets: 16 })
        : new https.Agent({ keepAlive: true, maxSockets: 16, ...tlsOpts });
      httpsAgents.set(key, a);
    }
    return a;
  };

  const once = (url: string, opts: RequestOptions): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      const mod = u.protocol === 'https:' ? https : http;
      const req = mod.request(u, { method: opts.method ?? 'GET', headers: opts.headers, agent: agentFor(u, opts.tls), signal: opts.signal });
      req.setTimeout(opts.idleTimeoutMs ?? 60_000, () => req.destroy(unavailable(`net/http: timeout awaiting response from ${u.host}`)));
      req.on('response', (res: IncomingMessage) => {
        // Idle timeout keeps applying while the body is read.
        res.setTimeout?.(opts.idleTimeoutMs ?? 60_000, () => res.destroy(unavailable(`timeout reading from ${u.host}`)));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
      });
      req.on('error', (e: Error & { code?: string }) => {
        if (opts.signal?.aborted) reject(canceled());
        else if (e.name === 'EngineError') reject(e);
        else reject(unavailable(`${opts.method ?? 'GET'} ${url}: ${e.message}`, e));
      });
      const body = opts.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (e) => req.destroy(e));
        body.pipe(req);
      }
    });

  return {
    async request(url, opts = {}) {
      const method = opts.method ?? 'GET';
      const retriable = method === 'GET' || method === 'HEAD' || opts.body === undefined || Buffer.isBuffer(opts.body);
      const attempts = retriable ? (opts.attempts ?? 3) : 1;
      let current = url;
      let headers = opts.headers ?? {};
      for (let hop = 0; ; hop++) {
        let res: HttpResponse | undefined;
        for (let attempt = 1; ; attempt++) {
          try {
            res = await once(current, { ...opts, headers });
          } catch (e) {
            if (attempt >= attempts || opts.signal?.aborted || (e as { kind?: string }).kind === 'Canceled') throw e;
            await sleep(retryBase * 2 ** (attempt - 1), opts.signal);
            continue;
          }
          if ((res.status === 429 || res.status >= 500) && attempt < attempts) {
            res.body.resume();
            const ra = Number(res.headers['retry-after']);
            await sleep(Number.isFinite(ra) && ra > 0 ? Math.min(ra * 1000, 10_000) : retryBase * 2 ** (attempt - 1), opts.signal);
            continue;
          }
          break;
        }
        const loc = res.headers.location;
        if (res.status >= 300 && res.status < 400 && res.status !== 304 && loc && (method === 'GET' || method === 'HEAD')) {
          res.body.resume();
          if (hop + 1 >= MAX_REDIRECTS) throw unavailable(`${method} ${url}: stopped after ${MAX_REDIRECTS} redirects`);
          const next = new URL(loc, current);
          if (next.host !== new URL(current).host) {
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
          }
          current = next.toString();
          continue;
        }
        return { ...res, url: current };
      }
    },
    close() {
      httpAgent.destroy();
      for (const a of httpsAgents.values()) a.destroy();
    },
  };
}

function tlsRootCertificates(): readonly string[] {
  // Node's bundled roots, so certs.d CAs add to them rather than replace them.
  return nodeTls.rootCertificates;
}
