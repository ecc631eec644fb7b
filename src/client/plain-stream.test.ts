import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PlainBody, plainOpen } from './plain-stream.js';
import type { Endpoint } from './host.js';

/** A raw daemon: `answer` gets the request head and the socket. */
async function rawServer(t: { after: (fn: () => void) => void }, answer: (req: string, s: net.Socket) => void): Promise<Endpoint> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-pstream-'));
  const sock = path.join(dir, 's.sock');
  const open = new Set<net.Socket>();
  const server = net.createServer((s) => {
    open.add(s);
    let got = '';
    let done = false;
    s.on('data', (d) => {
      if (done) return void s.emit('payload', d);
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        done = true;
        answer(got, s);
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(sock, r));
  t.after(() => {
    for (const s of open) s.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { kind: 'unix', url: `unix://${sock}`, socketPath: sock };
}

const text = async (r: NodeJS.ReadableStream) => {
  let s = '';
  for await (const c of r) s += (c as Buffer).toString();
  return s;
};

test('bodies: chunked arriving in pieces is passed on chunk by chunk; length; until close; early close fails', async (t) => {
  const ep = await rawServer(t, (req, s) => {
    const p = req.split(' ')[1];
    if (p === '/logs') {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\none\n\r');
      setTimeout(() => s.write('\n4\r\ntwo\n\r\n'), 20);
      setTimeout(() => s.write('0\r\n\r\n'), 40);
    } else if (p === '/len') s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    else if (p === '/close') s.end('HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n\r\nraw bytes');
    else s.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort');
  });
  const logs = new PlainBody(await plainOpen(ep, { method: 'GET', path: '/logs', headers: {} }), 'GET');
  // The first chunk is readable before the rest has been sent.
  const pieces: string[] = [];
  logs.on('data', (c: Buffer) => pieces.push(c.toString()));
  await new Promise((r) => logs.on('end', r));
  assert.deepEqual(pieces, ['one\n', 'two\n']);
  const len = new PlainBody(await plainOpen(ep, { method: 'GET', path: '/len', headers: {} }), 'GET');
  assert.equal(await text(len), 'hello');
  const cl = new PlainBody(await plainOpen(ep, { method: 'GET', path: '/close', headers: {} }), 'GET');
  assert.deepEqual([cl.statusCode, cl.headers['content-type'], await text(cl)], [200, 'application/x-tar', 'raw bytes']);
  const short = new PlainBody(await plainOpen(ep, { method: 'GET', path: '/short', headers: {} }), 'GET');
  await assert.rejects(text(short), /unexpected end/);
});

test('a large body is read with backpressure and arrives whole', async (t) => {
  const big = Buffer.alloc(3 * 1024 * 1024, 7);
  const ep = await rawServer(t, (_req, s) => {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`);
    s.end(big);
  });
  const body = new PlainBody(await plainOpen(ep, { method: 'GET', path: '/big', headers: {} }), 'GET');
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(n, big.length);
});

test('upgrade: bytes right after the 101 head and later ones both reach the caller', async (t) => {
  const ep = await rawServer(t, (req, s) => {
    assert.match(req, /Connection: Upgrade\r\nUpgrade: tcp\r\n/);
    assert.doesNotMatch(req, /Connection: close/);
    s.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nfirst|');
    setTimeout(() => s.write('second|'), 30);
    s.on('payload', (d: Buffer) => s.end(`echo:${d}`));
  });
  const h = await plainOpen(ep, { method: 'POST', path: '/attach', headers: { Connection: 'Upgrade', Upgrade: 'tcp' } });
  assert.equal(h.status, 101);
  await new Promise((r) => setTimeout(r, 60)); // the caller is late: nothing may be lost meanwhile
  let got = h.rest.toString();
  h.socket.on('data', (d: Buffer) => (got += d.toString()));
  h.socket.write('in');
  await new Promise((r) => h.socket.on('close', r));
  assert.equal(got, 'first|second|echo:in');
});
