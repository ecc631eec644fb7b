/**
 * A small HTTP/1.1 client over node:net for requests whose whole answer is wanted at once (the
 * client's JSON calls: `ps`, `images`, `inspect`, `rm`, `create`, …). It spares the CLI loading
 * node:http and building its ClientRequest/IncomingMessage machinery, a noticeable part of a
 * short command's run. One connection per request with `Connection: close`; the answer is
 * complete at its Content-Length, at the last chunk of a chunked body, or when the daemon closes
 * the connection. Streams, streamed request bodies and hijacked connections stay on node:http.
 */
import net from 'node:net';
import type { Endpoint } from './host.js';

/** A complete answer. Header names are lower case; repeated headers are joined with ", ". */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
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

const CRLF2 = Buffer.from('\r\n\r\n');

/** The head's status and headers. Throws on a malformed head. */
function parseHead(head: string): { status: number; headers: Record<string, string> } {
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

/**
 * Sends one request and resolves with the whole answer. Rejects with the socket's error (the
 * caller maps connection failures), with an Error for a malformed or truncated answer, or with
 * an AbortError when `signal` aborts.
 */
export function plainRequest(endpoint: Endpoint, req: PlainRequest): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const sock = endpoint.kind === 'unix' ? net.createConnection({ path: endpoint.socketPath }) : net.createConnection({ host: endpoint.hostname, port: endpoint.port });
    const host = endpoint.kind === 'unix' ? 'api.moby.localhost' : `${endpoint.hostname.includes(':') ? `[${endpoint.hostname}]` : endpoint.hostname}:${endpoint.port}`;
    let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${host}\r\n`;
    for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
    if (req.body === undefined && req.method !== 'GET' && req.method !== 'HEAD') head += 'Content-Length: 0\r\n';
    head += 'Connection: close\r\n\r\n';
    let settled = false;
    const finish = (e: Error | undefined, r?: PlainResponse) => {
      if (settled) return;
      settled = true;
      req.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (e) reject(e);
      else resolve(r!);
    };
    const onAbort = () => finish(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });

    let buf: Buffer = Buffer.alloc(0);
    let parsed: { status: number; headers: Record<string, string>; bodyStart: number } | undefined;
    /** Resolves when the answer in `buf` is complete (`closed`: the daemon closed the connection). */
    const check = (closed: boolean) => {
      try {
        if (!parsed) {
          const end = buf.indexOf(CRLF2);
          if (end < 0) {
            if (closed) finish(new Error('the daemon closed the connection before answering'));
            return;
          }
          const h = parseHead(buf.toString('latin1', 0, end));
          // 1xx answers (100 Continue) precede the real one.
          if (h.status >= 100 && h.status < 200) {
            buf = buf.subarray(end + 4);
            check(closed);
            return;
          }
          parsed = { ...h, bodyStart: end + 4 };
        }
        const { status, headers } = parsed;
        const rest = buf.subarray(parsed.bodyStart);
        if (req.method === 'HEAD' || status === 204 || status === 304) return finish(undefined, { status, headers, body: Buffer.alloc(0) });
        if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
          const body = decodeChunked(rest);
          if (body) return finish(undefined, { status, headers, body });
          if (closed) finish(new Error('unexpected end of a chunked answer'));
          return;
        }
        const len = headers['content-length'];
        if (len !== undefined) {
          const n = Number(len);
          if (rest.length >= n) return finish(undefined, { status, headers, body: rest.subarray(0, n) });
          if (closed) finish(new Error('unexpected end of the answer'));
          return;
        }
        if (closed) finish(undefined, { status, headers, body: rest });
      } catch (e) {
        finish(e as Error);
      }
    };
    sock.on('connect', () => {
      sock.write(req.body ? Buffer.concat([Buffer.from(head, 'latin1'), req.body]) : Buffer.from(head, 'latin1'));
    });
    sock.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      check(false);
    });
    sock.on('end', () => check(true));
    sock.on('close', () => check(true));
    sock.on('error', (e) => finish(e));
  });
}
