/**
 * Streamed answers and hijacked connections over node:net (see plain-http.ts for why not
 * node:http): plainOpen sends a request and resolves at the answer's head with the socket and
 * the bytes already read past it; PlainBody turns that into the answer's body as a Readable
 * (Content-Length, chunked or until close) with backpressure on the socket.
 */
import net from 'node:net';
import { Readable } from 'node:stream';
import type { Endpoint } from './host.js';

/** An answer's head, with the connection and what was read past the head. */
export interface PlainHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  socket: net.Socket;
  rest: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** The error a request aborted by its signal rejects with (as node:http's). */
export function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** What to send. */
export interface PlainRequest {
  method: string;
  /** Path with query. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
}

/**
 * Decodes a chunked body. Returns the body once the last chunk (and its trailer) is in `buf`,
 * undefined while more is needed. Throws on a malformed chunk size.
 */
export function decodeChunked(buf: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return undefined;
    const sizeText = buf.toString('latin1', pos, eol).split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`malformed chunk size: ${JSON.stringify(sizeText.slice(0, 20))}`);
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // Trailer fields (usually none), then an empty line.
      const end = buf.indexOf('\r\n', eol + 2);
      if (end < 0) return undefined;
      if (end === eol + 2) return Buffer.concat(parts);
      return buf.indexOf(CRLF2, eol) < 0 ? undefined : Buffer.concat(parts);
    }
    if (buf.length < eol + 2 + size + 2) return undefined;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
}


/** Parses a response head. Throws on a malformed status line. */
export function parseResponseHead(head: string): { status: number; headers: Record<string, string> } {
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) throw new Error(`malformed HTTP response: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  return { status: Number(m[1]), headers };
}

/** The request's bytes: request line, Host, the given headers, then the body if any. */
export function requestBytes(endpoint: Endpoint, req: PlainRequest, connection: string): Buffer {
  const host = endpoint.kind === 'unix' ? 'api.moby.localhost' : `${endpoint.hostname.includes(':') ? `[${endpoint.hostname}]` : endpoint.hostname}:${endpoint.port}`;
  let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
  if (req.body === undefined && req.method !== 'GET' && req.method !== 'HEAD') head += 'Content-Length: 0\r\n';
  if (connection) head += `Connection: ${connection}\r\n`;
  head += '\r\n';
  const h = Buffer.from(head, 'latin1');
  return req.body ? Buffer.concat([h, req.body]) : h;
}

/**
 * Connects, sends `req` and resolves at the answer's head (1xx answers other than 101 are
 * skipped). `req.headers` may carry `Connection: Upgrade`; otherwise `Connection: close` is sent.
 * The socket is handed over with no 'data' listener and not flowing, so nothing is lost before
 * the caller reads. Rejects with the socket's error, an Error for a malformed answer or a
 * connection closed before the head, or an AbortError.
 */
export function plainOpen(endpoint: Endpoint, req: PlainRequest): Promise<PlainHead> {
  return new Promise((resolve, reject) => {
    const sock = endpoint.kind === 'unix' ? net.createConnection({ path: endpoint.socketPath }) : net.createConnection({ host: endpoint.hostname, port: endpoint.port });
    const upgrade = Object.keys(req.headers).some((k) => k.toLowerCase() === 'connection');
    let settled = false;
    let buf: Buffer = Buffer.alloc(0);
    const cleanup = () => {
      sock.removeListener('data', onData);
      sock.removeListener('end', onEnd);
      sock.removeListener('error', onError);
      req.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      sock.destroy();
      reject(e);
    };
    const onAbort = () => fail(abortError());
    const onError = (e: Error) => fail(e);
    const onEnd = () => fail(new Error('the daemon closed the connection before answering'));
    const onData = (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      for (;;) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) return;
        let h;
        try {
          h = parseResponseHead(buf.toString('latin1', 0, end));
        } catch (e) {
          return fail(e as Error);
        }
        buf = buf.subarray(end + 4);
        if (h.status >= 100 && h.status < 200 && h.status !== 101) continue;
        settled = true;
        cleanup();
        // Like node's http client before 'upgrade': no listener, not flowing; data now buffers.
        (sock as { readableFlowing: boolean | null }).readableFlowing = null;
        resolve({ ...h, socket: sock, rest: buf });
        return;
      }
    };
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.on('connect', () => sock.write(requestBytes(endpoint, req, upgrade ? '' : 'close')));
  });
}

/** How a body ends. */
type Framing = { kind: 'length'; left: number } | { kind: 'chunked'; pending: Buffer } | { kind: 'close' } | { kind: 'none' };

/**
 * The body of an answer as a Readable, with `statusCode` and `headers` like an
 * http.IncomingMessage. Ends at the body's end (then closes the connection); errors with
 * "unexpected end" when the daemon closes it early. Chunked bodies are passed on chunk by chunk
 * as they arrive, so streams (logs -f, events) are not held back.
 */
export class PlainBody extends Readable {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  private readonly sock: net.Socket;
  private framing: Framing;
  private ended = false;

  /** Takes over `head.socket`; `method` tells whether a body follows at all (HEAD). */
  constructor(head: PlainHead, method: string) {
    super();
    this.statusCode = head.status;
    this.headers = head.headers;
    this.sock = head.socket;
    const te = head.headers['transfer-encoding'] ?? '';
    const len = head.headers['content-length'];
    if (method === 'HEAD' || head.status === 204 || head.status === 304) this.framing = { kind: 'none' };
    else if (/\bchunked\b/i.test(te)) this.framing = { kind: 'chunked', pending: Buffer.alloc(0) };
    else if (len !== undefined) this.framing = { kind: 'length', left: Number(len) };
    else this.framing = { kind: 'close' };
    this.sock.on('data', (d: Buffer) => this.feed(d));
    this.sock.on('end', () => this.onClosed());
    this.sock.on('close', () => this.onClosed());
    this.sock.on('error', (e) => this.destroy(e));
    this.sock.pause();
    if (head.rest.length) this.feed(head.rest);
    if (this.framing.kind === 'none' || (this.framing.kind === 'length' && this.framing.left === 0)) this.finish();
  }

  override _read(): void {
    if (!this.ended) this.sock.resume();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.sock.destroy();
    cb(err);
  }

  private out(b: Buffer): void {
    if (b.length && !this.push(b)) this.sock.pause();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.push(null);
    this.sock.destroy();
  }

  private feed(d: Buffer): void {
    if (this.ended || this.destroyed) return;
    const f = this.framing;
    if (f.kind === 'close') return this.out(d);
    if (f.kind === 'length') {
      const take = d.subarray(0, f.left);
      f.left -= take.length;
      this.out(take);
      if (f.left === 0) this.finish();
      return;
    }
    if (f.kind !== 'chunked') return;
    f.pending = f.pending.length ? Buffer.concat([f.pending, d]) : d;
    // Pass on every complete chunk; keep the incomplete tail.
    for (;;) {
      const eol = f.pending.indexOf('\r\n');
      if (eol < 0) return;
      const sizeText = f.pending.toString('latin1', 0, eol).split(';')[0]!.trim();
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) return void this.destroy(new Error(`malformed chunk size: ${JSON.stringify(sizeText.slice(0, 20))}`));
      const size = parseInt(sizeText, 16);
      if (size === 0) {
        if (decodeChunked(f.pending) !== undefined) this.finish();
        return;
      }
      if (f.pending.length < eol + 2 + size + 2) return;
      this.out(f.pending.subarray(eol + 2, eol + 2 + size));
      f.pending = f.pending.subarray(eol + 2 + size + 2);
    }
  }

  private onClosed(): void {
    if (this.ended || this.destroyed) return;
    if (this.framing.kind === 'close') return this.finish();
    this.destroy(new Error('unexpected end of the answer'));
  }
}
