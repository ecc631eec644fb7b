import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { nullLogger } from '../../lib/log.js';
import { allocatedMessage, bindFailedMessage, createPortReservations, EPHEMERAL_FIRST, EPHEMERAL_LAST } from './ports.js';

type Kinded = Error & { kind?: string };

/** A port nobody holds right now (the OS picks it, then it is closed again). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Whether the OS lets us bind tcp `host:port` right now. */
async function canBind(port: number, host = '0.0.0.0'): Promise<boolean> {
  const s = net.createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

test('messages copy Docker\'s wording', () => {
  assert.equal(allocatedMessage('', 8080), 'Bind for 0.0.0.0:8080 failed: port is already allocated');
  assert.equal(allocatedMessage('127.0.0.1', 8080), 'Bind for 127.0.0.1:8080 failed: port is already allocated');
  assert.equal(bindFailedMessage('tcp', '', 8080, 'EADDRINUSE', 'x'), 'Error starting userland proxy: listen tcp4 0.0.0.0:8080: bind: address already in use');
  assert.equal(bindFailedMessage('udp', '::1', 53, 'EADDRINUSE', 'x'), 'Error starting userland proxy: listen udp6 [::1]:53: bind: address already in use');
  assert.equal(bindFailedMessage('tcp', '10.9.9.9', 80, 'EADDRNOTAVAIL', 'x'), 'Error starting userland proxy: listen tcp4 10.9.9.9:80: bind: cannot assign requested address');
});

test('a reserved port is held until released; another owner gets "already allocated"', async () => {
  const pr = createPortReservations({ log: nullLogger });
  const port = await freePort();
  assert.deepEqual(await pr.reserve('a', [{ proto: 'tcp', hostIp: '', hostPort: port }]), [port]);
  assert.equal(await canBind(port), false, 'the OS sees the port taken');
  await assert.rejects(pr.reserve('b', [{ proto: 'tcp', hostIp: '127.0.0.1', hostPort: port }]), (e: Kinded) => e.kind === 'Conflict' && e.message === allocatedMessage('127.0.0.1', port));
  await assert.rejects(pr.reserve('b', [{ proto: 'tcp', hostIp: '0.0.0.0', hostPort: port }]), (e: Kinded) => e.message === allocatedMessage('', port));
  // Another protocol on the same number is fine.
  assert.deepEqual(await pr.reserve('b', [{ proto: 'udp', hostIp: '', hostPort: port }]), [port]);
  await pr.release('a');
  assert.equal(await canBind(port), true);
  await pr.close();
});

test('specific addresses do not collide with each other, only with "all"', async () => {
  const pr = createPortReservations({ log: nullLogger });
  const port = await freePort();
  await pr.reserve('a', [{ proto: 'tcp', hostIp: '127.0.0.1', hostPort: port }]);
  await pr.reserve('b', [{ proto: 'tcp', hostIp: '127.0.0.2', hostPort: port }]);
  await assert.rejects(pr.reserve('c', [{ proto: 'tcp', hostIp: '', hostPort: port }]), (e: Kinded) => e.message === allocatedMessage('', port));
  await pr.close();
});

test('a port another program holds fails with the userland-proxy message', async () => {
  const pr = createPortReservations({ log: nullLogger });
  const other = net.createServer();
  await new Promise<void>((r) => other.listen(0, '0.0.0.0', r));
  const port = (other.address() as net.AddressInfo).port;
  await assert.rejects(pr.reserve('a', [{ proto: 'tcp', hostIp: '', hostPort: port }]), (e: Kinded) =>
    e.kind === 'Conflict' && e.message === `Error starting userland proxy: listen tcp4 0.0.0.0:${port}: bind: address already in use`);
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const uport = sock.address().port;
  await assert.rejects(pr.reserve('a', [{ proto: 'udp', hostIp: '127.0.0.1', hostPort: uport }]), (e: Kinded) =>
    e.message === `Error starting userland proxy: listen udp4 127.0.0.1:${uport}: bind: address already in use`);
  sock.close();
  await new Promise((r) => other.close(r));
  await pr.close();
});

test('all or nothing: a failing port releases the ones bound before it in the same call', async () => {
  const pr = createPortReservations({ log: nullLogger });
  const p1 = await freePort();
  const p2 = await freePort();
  await pr.reserve('x', [{ proto: 'tcp', hostIp: '', hostPort: p2 }]);
  await assert.rejects(pr.reserve('a', [{ proto: 'tcp', hostIp: '', hostPort: p1 }, { proto: 'tcp', hostIp: '', hostPort: p2 }]));
  assert.equal(await canBind(p1), true, 'p1 released again');
  assert.deepEqual(await pr.reserve('b', [{ proto: 'tcp', hostIp: '', hostPort: p1 }]), [p1], 'and free for the bookkeeping too');
  // The same port twice in one call collides with itself.
  const p3 = await freePort();
  await assert.rejects(pr.reserve('c', [{ proto: 'tcp', hostIp: '', hostPort: p3 }, { proto: 'tcp', hostIp: '', hostPort: p3 }]), (e: Kinded) => e.message === allocatedMessage('', p3));
  assert.equal(await canBind(p3), true);
  await pr.close();
});

test('ephemeral ports come from Docker\'s range and differ', async () => {
  const pr = createPortReservations({ log: nullLogger });
  const got = await pr.reserve('a', [
    { proto: 'tcp', hostIp: '', hostPort: 0 },
    { proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0 },
    { proto: 'udp', hostIp: '', hostPort: 0 },
    { proto: 'sctp', hostIp: '', hostPort: 0 },
  ]);
  for (const p of got) assert.ok(p >= EPHEMERAL_FIRST && p <= EPHEMERAL_LAST, String(p));
  assert.notEqual(got[0], got[1]);
  assert.equal(await canBind(got[0]!), false);
  await pr.close();
  assert.equal(await canBind(got[0]!), true);
});

test('a range gives the first port free here and at the OS', async () => {
  const pr = createPortReservations({ log: nullLogger });
  // Find three consecutive free ports.
  let base = 0;
  for (let p = 41000; p < 42000; p += 3) {
    if ((await canBind(p)) && (await canBind(p + 1)) && (await canBind(p + 2))) { base = p; break; }
  }
  assert.ok(base > 0);
  await pr.reserve('x', [{ proto: 'tcp', hostIp: '', hostPort: base }]);
  const other = net.createServer();
  await new Promise<void>((r) => other.listen(base + 1, '0.0.0.0', r));
  assert.deepEqual(await pr.reserve('a', [{ proto: 'tcp', hostIp: '', hostPort: base, hostPortEnd: base + 2 }]), [base + 2]);
  await assert.rejects(pr.reserve('b', [{ proto: 'tcp', hostIp: '', hostPort: base, hostPortEnd: base + 2 }]), (e: Kinded) => e.kind === 'Conflict');
  await new Promise((r) => other.close(r));
  await pr.close();
});

test('bad input is InvalidArgument', async () => {
  const pr = createPortReservations({ log: nullLogger });
  await assert.rejects(pr.reserve('a', [{ proto: 'tcp', hostIp: '', hostPort: 70000 }]), (e: Kinded) => e.kind === 'InvalidArgument');
  await assert.rejects(pr.reserve('a', [{ proto: 'tcp', hostIp: '', hostPort: 90, hostPortEnd: 80 }]), (e: Kinded) => e.kind === 'InvalidArgument');
  await pr.close();
});

test('SCTP ports are booked (conflicts here) without a socket', async () => {
  const pr = createPortReservations({ log: nullLogger });
  assert.deepEqual(await pr.reserve('a', [{ proto: 'sctp', hostIp: '', hostPort: 9 }]), [9]);
  await assert.rejects(pr.reserve('b', [{ proto: 'sctp', hostIp: '', hostPort: 9 }]), (e: Kinded) => e.message === allocatedMessage('', 9));
  await pr.release('a');
  assert.deepEqual(await pr.reserve('b', [{ proto: 'sctp', hostIp: '', hostPort: 9 }]), [9]);
  await pr.close();
});

test('the TCP listener proxies connections to the target (both directions, half-close)', async () => {
  const echo = net.createServer({ allowHalfOpen: true }, (c) => {
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => c.end(`echo:${Buffer.concat(chunks).toString()}:${c.remoteAddress}`));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const target = (echo.address() as net.AddressInfo).port;
  const pr = createPortReservations({ log: nullLogger });
  const [port] = await pr.reserve('a', [{ proto: 'tcp', hostIp: '', hostPort: 0 }]);

  const ask = (host: string) => new Promise<string>((resolve, reject) => {
    const c = net.connect({ host, port: port!, allowHalfOpen: true }, () => c.end('hello'));
    const got: Buffer[] = [];
    c.on('data', (d: Buffer) => got.push(d));
    c.on('end', () => resolve(Buffer.concat(got).toString()));
    c.on('close', () => resolve(Buffer.concat(got).toString()));
    c.on('error', reject);
  });
  assert.equal(await ask('127.0.0.1'), '', 'no target yet: the connection is closed');
  pr.setTarget('a', port!, 'tcp', { ip: '127.0.0.1', port: target });
  assert.equal(await ask('127.0.0.1'), 'echo:hello:127.0.0.1');
  assert.equal(await ask('::1'), 'echo:hello:127.0.0.1', 'IPv6 reaches the dual-stack listener');
  await pr.close();
  await new Promise((r) => echo.close(r));
});
