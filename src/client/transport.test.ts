import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Transport, tooNewMaximum } from './transport.js';
import { ApiError } from './errors.js';

test('tooNewMaximum reads moby/pierd wording only', () => {
  assert.equal(tooNewMaximum('client version 1.44 is too new. Maximum supported API version is 1.41'), '1.41');
  assert.equal(tooNewMaximum('client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version'), undefined);
  assert.equal(tooNewMaximum('No such container: x'), undefined);
});

/** A fake daemon on a unix socket whose newest API version is `max`; records request lines. */
async function fakeDaemon(t: { after: (fn: () => void) => void }, max: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-transport-'));
  const sock = path.join(dir, 'd.sock');
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      const m = /^\/v(\d+\.\d+)\//.exec(req.url ?? '');
      if (req.url === '/_ping') {
        res.writeHead(200, { 'Api-Version': max });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
      } else if (m && Number(m[1]!.split('.')[1]) > Number(max.split('.')[1])) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `client version ${m[1]} is too new. Maximum supported API version is ${max}` }));
      } else if (req.url?.includes('/missing')) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"message":"No such container: missing"}');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const transport = new Transport({ endpoint: { kind: 'unix', url: `unix://${sock}`, socketPath: sock } });
  return { seen, transport };
}

test('a current daemon: no ping, the first request settles 1.44', async (t) => {
  const { seen, transport } = await fakeDaemon(t, '1.44');
  assert.deepEqual(await transport.json('GET', '/info'), { ok: true });
  assert.deepEqual(await transport.json('GET', '/version'), { ok: true });
  assert.equal(await transport.apiVersion(), '1.44');
  assert.deepEqual(seen, ['GET /v1.44/info', 'GET /v1.44/version']);
});

test('an error answer also settles the version; an older daemon gets one retry', async (t) => {
  const cur = await fakeDaemon(t, '1.44');
  await assert.rejects(cur.transport.json('GET', '/containers/missing/json'), (e: unknown) => e instanceof ApiError && e.status === 404);
  await cur.transport.json('GET', '/info');
  assert.deepEqual(cur.seen, ['GET /v1.44/containers/missing/json', 'GET /v1.44/info']);
  const old = await fakeDaemon(t, '1.41');
  await assert.rejects(old.transport.json('GET', '/containers/missing/json'), (e: unknown) => e instanceof ApiError && e.status === 404);
  await old.transport.json('POST', '/x', { body: { a: 1 } });
  assert.equal(await old.transport.apiVersion(), '1.41');
  assert.deepEqual(old.seen, ['GET /v1.44/containers/missing/json', 'GET /v1.41/containers/missing/json', 'POST /v1.41/x']);
});

test('a streamed body is sent once: the version is negotiated first', async (t) => {
  const { seen, transport } = await fakeDaemon(t, '1.41');
  await transport.call('POST', '/build', { body: Readable.from([Buffer.from('tar')]) });
  assert.deepEqual(seen, ['HEAD /_ping', 'POST /v1.41/build']);
});

test('a pinned version is used as is', async (t) => {
  const { seen, transport } = await fakeDaemon(t, '1.44');
  const pinned = new Transport({ endpoint: transport.endpoint, apiVersion: '1.40' });
  await pinned.json('GET', '/info');
  assert.equal(await pinned.apiVersion(), '1.40');
  assert.deepEqual(seen, ['GET /v1.40/info']);
});
