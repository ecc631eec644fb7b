import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeChunked, plainRequest } from './plain-http.js';
import { isConnectFailure } from './errors.js';
import type { Endpoint } from './host.js';

test('decodeChunked waits for the last chunk and its empty line', () => {
  const all = Buffer.from('5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n');
  for (let i = 0; i < all.length; i++) assert.equal(decodeChunked(all.subarray(0, i)), undefined, `prefix ${i}`);
  assert.equal(decodeChunked(all)?.toString(), 'hello, world');
  assert.equal(decodeChunked(Buffer.from('0\r\nX-T: 1\r\n\r\n'))?.toString(), '');
  assert.throws(() => decodeChunked(Buffer.from('zz\r\n')));
});

/** A raw daemon: `answer` gets the request text and writes raw bytes. Returns its endpoint. */
async function rawServer(t: { after: (fn: () => void) => void }, answer: (req: string, s: net.Socket) => void): Promise<Endpoint> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-plain-'));
  const sock = path.join(dir, 's.sock');
  const server = net.createServer((s) => {
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? 0);
      if (got.length >= end + 4 + len) answer(got, s);
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(sock, r));
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { kind: 'unix', url: `unix://${sock}`, socketPath: sock };
}

test('content-length, chunked in pieces, close-delimited, HEAD and 204 answers', async (t) => {
  const seen: string[] = [];
  const ep = await rawServer(t, (req, s) => {
    seen.push(req);
    const p = req.split(' ')[1];
    if (p === '/len') s.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\nX-A: 1\r\nX-A: 2\r\n\r\n{"a":"b"}');
    else if (p === '/chunked') {
      s.write('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab');
      setTimeout(() => s.write('c\r\n'), 10);
      setTimeout(() => s.write('0\r\n\r\n'), 20); // no close: the terminal chunk completes it
    } else if (p === '/close') s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nuntil close');
    else if (p === '/head') s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nApi-Version: 1.44\r\n\r\n');
    else s.write('HTTP/1.1 204 No Content\r\n\r\n');
  });
  const len = await plainRequest(ep, { method: 'POST', path: '/len', headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"x":1}') });
  assert.deepEqual([len.status, len.headers['x-a'], len.body.toString()], [200, '1, 2', '{"a":"b"}']);
  assert.match(seen[0]!, /^POST \/len HTTP\/1\.1\r\nHost: api\.moby\.localhost\r\nContent-Type: application\/json\r\nConnection: close\r\n\r\n\{"x":1\}$/);
  const ch = await plainRequest(ep, { method: 'GET', path: '/chunked', headers: {} });
  assert.deepEqual([ch.status, ch.body.toString()], [404, 'abc']);
  const cl = await plainRequest(ep, { method: 'GET', path: '/close', headers: {} });
  assert.deepEqual([cl.status, cl.body.toString()], [200, 'until close']);
  const head = await plainRequest(ep, { method: 'HEAD', path: '/head', headers: {} });
  assert.deepEqual([head.status, head.headers['api-version'], head.body.length], [200, '1.44', 0]);
  const none = await plainRequest(ep, { method: 'POST', path: '/none', headers: {} });
  assert.equal(none.status, 204);
  assert.match(seen.at(-1)!, /Content-Length: 0\r\n/);
});

test('connection failures, truncated answers and aborts reject', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-plain-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(plainRequest({ kind: 'unix', url: 'unix:///x', socketPath: path.join(dir, 'none.sock') }, { method: 'GET', path: '/', headers: {} }), (e: unknown) => isConnectFailure(e));
  const ep = await rawServer(t, (req, s) => {
    if (req.includes('/short')) s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    else if (req.includes('/garbage')) s.end('SMTP ready\r\n\r\n');
    // /slow: never answers
  });
  await assert.rejects(plainRequest(ep, { method: 'GET', path: '/short', headers: {} }), /unexpected end/);
  await assert.rejects(plainRequest(ep, { method: 'GET', path: '/garbage', headers: {} }), /malformed HTTP response/);
  const ac = new AbortController();
  const slow = plainRequest(ep, { method: 'GET', path: '/slow', headers: {}, signal: ac.signal });
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(slow, { name: 'AbortError' });
});
