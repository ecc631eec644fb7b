import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, ApiError, ConnectError, createDemuxer, frame, jsonLines, parseHost, encodeFilters } from './index.js';
import { Readable } from 'node:stream';

test('hosts', () => {
  assert.deepEqual(parseHost('unix:///run/x.sock'), { kind: 'unix', url: 'unix:///run/x.sock', socketPath: '/run/x.sock' });
  assert.deepEqual(parseHost('tcp://127.0.0.1:2375'), { kind: 'tcp', url: 'tcp://127.0.0.1:2375', hostname: '127.0.0.1', port: 2375 });
  assert.throws(() => parseHost('ftp://x'));
  const c = createClient({ env: { DOCKER_HOST: 'unix:///d.sock', PIER_HOST: 'unix:///p.sock' } });
  assert.equal(c.endpoint.url, 'unix:///p.sock');
  assert.equal(createClient({ env: {} }).endpoint.url, 'unix:///run/pier/pier.sock');
  assert.equal(createClient({ env: { DOCKER_HOST: 'unix:///d.sock' } }, { host: 'tcp://127.0.0.1:1' }).endpoint.url, 'tcp://127.0.0.1:1');
});

test('stdcopy demux across chunk boundaries', () => {
  const got: [number, string][] = [];
  const d = createDemuxer((s, p) => got.push([s, p.toString()]));
  const all = Buffer.concat([frame(1, 'out'), frame(2, 'err!'), frame(1, '')]);
  for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
  assert.deepEqual(got, [[1, 'out'], [2, 'err!'], [1, '']]);
  assert.equal(d.pending(), 0);
});

test('json lines', async () => {
  const out: unknown[] = [];
  for await (const v of jsonLines(Readable.from([Buffer.from('{"a":1}\r\n{"b"'), Buffer.from(':2}\n\n{"c":3}')]))) out.push(v);
  assert.deepEqual(out, [{ a: 1 }, { b: 2 }, { c: 3 }]);
});

test('filters encode as moby maps', () => {
  assert.equal(encodeFilters({ label: ['a=b', 'c'] }), '{"label":{"a=b":true,"c":true}}');
  assert.equal(encodeFilters({}), undefined);
});

test('negotiation, errors, hijack against a fake daemon', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-client-'));
  const sock = path.join(dir, 'd.sock');
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/v1.44/')) {
      // Like a daemon whose newest API is 1.41.
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"message":"client version 1.44 is too new. Maximum supported API version is 1.41"}');
    } else if (req.url === '/_ping') {
      res.writeHead(200, { 'Api-Version': '1.41', Ostype: 'linux' });
      res.end();
    } else if (req.url?.includes('/containers/nope/json')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"message":"No such container: nope"}');
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
    }
  });
  server.on('upgrade', (req, socket: net.Socket) => {
    seen.push(`UPGRADE ${req.url}`);
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    socket.write(frame(1, 'hello'));
    socket.on('data', (d) => socket.write(frame(2, d)));
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((r) => server.listen(sock, r));
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const c = createClient({ env: {} }, { host: `unix://${sock}` });
  assert.deepEqual(await c.containers.list({ all: true }), []);
  // No ping: the request goes out with 1.44 and is repeated with the daemon's maximum.
  assert.deepEqual(seen, ['GET /v1.44/containers/json?all=1', 'GET /v1.41/containers/json?all=1']);
  await assert.rejects(c.containers.inspect('nope'), (e: unknown) => e instanceof ApiError && e.status === 404 && e.message === 'No such container: nope');
  const h = await c.containers.attach('x', { stream: true, stdin: true, stdout: true, stderr: true });
  assert.equal(h.upgraded, true);
  const got: string[] = [];
  const d = createDemuxer((s, p) => got.push(`${s}:${p}`));
  if (h.head.length) d.push(h.head);
  h.socket.on('data', (b: Buffer) => d.push(b));
  h.socket.write('in');
  h.socket.end();
  await new Promise((r) => h.socket.on('close', r));
  assert.deepEqual(got, ['1:hello', '2:in']);
  assert.match(seen.at(-1)!, /^UPGRADE \/v1\.41\/containers\/x\/attach\?stderr=1&stdin=1&stdout=1&stream=1$/);
  const bad = createClient({ env: {} }, { host: `unix://${dir}/none.sock` });
  await assert.rejects(bad.containers.list(), (e: unknown) => e instanceof ConnectError && e.message === `Cannot connect to the Pier daemon at unix://${dir}/none.sock. Is the pier daemon running?`);
});
