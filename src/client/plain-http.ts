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
import { decodeChunked, parseResponseHead, requestBytes, type PlainRequest } from './plain-stream.js';

export { decodeChunked, type PlainRequest } from './plain-stream.js';

/** A complete answer. Header names are lower case; repeated headers are joined with ", ". */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * Sends one request and resolves with the whole answer. Rejects with the socket's error (the
 * caller maps connection failures), with an Error for a malformed or truncated answer, or with
 * an AbortError when `signal` aborts.
 */
export function plainRequest(endpoint: Endpoint, req: PlainRequest): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const sock = endpoint.kind === 'unix' ? net.createConnection({ path: endpoint.socketPath }) : net.createConnection({ host: endpoint.hostname, port: endpoint.port });
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
          const h = parseResponseHead(buf.toString('latin1', 0, end));
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
      sock.write(requestBytes(endpoint, req, 'close'));
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
