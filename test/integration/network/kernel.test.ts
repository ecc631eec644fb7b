/**
 * The network service's kernel parts against the real kernel: bridges, veth pairs and macvlan
 * links into network namespaces of real processes (`unshare -n sleep`), the nftables table
 * (published ports from 127.0.0.1, the host's own address, hairpin, other bridges, IPv6 through
 * the proxy, UDP; isolation; internal networks; masquerade towards a fake upstream namespace)
 * and host-port reservations. Every object carries a random prefix and is removed in `after`.
 * Traffic stays on this machine (loopback, the host's own address, namespaces made here).
 * Needs root.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { readFile, readlink } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { run, start } from '../../../src/lib/exec.js';
import { nullLogger } from '../../../src/lib/log.js';
import { rootMissing } from '../../harness/probes.js';
import { createNetKernel } from '../../../src/core/networks/kernel.js';
import { createFirewall } from '../../../src/core/networks/firewall.js';
import { createPortReservations } from '../../../src/core/networks/ports.js';
import type { FirewallNetwork, FirewallPort, FirewallState } from '../../../src/core/networks/parts.js';

const skip = rootMissing() ?? false;
const pfx = `kt${randomBytes(2).toString('hex')}`;
const kernel = createNetKernel({ log: nullLogger });
const firewall = createFirewall({ log: nullLogger }, { table: `pier-${pfx}` });
const ports = createPortReservations({ log: nullLogger });
const children: ChildProcess[] = [];

/** The namespace processes ("containers") and their addresses. */
interface Ns { pid: number; ip: string }
const c: Record<'a1' | 'a2' | 'b1' | 'i1' | 'out', Ns> = {} as never;
let base = 0; // 10.<base>.0.0/16 is ours
let hostIp = '';
const net4 = (n: number, h: number) => `10.${base}.${n}.${h}`;
const br = { a: `${pfx}a`, b: `${pfx}b`, i: `${pfx}i`, u: `${pfx}u` };
let nets: FirewallNetwork[] = [];
let tcpPort = 0;
let localPort = 0;
let udpPort = 0;
const timings: string[] = [];

// ---- helpers -------------------------------------------------------------------------------

/** A process alone in a new network namespace. */
async function newNs(): Promise<number> {
  const child = start('unshare', ['-n', 'sleep', '600'], { stdio: 'ignore' });
  children.push(child);
  const own = await readlink('/proc/self/ns/net');
  for (let i = 0; i < 200; i++) {
    const theirs = await readlink(`/proc/${child.pid}/ns/net`).catch(() => own);
    if (theirs !== own) return child.pid!;
    await sleep(5);
  }
  throw new Error('unshare did not make a namespace');
}

function inNs(pid: number, args: string[], timeoutMs = 8000) {
  return run('nsenter', [`--net=/proc/${pid}/ns/net`, ...args], { timeoutMs });
}

async function ping(from: Ns, ip: string): Promise<boolean> {
  return (await inNs(from.pid, ['busybox', 'ping', '-c1', '-W1', ip])).code === 0;
}

/** An HTTP GET from inside a namespace (node: busybox-static's wget crashes resolving here). */
async function wget(from: Ns, url: string): Promise<string | undefined> {
  const script = `fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => r.text()).then((t) => process.stdout.write(t), () => process.exit(1))`;
  const r = await inNs(from.pid, [process.execPath, '-e', script, url]);
  return r.code === 0 ? r.stdout : undefined;
}

/** Runs a node server in a namespace: HTTP on :80 and UDP on :5000, both answering with the peer's address. */
async function serve(pid: number): Promise<void> {
  const script = `
    const net = require('node:net'); const dgram = require('node:dgram');
    net.createServer((s) => { s.once('data', () => s.end('HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\npeer=' + s.remoteAddress + '\\n')); s.on('error', () => {}); })
      .listen(80, '0.0.0.0', () => {
        const u = dgram.createSocket('udp4');
        u.on('message', (m, r) => u.send('udp peer=' + r.address + ' msg=' + m, r.port, r.address));
        u.bind(5000, '0.0.0.0', () => console.log('ready'));
      });`;
  const child = start('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.on('exit', () => reject(new Error('server in namespace exited')));
  });
}

/** A minimal HTTP GET from the host; resolves to the body, or to an error code. */
function hostGet(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => s.write('GET / HTTP/1.0\r\n\r\n'));
    const got: Buffer[] = [];
    s.setTimeout(3000, () => { s.destroy(); resolve('timeout'); });
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => resolve(Buffer.concat(got).toString().split('\r\n\r\n')[1] ?? ''));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function udpAsk(host: string, port: number, msg: string): Promise<string> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve('timeout'); }, 3000);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m.toString()); });
    s.send(msg, port, host);
  });
}

function overlaps(a: string, b: string): boolean {
  const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const [ia, la] = a.split('/');
  const [ib, lb] = b.split('/');
  const len = Math.min(Number(la), Number(lb));
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((toInt(ia!) & mask) >>> 0) === ((toInt(ib!) & mask) >>> 0);
}

function state(over: Partial<FirewallState> = {}): FirewallState {
  const p = (hostPort: number, proto: 'tcp' | 'udp', cport: number, ip = ''): FirewallPort =>
    ({ proto, hostIp: ip, hostPort, containerIp: c.a1.ip, containerPort: cport, bridge: br.a });
  return { networks: nets, ports: [p(tcpPort, 'tcp', 80), p(localPort, 'tcp', 80, '127.0.0.1'), p(udpPort, 'udp', 5000)], dnsRedirects: [], ...over };
}

// ---- setup and cleanup ---------------------------------------------------------------------

before(async () => {
  if (skip) return;
  const routes = await kernel.hostRoutes();
  const start0 = randomBytes(1)[0]! % 50;
  for (let i = 0; i < 50 && !base; i++) {
    const b = 200 + ((start0 + i) % 50);
    if (!routes.some((r) => overlaps(r, `10.${b}.0.0/16`))) base = b;
  }
  assert.ok(base, 'no free 10.200-249.0.0/16 for the test');
  const addrs = JSON.parse((await run('ip', ['-4', '-j', 'addr', 'show', 'dev', 'eth0'])).stdout || '[]') as { addr_info: { local: string }[] }[];
  hostIp = addrs[0]?.addr_info[0]?.local ?? '';
  nets = [
    { bridge: br.a, subnet: `${net4(1, 0)}/24`, internal: false, masquerade: true, icc: true },
    { bridge: br.b, subnet: `${net4(2, 0)}/24`, internal: false, masquerade: true, icc: true },
    { bridge: br.i, subnet: `${net4(3, 0)}/24`, internal: true, masquerade: true, icc: true },
  ];
  for (const [name, n] of [[br.a, 1], [br.b, 2], [br.i, 3]] as const) {
    await kernel.ensureBridge({ name, addresses: [`${net4(n, 1)}/24`], mtu: 1500 });
  }
  // The fake upstream: a bridge that is no pier network, one namespace on it, no route back.
  await kernel.ensureBridge({ name: br.u, addresses: [`${net4(9, 1)}/30`], mtu: 1500 });
  for (const k of ['a1', 'a2', 'b1', 'i1', 'out'] as const) c[k] = { pid: await newNs(), ip: '' };
  c.a1.ip = net4(1, 2); c.a2.ip = net4(1, 3); c.b1.ip = net4(2, 2); c.i1.ip = net4(3, 2); c.out.ip = net4(9, 2);
});

after(async () => {
  for (const ch of children) { try { ch.kill('SIGKILL'); } catch { /* gone */ } }
  await ports.close();
  await firewall.destroy();
  for (const l of await kernel.listLinks(pfx)) await kernel.deleteLink(l);
  const left = await kernel.listLinks(pfx);
  if (left.length) console.error(`# links left: ${left.join(', ')}`);
});

// ---- tests ---------------------------------------------------------------------------------

test('bridges exist; hostRoutes lists their subnets', { skip }, async () => {
  assert.deepEqual((await kernel.listLinks(pfx)).sort(), Object.values(br).sort());
  assert.equal(await kernel.linkExists(br.a), true);
  assert.ok((await kernel.hostRoutes()).includes(`${net4(1, 0)}/24`));
  await kernel.ensureBridge({ name: br.a, addresses: [`${net4(1, 1)}/24`], mtu: 1500 }); // idempotent
  // Concurrent calls for one new bridge both succeed.
  const extra = `${pfx}c`;
  await Promise.all([1, 2, 3].map(() => kernel.ensureBridge({ name: extra, addresses: [`${net4(7, 1)}/24`], mtu: 1500 })));
  assert.equal(await kernel.linkExists(extra), true);
  await kernel.deleteLink(extra);
  assert.equal(await kernel.linkExists(extra), false);
});

test('addVeth plumbs namespaces (two spawns); neighbours ping each other by IP', { skip }, async () => {
  const plumb = async (ns: Ns, bridge: string, n: number, host: string) => {
    const t0 = performance.now();
    await kernel.addVeth({ netns: `/proc/${ns.pid}/ns/net`, bridge, hostIfname: host, ifname: 'eth0', mac: `02:42:0a:${base.toString(16)}:0${n}:${ns.ip.split('.')[3]!.padStart(2, '0')}`, cidr: `${ns.ip}/${n === 9 ? 30 : 24}`, gateway: n === 9 ? undefined : net4(n, 1), mtu: 1500 });
    timings.push(`addVeth ${(performance.now() - t0).toFixed(1)} ms`);
  };
  await plumb(c.a1, br.a, 1, `${pfx}v1`);
  await plumb(c.a2, br.a, 1, `${pfx}v2`);
  await plumb(c.b1, br.b, 2, `${pfx}v3`);
  await plumb(c.i1, br.i, 3, `${pfx}v4`);
  await plumb(c.out, br.u, 9, `${pfx}v5`);
  assert.ok(await ping(c.a1, c.a2.ip), 'a1 → a2');
  assert.ok(await ping(c.a2, c.a1.ip), 'a2 → a1');
  assert.ok(await ping(c.a1, net4(1, 1)), 'a1 → gateway');
  const r = await inNs(c.a1.pid, ['ip', '-j', 'route']);
  assert.match(r.stdout, new RegExp(`"dst":"default","gateway":"${net4(1, 1).replace(/\./g, '\\.')}"`));
  console.log(`# ${timings.join(', ')}`);
});

test('a failing addVeth leaves no host side behind', { skip }, async () => {
  // eth0 exists in a1 already: the peer cannot take the name.
  await assert.rejects(
    kernel.addVeth({ netns: `/proc/${c.a1.pid}/ns/net`, bridge: br.a, hostIfname: `${pfx}vx`, ifname: 'eth0', mac: '02:42:0a:00:00:99', cidr: `${net4(1, 99)}/24`, mtu: 1500 }),
    (e: Error & { kind?: string }) => e.kind === 'Internal' && /File exists/.test(e.message),
  );
  assert.equal(await kernel.linkExists(`${pfx}vx`), false);
  await assert.rejects(
    kernel.addVeth({ netns: `/proc/${c.a1.pid}/ns/net`, bridge: `${pfx}zz`, hostIfname: `${pfx}vy`, ifname: 'eth5', mac: '02:42:0a:00:00:98', cidr: `${net4(1, 98)}/24`, mtu: 1500 }),
    (e: Error & { kind?: string }) => e.kind === 'Internal',
  );
  assert.equal(await kernel.linkExists(`${pfx}vy`), false);
});

test('without the firewall table, two bridges route to each other; with it they are isolated', { skip }, async () => {
  assert.ok(await ping(c.a1, c.b1.ip), 'plain forwarding works before the table exists');
  [tcpPort, localPort] = await ports.reserve('a1', [{ proto: 'tcp', hostIp: '', hostPort: 0 }, { proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0 }]);
  [udpPort] = await ports.reserve('a1', [{ proto: 'udp', hostIp: '', hostPort: 0 }]);
  ports.setTarget('a1', tcpPort!, 'tcp', { ip: c.a1.ip, port: 80 });
  const t0 = performance.now();
  await firewall.apply(state());
  const t1 = performance.now();
  await firewall.apply(state());
  const t2 = performance.now();
  console.log(`# firewall apply: first ${(t1 - t0).toFixed(1)} ms, replace ${(t2 - t1).toFixed(1)} ms`);
  for (const b of [br.a, br.b, br.i]) assert.equal((await readFile(`/proc/sys/net/ipv4/conf/${b}/route_localnet`, 'utf8')).trim(), '1', b);
  assert.equal((await readFile(`/proc/sys/net/ipv4/conf/${br.u}/route_localnet`, 'utf8')).trim(), '0', 'not a pier network');
  assert.equal(await ping(c.a1, c.b1.ip), false, 'a1 → b1 dropped');
  assert.equal(await ping(c.b1, c.a1.ip), false, 'b1 → a1 dropped');
  assert.ok(await ping(c.a1, c.a2.ip), 'same bridge still fine');
});

test('published TCP port: from 127.0.0.1, the host address, hairpin, another bridge, IPv6 via the proxy', { skip }, async () => {
  await serve(c.a1.pid);
  const gw = net4(1, 1);
  assert.equal(await hostGet('127.0.0.1', tcpPort), `peer=${gw}\n`, '127.0.0.1 is DNATed and masqueraded');
  if (hostIp) assert.equal(await hostGet(hostIp, tcpPort), `peer=${hostIp}\n`, 'host address keeps its source');
  if (hostIp) assert.equal(await wget(c.a2, `http://${hostIp}:${tcpPort}/`), `peer=${gw}\n`, 'hairpin from the same bridge');
  if (hostIp) assert.equal(await wget(c.b1, `http://${hostIp}:${tcpPort}/`), `peer=${gw}\n`, 'another bridge through the host address (masqueraded as it leaves its subnet, as in Docker)');
  assert.equal(await wget(c.a2, `http://${gw}:${tcpPort}/`), `peer=${gw}\n`, 'through the gateway address');
  if (hostIp) assert.equal(await wget(c.a1, `http://${hostIp}:${tcpPort}/`), `peer=${gw}\n`, 'hairpin to itself');
  assert.equal(await hostGet('::1', tcpPort), `peer=${gw}\n`, 'IPv6 reaches the listener, which proxies');
  const counters = (await run('nft', ['list', 'chain', 'ip', `pier-${pfx}`, 'published'])).stdout;
  const m = new RegExp(`tcp dport ${tcpPort} counter packets (\\d+)`).exec(counters);
  assert.ok(m && Number(m[1]) >= 4, counters);
});

test('a port published on 127.0.0.1 only is not reachable on the host address', { skip }, async () => {
  assert.equal(await hostGet('127.0.0.1', localPort), `peer=${net4(1, 1)}\n`);
  if (hostIp) assert.equal(await hostGet(hostIp, localPort), 'ECONNREFUSED');
});

test('published UDP port from 127.0.0.1 and the host address', { skip }, async () => {
  assert.equal(await udpAsk('127.0.0.1', udpPort, 'hi'), `udp peer=${net4(1, 1)} msg=hi`);
  if (hostIp) assert.equal(await udpAsk(hostIp, udpPort, 'yo'), `udp peer=${hostIp} msg=yo`);
});

test('DNS redirect: gateway:53 from the bridge reaches a server on another port of the gateway', { skip }, async () => {
  const gw = net4(1, 1);
  const server = dgram.createSocket('udp4');
  server.on('message', (m, r) => server.send(`dns:${m}:${r.address}`, r.port, r.address));
  await new Promise<void>((r) => server.bind(0, gw, r));
  try {
    await firewall.apply(state({ dnsRedirects: [{ bridge: br.a, ip: gw, port: server.address().port }] }));
    const script = `const s = require('node:dgram').createSocket('udp4'); s.on('message', (m) => { console.log(String(m)); process.exit(0); });
      s.send('q', 53, process.argv[1]); setTimeout(() => process.exit(1), 3000);`;
    const r = await inNs(c.a2.pid, [process.execPath, '-e', script, gw]);
    assert.equal(r.stdout.trim(), `dns:q:${c.a2.ip}`);
  } finally {
    server.close();
    await firewall.apply(state());
  }
});

test('route_localnet does not open the host\'s 127.0.0.1 services to containers', { skip }, async () => {
  const secret = net.createServer((s) => s.once('data', () => s.end('HTTP/1.0 200 OK\r\n\r\nsecret')));
  await new Promise<void>((r) => secret.listen(0, '127.0.0.1', r));
  const port = (secret.address() as net.AddressInfo).port;
  try {
    // The container sends to 127.0.0.1 through its gateway (it may do so: its namespace is its own).
    const setup = `echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet && ip route add 127.0.0.0/8 via ${net4(1, 1)} dev eth0 && ip route get 127.0.0.1`;
    const r = await inNs(c.a2.pid, ['sh', '-c', setup]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await wget(c.a2, `http://127.0.0.1:${port}/`), undefined, 'dropped');
    assert.equal(await wget(c.a2, `http://127.0.0.1:${tcpPort}/`), undefined, 'to a published port too (it is reachable through the host address)');
  } finally {
    await inNs(c.a2.pid, ['ip', 'route', 'del', '127.0.0.0/8']);
    secret.close();
  }
});

test('masquerade: a container reaches an upstream that has no route back; not without masquerade', { skip }, async () => {
  assert.ok(await ping(c.a1, c.out.ip), 'masqueraded');
  await firewall.apply(state({ networks: nets.map((n) => (n.bridge === br.a ? { ...n, masquerade: false } : n)) }));
  assert.equal(await ping(c.a1, c.out.ip), false, 'unmasqueraded source cannot be answered');
  await firewall.apply(state());
  assert.ok(await ping(c.a1, c.out.ip), 'masqueraded again');
});

test('internal network: the gateway only; nothing leaves, nothing enters', { skip }, async () => {
  assert.ok(await ping(c.i1, net4(3, 1)), 'gateway');
  assert.equal(await ping(c.i1, c.out.ip), false, 'no way out');
  assert.equal(await ping(c.i1, c.a1.ip), false, 'no other bridge');
  assert.equal(await ping(c.a1, c.i1.ip), false, 'nobody in');
});

test('macvlan links in two namespaces on one parent talk to each other; missing parent is NotFound', { skip }, async () => {
  const parent = `${pfx}p0`;
  const r = await run('ip', ['link', 'add', parent, 'type', 'veth', 'peer', 'name', `${pfx}p1`]);
  assert.equal(r.code, 0, r.stderr);
  await run('ip', ['link', 'set', parent, 'up']);
  await run('ip', ['link', 'set', `${pfx}p1`, 'up']); // the parent needs a carrier
  const t0 = performance.now();
  await kernel.addMacvlan({ netns: `/proc/${c.a2.pid}/ns/net`, parent, mode: 'bridge', ifname: 'eth1', mac: '02:42:0a:05:00:02', cidr: `${net4(5, 2)}/24`, mtu: 1500 });
  console.log(`# addMacvlan ${(performance.now() - t0).toFixed(1)} ms`);
  // An MTU above the parent's is capped to it.
  await kernel.addMacvlan({ netns: `/proc/${c.b1.pid}/ns/net`, parent, mode: 'bridge', ifname: 'eth1', mac: '02:42:0a:05:00:03', cidr: `${net4(5, 3)}/24`, mtu: 9000 });
  assert.match((await inNs(c.b1.pid, ['ip', '-j', 'link', 'show', 'eth1'])).stdout, /"mtu":1500/);
  assert.ok(await ping(c.a2, net4(5, 3)));
  await assert.rejects(
    kernel.addMacvlan({ netns: `/proc/${c.a2.pid}/ns/net`, parent: `${pfx}nope`, mode: 'bridge', ifname: 'eth2', mac: '02:42:0a:05:00:04', cidr: `${net4(5, 4)}/24`, mtu: 1500 }),
    (e: Error & { kind?: string }) => e.kind === 'NotFound' && e.message === `-o parent interface was not found on the host: ${pfx}nope`,
  );
  await assert.rejects(kernel.ensureBridge({ name: parent, addresses: [], mtu: 1500 }), (e: Error & { kind?: string }) =>
    e.kind === 'Internal' && e.message === `device ${parent} exists and is not a bridge`);
  await kernel.deleteInContainer(`/proc/${c.b1.pid}/ns/net`, 'eth1');
  assert.doesNotMatch((await inNs(c.b1.pid, ['ip', '-br', 'link'])).stdout, /eth1/);
  assert.equal(await ping(c.a2, net4(5, 3)), false);
});

test('released ports, destroyed table, deleted links and dead namespaces leave nothing', { skip }, async () => {
  await ports.release('a1');
  await firewall.destroy();
  assert.notEqual((await run('nft', ['list', 'table', 'ip', `pier-${pfx}`])).code, 0);
  // A veth pair vanishes with its namespace.
  children.find((ch) => ch.pid === c.i1.pid)!.kill('SIGKILL');
  for (let i = 0; i < 100 && (await kernel.linkExists(`${pfx}v4`)); i++) await sleep(20);
  assert.equal(await kernel.linkExists(`${pfx}v4`), false);
  await kernel.deleteLink(`${pfx}v1`);
  assert.equal(await kernel.linkExists(`${pfx}v1`), false);
});
