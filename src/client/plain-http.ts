/**
 * A small HTTP/1.1 client over node:net for requests whose whole answer is wanted at once (the
 * client's JSON calls: `ps`, `images`, `inspect`, `rm`, `create`, …). It spares the CLI loading
 * node:http and building its ClientRequest/IncomingMessage machinery, a noticeable part of a
 * short command's run. One connection per request with `Connection: close`; the answer is read
 * with plain-stream's plainOpen and PlainBody (Content-Length, chunked, or until the daemon
 * closes the connection). Streamed request bodies stay on node:http.
 */
import type { Endpoint } from './host.js';
import { abortError, PlainBody, plainOpen, type PlainRequest } from './plain-stream.js';

export { decodeChunked, type PlainRequest } from './plain-stream.js';

/** A complete answer. Header names are lower case; repeated headers are joined with ", ". */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends one request and resolves with the whole answer. Rejects with the socket's error (the
 * caller maps connection failures), with an Error for a malformed or truncated answer, or with
 * an AbortError when `signal` aborts.
 */
export async function plainRequest(endpoint: Endpoint, req: PlainRequest): Promise<PlainResponse> {
  const head = await plainOpen(endpoint, req);
  const body = new PlainBody(head, req.method);
  const onAbort = () => body.destroy(abortError());
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    return { status: head.status, headers: head.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
}
