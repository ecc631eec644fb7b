import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import * as packet from 'dns-packet';
import { nullLogger } from '../../../lib/log.js';
import type { DnsResolver } from '../parts.js';
import { createDnsServerWith } from './server.js';
import { createFrameReader, frame } from './framing.js';

/** A decoded packet with the fields the tests read (dns-packet's types omit some). */
type Dec = packet.DecodedPacket & { rcode: string; answers?: { type: string; name: string; ttl?: number; data: unknown }[] };
const dec = (b: Buffer): Dec => packet.decode(b) as Dec;

// A /24 of loopback addresses of our own (any 127/8 address binds on lo).
const net = `127.${40 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}`;
const SERVER = `${net}.1`;
const CLIENT = `${net}.5`;
const UPSTREAM = `${net}.9`;
const DEAD = `${net}.10`;

/** A resolver whose answers rotate at each lookup, like the real one; it records client IPs. */
function fakeResolver(): DnsResolver & { clients: string[] } {
  let turn = 0;
  const clients: string[] = [];
  return {
    clients,
    lookup(clientIp, name) {
      clients.push(clientIp);
      if (name !== 'web' && name !== 'web.mynet') return undefined;
      const ips = ['172.18.0.2', '172.18.0.3', '172.18.0.4'];
      const k = turn++ % ips.length;
      return [...ips.slice(k), ...ips.slice(0, k)];
    },
    reverse: (_c, ip) => (ip === '172.18.0.3' ? 'web.mynet' : undefined),
  };
}

/** Fake upstream: UDP answers example.com / big.example (truncated); TCP answers big.example in full. */
async function fakeUpstream(ip: string): Promise<{ port: number; udp: UdpSocket; tcp: Server; udpQueries: number }> {
  const udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, ip, () => r()));
  const port = udp.address().port;
  const state = { port, udp, tcp: createServer(), udpQueries: 0 };
  const answer = (m: Buffer, truncate: boolean): Buffer => {
    const d = dec(m);
    const name = d.questions![0]!.name;
    const n = name === 'big.example' ? (truncate ? 1 : 40) : 1;
    const answers = Array.from({ length: n }, (_, i) => ({ type: 'A' as const, name, ttl: 30, data: `93.184.${i}.34` }));
    return packet.encode({ id: d.id, type: 'response', flags: packet.RECURSION_AVAILABLE | (truncate && name === 'big.example' ? packet.TRUNCATED_RESPONSE : 0), questions: d.questions, answers });
  };
  udp.on('message', (m, r) => {
    state.udpQueries++;
    udp.send(answer(m, true), r.port, r.address);
  });
  state.tcp.on('connection', (s) => {
    const rd = createFrameReader();
    s.on('data', (c: Buffer) => rd.push(c).forEach((m) => s.write(frame(answer(m, false)))));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => state.tcp.listen(port, ip, () => r()));
  return state;
}

const query = (name: string, type: packet.RecordType = 'A', id = 777) =>
  packet.encode({ id, type: 'query', flags: packet.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });

function udpAsk(port: number, msg: Buffer, timeoutMs = 3000): Promise<Dec | undefined> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('error', reject);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(dec(m));
    });
    s.bind(0, CLIENT, () => s.send(msg, port, SERVER));
  });
}

function tcpAsk(port: number, msgs: Buffer[]): Promise<Dec[]> {
  return new Promise((resolve, reject) => {
    const out: Dec[] = [];
    const rd = createFrameReader();
    const s = connect({ host: SERVER, port, localAddress: CLIENT });
    s.on('error', reject);
    s.on('connect', () => s.write(Buffer.concat(msgs.map(frame))));
    s.on('data', (c: Buffer) => {
      for (const m of rd.push(c)) out.push(dec(m));
      if (out.length === msgs.length) {
        s.destroy();
        resolve(out);
      }
    });
  });
}

const ips = (p: Dec | undefined) => (p?.answers ?? []).map((a) => (a as { data: string }).data);

const upstream = await fakeUpstream(UPSTREAM);
const resolver = fakeResolver();
let upstreams = [`${UPSTREAM}:${upstream.port}`];
const upstreamClients: (string | undefined)[] = [];
const server = createDnsServerWith({ resolver, upstreams: (c) => (upstreamClients.push(c), upstreams), log: nullLogger }, { upstreamTimeoutMs: 300 });
const { port } = await server.listen(SERVER);

after(async () => {
  await server.close();
  upstream.udp.close();
  upstream.tcp.close();
});

test('listens on port 53 when free; a second listen returns the same port', async () => {
  assert.equal(port, 53);
  assert.deepEqual(await server.listen(SERVER), { port: 53 });
});

test('A of a container name: resolver order (round-robin), client address passed, TTL 600', async () => {
  const a = await udpAsk(port, query('Web.'));
  const b = await udpAsk(port, query('web'));
  assert.equal(a!.id, 777);
  assert.equal(a!.flag_aa, false);
  assert.equal(a!.flag_ra, true);
  assert.deepEqual(ips(a), ['172.18.0.2', '172.18.0.3', '172.18.0.4']);
  assert.deepEqual(ips(b), ['172.18.0.3', '172.18.0.4', '172.18.0.2']);
  assert.equal(a!.answers![0]!.ttl, 600);
  assert.equal(resolver.clients.at(-1), CLIENT);
});

test('AAAA of a container name: NOERROR, empty', async () => {
  const r = await udpAsk(port, query('web', 'AAAA'));
  assert.equal(r!.rcode, 'NOERROR');
  assert.equal(r!.answers!.length, 0);
});

test('PTR of a container address', async () => {
  const r = await udpAsk(port, query('3.0.18.172.in-addr.arpa', 'PTR'));
  assert.equal((r!.answers![0] as { data: string }).data, 'web.mynet');
});

test('unknown names are forwarded and relayed with the client id', async () => {
  const r = await udpAsk(port, query('example.com', 'A', 4321));
  assert.equal(r!.id, 4321);
  assert.deepEqual(ips(r), ['93.184.0.34']);
  assert.equal(upstreamClients.at(-1), CLIENT, 'upstreams asked for the querying container');
});

test('a truncated upstream UDP answer is retried over TCP for a TCP client', async () => {
  const [r] = await tcpAsk(port, [query('big.example', 'A', 99)]);
  assert.equal(r!.id, 99);
  assert.equal(r!.flag_tc, false);
  assert.equal(ips(r).length, 40);
  // A UDP client (512-byte limit) gets the truncated answer and retries over TCP itself.
  const u = await udpAsk(port, query('big.example'));
  assert.equal(u!.flag_tc, true);
});

test('TCP: several pipelined queries on one connection', async () => {
  const rs = await tcpAsk(port, [query('web', 'A', 1), query('example.com', 'A', 2), query('web', 'AAAA', 3)]);
  const byId = new Map(rs.map((r) => [r.id, r]));
  assert.equal(ips(byId.get(1)).length, 3);
  assert.deepEqual(ips(byId.get(2)), ['93.184.0.34']);
  assert.equal(byId.get(3)!.answers!.length, 0);
});

test('upstreams tried in order: a dead one times out, the next answers; none → SERVFAIL', async () => {
  const dead = createSocket('udp4'); // bound but never answers
  await new Promise<void>((r) => dead.bind(0, DEAD, () => r()));
  try {
    upstreams = [`${DEAD}:${dead.address().port}`, `${UPSTREAM}:${upstream.port}`];
    const t0 = Date.now();
    const r = await udpAsk(port, query('example.com'));
    assert.deepEqual(ips(r), ['93.184.0.34']);
    assert.ok(Date.now() - t0 >= 250, 'waited for the first upstream');
    upstreams = [`${DEAD}:${dead.address().port}`];
    const f = await udpAsk(port, query('example.com', 'A', 55));
    assert.equal(f!.rcode, 'SERVFAIL');
    assert.equal(f!.id, 55);
    upstreams = [];
    assert.equal((await udpAsk(port, query('example.com')))!.rcode, 'SERVFAIL');
    upstreams = [`${SERVER}:${port}`]; // itself: skipped, no loop
    assert.equal((await udpAsk(port, query('example.com')))!.rcode, 'SERVFAIL');
  } finally {
    upstreams = [`${UPSTREAM}:${upstream.port}`];
    dead.close();
  }
});

test('malformed input is ignored and the server keeps answering', async () => {
  const junk = [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(12, 0xff), query('web').subarray(0, 15), Buffer.alloc(600, 0x41)];
  for (const j of junk) assert.equal(await udpAsk(port, j, 100), undefined);
  // TCP: a garbage frame, a zero-length frame, then a good query on the same connection.
  const ok = await new Promise<Dec>((resolve, reject) => {
    const rd = createFrameReader();
    const s = connect({ host: SERVER, port, localAddress: CLIENT });
    s.on('error', reject);
    s.on('connect', () => s.write(Buffer.concat([frame(Buffer.alloc(0)), frame(Buffer.from('garbage!!!!!!!!')), frame(query('web', 'A', 8))])));
    s.on('data', (c: Buffer) => {
      const [m] = rd.push(c);
      if (m) {
        s.destroy();
        resolve(dec(m));
      }
    });
  });
  assert.equal(ok.id, 8);
  assert.equal(ips(ok).length, 3);
  assert.equal(ips(await udpAsk(port, query('web'))).length, 3);
});

test('EADDRINUSE on 53 → the same ephemeral port for UDP and TCP', async () => {
  const ip = `${net}.20`;
  const squatter = createSocket('udp4');
  await new Promise<void>((r) => squatter.bind(53, ip, () => r()));
  const s2 = createDnsServerWith({ resolver, upstreams: () => [], log: nullLogger }, {});
  try {
    const { port: p } = await s2.listen(ip);
    assert.notEqual(p, 53);
    const a = await new Promise<Dec>((resolve) => {
      const c = createSocket('udp4');
      c.on('message', (m) => {
        c.close();
        resolve(dec(m));
      });
      c.send(query('web'), p, ip);
    });
    assert.equal(ips(a).length, 3);
    const t = await new Promise<boolean>((resolve) => {
      const c = connect({ host: ip, port: p }, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    assert.equal(t, true, 'TCP listens on the same port');
    await s2.unlisten(ip);
    await assert.rejects(new Promise((resolve, reject) => {
      const c = connect({ host: ip, port: p }, () => resolve(c.destroy()));
      c.on('error', reject);
    }));
  } finally {
    await s2.close();
    squatter.close();
  }
});

test('listen on an address the host does not have throws Internal', async () => {
  const s3 = createDnsServerWith({ resolver, upstreams: () => [], log: nullLogger }, {});
  await assert.rejects(s3.listen('192.0.2.77'), (e: Error & { kind?: string }) => e.kind === 'Internal');
  await s3.close();
});

test('an answer arriving after unlisten does not crash; over the forwarding cap → SERVFAIL at once', async () => {
  const ip = `${net}.30`;
  const dead = createSocket('udp4');
  await new Promise<void>((r) => dead.bind(0, DEAD, () => r()));
  const s4 = createDnsServerWith({ resolver, upstreams: () => [`${DEAD}:${dead.address().port}`], log: nullLogger }, { upstreamTimeoutMs: 100 });
  try {
    const { port: p } = await s4.listen(ip);
    const c = createSocket('udp4');
    await new Promise<void>((r) => c.send(query('example.com'), p, ip, () => r()));
    await new Promise((r) => setTimeout(r, 20));
    await s4.unlisten(ip);
    await new Promise((r) => setTimeout(r, 200)); // the SERVFAIL is produced after the socket closed
    c.close();
    const s5 = createDnsServerWith({ resolver, upstreams: () => [`${DEAD}:${dead.address().port}`], log: nullLogger }, { upstreamTimeoutMs: 5000, maxForwarding: 0 });
    const { port: p5 } = await s5.listen(ip);
    const t0 = Date.now();
    const r = await new Promise<Dec>((resolve) => {
      const c5 = createSocket('udp4');
      c5.on('message', (m) => {
        c5.close();
        resolve(dec(m));
      });
      c5.send(query('example.com'), p5, ip);
    });
    assert.equal(r.rcode, 'SERVFAIL');
    assert.ok(Date.now() - t0 < 1000);
    await s5.close();
  } finally {
    await s4.close();
    dead.close();
  }
});
