/**
 * HTTP over a unix socket or tcp with node:http: plain requests, JSON, streaming bodies and
 * connection hijacking (attach/exec). Prefixes versioned paths with `/v{X.Y}`.
 *
 * The API version: pinned (DOCKER_API_VERSION), else the first request is sent optimistically
 * with this client's version; a daemon that answers "client version … is too new. Maximum
 * supported API version is X" gets the same request again with X (a daemon checks the version
 * before doing anything, so the retry is safe), and one that accepts it speaks at least ours.
 * That saves the `HEAD /_ping` round trip every CLI run would pay. Requests that stream a body
 * cannot be sent twice: they negotiate first (`HEAD /_ping`, falling back to GET), as does
 * apiVersion() when nothing has settled the version yet.
 *
 * Requests go over node:net with the small HTTP/1.1 client of plain-http.ts (whole answers:
 * json, call, ping) and plain-stream.ts (streamed answers, hijacked connections): loading
 * node:http and building its request machinery is a noticeable part of a short CLI run. Only
 * requests that stream their body (build, load, import, cp into a container) use node:http,
 * without an http.Agent (one connection per request): no agent bookkeeping and no TLS
 * server-name computation, whose IPv6 check compiles a large regular expression on first use.
 */
import type http from 'node:http';
import net from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import type { Endpoint } from './host.js';
import { ApiError, ConnectError, isConnectFailure } from './errors.js';
import { plainRequest, type PlainResponse } from './plain-http.js';
import { PlainBody, plainOpen, type PlainHead } from './plain-stream.js';

/** node:http, loaded on first use (process.getBuiltinModule: synchronous, in ESM and CommonJS). */
const httpModule = (): typeof http => process.getBuiltinModule('node:http');

/** The newest API version this client speaks. */
export const CLIENT_API_VERSION = '1.44';

/** What `HEAD /_ping` told us. */
export interface PingInfo {
  apiVersion: string;
  osType: string;
  experimental: boolean;
  builderVersion: string;
}

/** Options of one request. */
export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined | null>;
  /** An object is sent as JSON; a Buffer/string as is; a Readable is piped. */
  body?: unknown;
  headers?: Record<string, string>;
  /** False for paths without the version prefix (`/_ping`). Default true. */
  versioned?: boolean;
  signal?: AbortSignal;
}

/** A hijacked connection: raw socket plus any bytes already read past the headers. */
export interface Hijacked {
  socket: Duplex;
  head: Buffer;
  contentType: string;
  /** False when the daemon answered 200 (no upgrade): only output, no stdin. */
  upgraded: boolean;
}

/** Options of the transport. */
export interface TransportOptions {
  endpoint: Endpoint;
  /** Pin an API version instead of negotiating (DOCKER_API_VERSION). */
  apiVersion?: string;
  userAgent?: string;
}

/** Compares dotted versions numerically; negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Builds a query string, leaving out undefined/null/'' values; arrays repeat the key. */
export function buildQuery(q: RequestOptions['query']): string {
  if (!q) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      for (const x of v) sp.append(k, x);
      continue;
    }
    sp.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Reads a whole body. */
export async function readAll(res: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

/** Turns an error body into the daemon's message (JSON `message`, else the text). */
export function errorMessage(status: number, body: Buffer, contentType: string | undefined): string {
  const text = body.toString('utf8').trim();
  if (contentType?.startsWith('application/json') || text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as { message?: string };
      if (typeof j.message === 'string') return j.message;
    } catch { /* fall through */ }
  }
  return text || `${status} ${httpModule().STATUS_CODES[status] ?? ''}`.trim();
}

/** Opens the connection of one request (node passes socketPath as `path`, or host and port). */
const connect: NonNullable<http.RequestOptions['createConnection']> = (o) => net.createConnection(o as net.NetConnectOpts);

function isStream(b: unknown): b is Readable {
  return typeof (b as Readable | undefined)?.pipe === 'function';
}

/**
 * The daemon's maximum API version from its "client version X is too new. Maximum supported API
 * version is Y" answer (moby's and pierd's wording), else undefined. Never throws.
 */
export function tooNewMaximum(message: string): string | undefined {
  return /client version \S+ is too new\. Maximum supported API version is (\d+\.\d+)/.exec(message)?.[1];
}

/** The client's HTTP transport. Create one per endpoint. */
export class Transport {
  readonly endpoint: Endpoint;
  private readonly opts: TransportOptions;
  private version: Promise<string> | undefined;
  /** The version once known: pinned, negotiated, or learnt from an optimistic request. */
  private settled: string | undefined;
  private pingInfo: PingInfo | undefined;

  constructor(opts: TransportOptions) {
    this.opts = opts;
    this.endpoint = opts.endpoint;
    this.settled = opts.apiVersion || undefined;
  }

  /**
   * The API version requests use: the pinned or already settled one, else negotiated with a
   * ping (once). Throws ConnectError when unreachable.
   */
  apiVersion(): Promise<string> {
    if (this.settled) return Promise.resolve(this.settled);
    this.version ??= this.ping().then((p) => {
      const v = !p.apiVersion || compareVersions(p.apiVersion, CLIENT_API_VERSION) >= 0 ? CLIENT_API_VERSION : p.apiVersion;
      this.settled ??= v;
      return this.settled;
    });
    return this.version;
  }

  /** `HEAD /_ping` (GET when HEAD fails). Throws ConnectError or ApiError. */
  async ping(): Promise<PingInfo> {
    if (this.pingInfo) return this.pingInfo;
    let res: PlainResponse;
    try {
      res = await this.plain('HEAD', '/_ping', {});
      if (res.status !== 200) throw new Error('HEAD failed');
    } catch (e) {
      if (e instanceof ConnectError) throw e;
      res = await this.plain('GET', '/_ping', {});
      if (res.status >= 400) throw new ApiError(res.status, errorMessage(res.status, res.body, res.headers['content-type']));
    }
    const h = res.headers;
    this.pingInfo = {
      apiVersion: String(h['api-version'] ?? ''),
      osType: String(h['ostype'] ?? ''),
      experimental: h['docker-experimental'] === 'true',
      builderVersion: String(h['builder-version'] ?? ''),
    };
    return this.pingInfo;
  }

  /**
   * Runs `send` with the full path of `path` (version prefix and query). When the version is not
   * settled and the request can be repeated, sends it optimistically with CLIENT_API_VERSION and
   * repeats it once with the daemon's maximum if the daemon finds ours too new. Throws what
   * `send` throws.
   */
  private async versioned<T>(path: string, opts: RequestOptions, send: (full: string) => Promise<T>): Promise<T> {
    const q = buildQuery(opts.query);
    if (opts.versioned === false) return send(path + q);
    const repeatable = !isStream(opts.body);
    if (this.settled || !repeatable) return send(`/v${await this.apiVersion()}${path}${q}`);
    const tried = CLIENT_API_VERSION;
    try {
      const out = await send(`/v${tried}${path}${q}`);
      this.settled ??= tried;
      return out;
    } catch (e) {
      const max = e instanceof ApiError && e.status === 400 ? tooNewMaximum(e.message) : undefined;
      if (!max) {
        // Any other answer still proves the daemon took our version (it checks that first).
        if (e instanceof ApiError && !this.settled) this.settled = tried;
        throw e;
      }
      this.settled = compareVersions(max, tried) < 0 ? max : tried;
      return send(`/v${this.settled}${path}${q}`);
    }
  }

  private baseRequestOptions(method: string, path: string, headers: Record<string, string>): http.RequestOptions {
    const ep = this.endpoint;
    // No agent: node then calls createConnection itself (see the file comment).
    const common = { method, path, headers: { 'User-Agent': this.opts.userAgent ?? 'pier-client', ...headers }, createConnection: connect };
    return ep.kind === 'unix' ? { ...common, socketPath: ep.socketPath, host: 'api.moby.localhost' } : { ...common, hostname: ep.hostname, port: ep.port };
  }

  private prepareBody(opts: RequestOptions): { headers: Record<string, string>; data?: Buffer; stream?: Readable } {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const b = opts.body;
    if (b === undefined) return { headers };
    if (Buffer.isBuffer(b) || typeof b === 'string') {
      const data = Buffer.from(b);
      headers['Content-Type'] ??= 'text/plain';
      headers['Content-Length'] = String(data.length);
      return { headers, data };
    }
    if (isStream(b)) {
      headers['Content-Type'] ??= 'application/x-tar';
      headers['Transfer-Encoding'] = 'chunked';
      return { headers, stream: b as Readable };
    }
    const data = Buffer.from(JSON.stringify(b));
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(data.length);
    return { headers, data };
  }

  /** plainOpen with the client's User-Agent. Throws ConnectError when unreachable. */
  private async open(method: string, full: string, headers: Record<string, string>, body: Buffer | undefined, signal?: AbortSignal): Promise<PlainHead> {
    try {
      return await plainOpen(this.endpoint, { method, path: full, headers: { 'User-Agent': this.opts.userAgent ?? 'pier-client', ...headers }, body, signal });
    } catch (e) {
      throw isConnectFailure(e) ? new ConnectError(this.endpoint.url, e) : e;
    }
  }

  private async raw(method: string, fullPath: string, opts: RequestOptions): Promise<http.IncomingMessage> {
    const { headers, data, stream } = this.prepareBody(opts);
    if (!stream) {
      const head = await this.open(method, fullPath, headers, data, opts.signal);
      const body = new PlainBody(head, method);
      opts.signal?.addEventListener('abort', () => body.destroy(), { once: true });
      // The fields callers use (statusCode, headers, the stream) are those of IncomingMessage.
      return body as unknown as http.IncomingMessage;
    }
    return new Promise((resolve, reject) => {
      const req = httpModule().request(this.baseRequestOptions(method, fullPath, headers), resolve);
      req.on('error', (e) => reject(isConnectFailure(e) ? new ConnectError(this.endpoint.url, e) : e));
      if (opts.signal) {
        if (opts.signal.aborted) req.destroy();
        opts.signal.addEventListener('abort', () => req.destroy(), { once: true });
      }
      if (stream) {
        stream.on('error', (e) => req.destroy(e));
        stream.pipe(req);
      } else req.end(data);
    });
  }

  /**
   * Sends a request and returns the response when its status is 2xx (or 304).
   * Throws ApiError with the daemon's message otherwise, ConnectError when unreachable.
   */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    return this.versioned(path, opts, async (full) => {
      const res = await this.raw(method, full, opts);
      const status = res.statusCode ?? 500;
      if (status >= 400) {
        const body = await readAll(res);
        throw new ApiError(status, errorMessage(status, body, res.headers['content-type']));
      }
      return res;
    });
  }

  /** Sends a request and parses the JSON answer (undefined for an empty body). Throws like request. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const { body } = await this.whole(method, path, opts);
    if (body.length === 0) return undefined as T;
    return JSON.parse(body.toString('utf8')) as T;
  }

  /** Sends a request and discards the answer; returns the status. Throws like request. */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<number> {
    return (await this.whole(method, path, opts)).status;
  }

  /**
   * The whole answer of a request (2xx/304), through plain-http.ts unless the body is a stream.
   * Throws ApiError with the daemon's message otherwise, ConnectError when unreachable.
   */
  private async whole(method: string, path: string, opts: RequestOptions): Promise<PlainResponse> {
    if (isStream(opts.body)) {
      const res = await this.request(method, path, opts);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode ?? 200, headers, body: await readAll(res) };
    }
    return this.versioned(path, opts, async (full) => {
      const res = await this.plain(method, full, opts);
      if (res.status >= 400) throw new ApiError(res.status, errorMessage(res.status, res.body, res.headers['content-type']));
      return res;
    });
  }

  /** One plain-http request to `full` (path with version and query). Throws ConnectError when unreachable. */
  private async plain(method: string, full: string, opts: RequestOptions): Promise<PlainResponse> {
    const { headers, data } = this.prepareBody(opts);
    try {
      return await plainRequest(this.endpoint, { method, path: full, headers: { 'User-Agent': this.opts.userAgent ?? 'pier-client', ...headers }, body: data, signal: opts.signal });
    } catch (e) {
      throw isConnectFailure(e) ? new ConnectError(this.endpoint.url, e) : e;
    }
  }

  /**
   * Opens a hijacked connection (`Connection: Upgrade`, `Upgrade: tcp`). Resolves with the raw
   * socket on 101, or with the response stream on a plain 200. Throws ApiError/ConnectError.
   */
  hijack(method: string, path: string, opts: RequestOptions = {}): Promise<Hijacked> {
    return this.versioned(path, opts, (full) => this.hijackOnce(method, full, opts));
  }

  private async hijackOnce(method: string, full: string, opts: RequestOptions): Promise<Hijacked> {
    const { headers, data } = this.prepareBody(opts);
    headers.Connection = 'Upgrade';
    headers.Upgrade = 'tcp';
    const head = await this.open(method, full, headers, data, opts.signal);
    const contentType = head.headers['content-type'] ?? '';
    if (head.status === 101) return { socket: head.socket, head: head.rest, contentType, upgraded: true };
    const res = new PlainBody(head, method);
    if (head.status >= 400) {
      const b = await readAll(res);
      throw new ApiError(head.status, errorMessage(head.status, b, contentType));
    }
    // No upgrade (an older daemon): the answer's body is the output; nothing can be sent.
    return { socket: res as unknown as Duplex, head: Buffer.alloc(0), contentType, upgraded: false };
  }
}
