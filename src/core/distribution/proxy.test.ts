import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { proxyFor, proxyFromEnv } from './proxy.js';
import { createTransport } from './transport.js';

test('proxyFor: scheme, loopback and NO_PROXY rules', () => {
  const s = { httpProxy: 'http://p:3128', httpsProxy: 'proxy.example:8080', noProxy: 'internal.example, .corp, 10.0.0.0/8, reg.example:5000' };
  const f = (u: string) => proxyFor(new URL(u), s)?.href;
  assert.equal(f('https://registry-1.docker.io/v2/'), 'http://proxy.example:8080/');
  assert.equal(f('http://registry-1.docker.io/v2/'), 'http://p:3128/');
  for (const direct of ['http://127.0.0.1:5000/', 'https://localhost/', 'http://[::1]:80/', 'https://internal.example/', 'https://a.internal.example/', 'https://x.corp/', 'http://10.1.2.3:5000/', 'https://reg.example:5000/']) {
    assert.equal(f(direct), undefined, direct);
  }
  assert.equal(f('https://reg.example:5001/'), 'http://proxy.example:8080/');
  assert.equal(f('https://notinternal.example/'), 'http://proxy.example:8080/');
  assert.equal(proxyFor(new URL('https://x.example/'), { httpsProxy: 'http://p:1', noProxy: '*' }), undefined);
  assert.equal(proxyFor(new URL('https://x.example/'), {}), undefined);
  assert.deepEqual(proxyFromEnv({ https_proxy: 'http://a:1', NO_PROXY: 'x' }), { httpProxy: undefined, httpsProxy: 'http://a:1', noProxy: 'x' });
});

test('transport: a dead proxy fails fast with Go\'s proxyconnect message, no DNS lookup', async () => {
  const t = createTransport({ retryBaseMs: 1, proxy: { httpsProxy: 'http://127.0.0.1:9' } });
  const started = Date.now();
  await assert.rejects(t.request('https://registry-1.docker.io.invalid/v2/', { attempts: 1 }), (e: Error) => {
    assert.match(e.message, /^GET https:\/\/registry-1\.docker\.io\.invalid\/v2\/: proxyconnect tcp: dial tcp 127\.0\.0\.1:9: connect: connection refused$/);
    return true;
  });
  assert.ok(Date.now() - started < 2000);
  t.close();
});

test('transport: requests go through the proxy\'s CONNECT tunnel; the proxy resolves the name', async () => {
  const target = http.createServer((req, res) => res.end(`hello ${req.headers.host}`));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const port = (target.address() as AddressInfo).port;
  const seen: string[] = [];
  const proxy = http.createServer((_q, s) => s.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    seen.push(req.url ?? '');
    // The name only the proxy knows: registry.invalid → 127.0.0.1.
    const up = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const t = createTransport({ proxy: { httpProxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } });
  try {
    for (let i = 0; i < 2; i++) {
      const res = await t.request(`http://registry.invalid:${port}/v2/`);
      assert.equal(res.status, 200);
      let body = '';
      for await (const c of res.body) body += c;
      assert.equal(body, `hello registry.invalid:${port}`);
    }
    assert.deepEqual(seen, [`registry.invalid:${port}`], 'the tunnel is kept alive and reused');
  } finally {
    t.close();
    proxy.closeAllConnections();
    target.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await new Promise((r) => target.close(r));
  }
});
