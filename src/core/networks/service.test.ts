import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEventBus } from '../events/index.js';
import { nullLogger } from '../../lib/log.js';
import { isKind } from '../../lib/errors.js';
import type { EventMessage } from '../../api/types.js';
import { createNetworkService } from './service.js';
import type { ContainerNetworkRequest, NetworkService, NetworkServiceOptions } from './index.js';
import { fakeDns, fakeFirewall, fakeKernel, fakePorts } from './fakes.test-util.js';

async function setup(o: Partial<NetworkServiceOptions> & { routes?: string[]; dir?: string; links?: string[] } = {}) {
  const dir = o.dir ?? (await mkdtemp(path.join(tmpdir(), 'pier-net-')));
  const resolvConf = path.join(dir, 'resolv.conf');
  await writeFile(resolvConf, 'nameserver 192.0.2.53\nsearch example\n');
  const k = fakeKernel(o.routes ?? []);
  for (const l of o.links ?? []) k.links.add(l);
  const fw = fakeFirewall();
  const ports = fakePorts();
  const dns = fakeDns();
  const events = createEventBus();
  const seen: EventMessage[] = [];
  const origEmit = events.emit.bind(events);
  events.emit = (type, action, id, attrs) => {
    const m = origEmit(type, action, id, attrs);
    seen.push(m);
    return m;
  };
  const { routes: _r, dir: _d, links: _l, ...rest } = o;
  const svc = await createNetworkService(
    { events, log: nullLogger },
    { root: path.join(dir, 'data'), execRoot: path.join(dir, 'exec'), instanceId: 'abcd1234', resolvConf, ...rest },
    { kernel: k.kernel, firewall: fw.firewall, ports: ports.ports, createDns: dns.createDns },
  );
  return { dir, svc, k, fw, ports, dns, seen, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

let n = 0;
function req(name: string, over: Partial<ContainerNetworkRequest> = {}): ContainerNetworkRequest {
  const id = (++n).toString(16).padStart(2, '0').repeat(32).slice(0, 64).replace(/^\d/, 'a');
  return { id, name, hostname: name, networkMode: 'default', endpoints: {}, links: [], portBindings: {}, publishAll: false, exposedPorts: [], ...over };
}

async function rejects(p: Promise<unknown> | (() => unknown), kind: string, msg: string | RegExp) {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(isKind(e, kind as never), `kind ${(e as { kind?: string }).kind} != ${kind}: ${(e as Error).message}`);
    if (typeof msg === 'string') assert.equal((e as Error).message, msg);
    else assert.match((e as Error).message, msg);
    return;
  }
  assert.fail('did not throw');
}

test('predefined networks: bridge as Docker shows it, host, none; ids kept on restart', async () => {
  const t = await setup({ routes: ['0.0.0.0/0', '172.17.0.0/16', '10.0.0.0/24'] });
  try {
    const b = t.svc.inspect('bridge');
    assert.equal(b.Driver, 'bridge');
    assert.deepEqual(b.IPAM, { Driver: 'default', Options: null, Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] });
    assert.deepEqual(b.Options, {
      'com.docker.network.bridge.default_bridge': 'true',
      'com.docker.network.bridge.enable_icc': 'true',
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
      'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
      'com.docker.network.bridge.name': 'pier0',
      'com.docker.network.driver.mtu': '1500',
    });
    assert.equal(t.svc.inspect('host').Driver, 'host');
    assert.equal(t.svc.inspect('none').Driver, 'null');
    assert.deepEqual(t.svc.defaults, { bridgeName: 'pier0', gateway: '172.18.0.1' });
    const ids = t.svc.list({}).map((x) => x.Id).sort();
    // restart: same ids, same subnet even though our own bridge's route now shows up
    const t2 = await setup({ dir: t.dir, routes: ['172.17.0.0/16', '172.18.0.0/16'], links: ['pier0'] });
    assert.deepEqual(t2.svc.list({}).map((x) => x.Id).sort(), ids);
    assert.equal(t2.svc.inspect('bridge').IPAM.Config![0]!.Subnet, '172.18.0.0/16');
  } finally {
    await t.cleanup();
  }
});

test('bip, fixed-cidr and bridge none', async () => {
  const t = await setup({ bip: '10.99.0.1/24', fixedCidr: '10.99.0.128/25', bridge: 'pt0' });
  try {
    assert.deepEqual(t.svc.inspect('bridge').IPAM.Config, [{ Subnet: '10.99.0.0/24', Gateway: '10.99.0.1', IPRange: '10.99.0.128/25' }]);
    const plan = await t.svc.prepare(req('c1'));
    assert.equal(plan.endpoints[0]!.ipv4, '10.99.0.128');
    assert.equal(plan.hostGatewayIp, '10.99.0.1');
    assert.equal(plan.nameservers, undefined);
    await t.svc.release(plan.endpoints[0]!.containerId);
  } finally {
    await t.cleanup();
  }
  const t2 = await setup({ bridge: 'none' });
  try {
    assert.throws(() => t2.svc.inspect('bridge'), /network bridge not found/);
  } finally {
    await t2.cleanup();
  }
});

test('create: auto subnet, Docker record shape, bridge + DNS + firewall, events', async () => {
  const t = await setup({ routes: ['172.19.0.0/16'] });
  try {
    const { Id, Warning } = await t.svc.create({ Name: 'app', Labels: { a: 'b' } });
    assert.equal(Warning, '');
    const i = t.svc.inspect('app');
    assert.equal(i.Id, Id);
    assert.deepEqual(i.IPAM, { Driver: 'default', Options: null, Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] });
    assert.deepEqual(i.Options, {});
    assert.deepEqual(i.Labels, { a: 'b' });
    assert.deepEqual(i.Containers, {});
    assert.ok(t.k.links.has(`br-${Id.slice(0, 12)}`));
    assert.ok(t.dns.listening.has('172.18.0.1'));
    const last = t.fw.applied.at(-1)!;
    assert.deepEqual(last.networks.map((x) => x.subnet).sort(), ['172.17.0.0/16', '172.18.0.0/16']);
    assert.ok(t.seen.some((e) => e.Type === 'network' && e.Action === 'create' && e.Actor.ID === Id && e.Actor.Attributes.name === 'app' && e.Actor.Attributes.type === 'bridge'));
    // next automatic one skips the host route 172.19/16
    await t.svc.create({ Name: 'app2' });
    assert.equal(t.svc.inspect('app2').IPAM.Config![0]!.Subnet, '172.20.0.0/16');
    // by id prefix
    assert.equal(t.svc.resolve(Id.slice(0, 5)).name, 'app');
  } finally {
    await t.cleanup();
  }
});

test('create: Docker errors', async () => {
  const t = await setup();
  try {
    await t.svc.create({ Name: 'x', IPAM: { Config: [{ Subnet: '10.5.0.0/16', IPRange: '10.5.1.0/24', Gateway: '10.5.0.254', AuxiliaryAddresses: { h: '10.5.0.9' } }] } });
    assert.deepEqual(t.svc.inspect('x').IPAM.Config, [{ Subnet: '10.5.0.0/16', IPRange: '10.5.1.0/24', Gateway: '10.5.0.254', AuxiliaryAddresses: { h: '10.5.0.9' } }]);
    await rejects(t.svc.create({ Name: 'x' }), 'Conflict', 'network with name x already exists');
    await rejects(t.svc.create({ Name: 'bridge' }), 'PermissionDenied', 'operation is not permitted on predefined bridge network ');
    await rejects(t.svc.create({ Name: 'h', Driver: 'host' }), 'PermissionDenied', 'only one instance of "host" network is allowed');
    await rejects(t.svc.create({ Name: 'h', Driver: 'weird' }), 'NotFound', 'plugin "weird" not found');
    await rejects(t.svc.create({ Name: 'y', IPAM: { Config: [{ Subnet: '10.5.3.0/24' }] } }), 'PermissionDenied', 'invalid pool request: Pool overlaps with other one on this address space');
    await rejects(
      t.svc.create({ Name: 'y', IPAM: { Config: [{ Subnet: '10.6.0.1/16', Gateway: '10.7.0.1', IPRange: '10.8.0.0/24' }] } }),
      'InvalidArgument',
      'invalid network config:\n* invalid subnet 10.6.0.1/16: it should be 10.6.0.0/16\n* invalid ip-range 10.8.0.0/24: parent subnet 10.6.0.0/16 doesn\'t contain ip-range\n* invalid gateway 10.7.0.1: parent subnet 10.6.0.0/16 doesn\'t contain this address',
    );
    await rejects(t.svc.create({ Name: 'y', IPAM: { Config: [{ Subnet: 'nope' }] } }), 'InvalidArgument', 'invalid network config:\n* invalid subnet nope: invalid CIDR block notation');
    await rejects(t.svc.create({ Name: 'm', Driver: 'macvlan' }), 'InvalidArgument', /parent/);
    await rejects(t.svc.create({ Name: 'm', Driver: 'macvlan', Options: { parent: 'nosuch0' } }), 'NotFound', '-o parent interface was not found on the host: nosuch0');
    await rejects(t.svc.create({ Name: 'm', Driver: 'macvlan', Options: { parent: 'eth0', macvlan_mode: 'x' } }), 'InvalidArgument', "requested macvlan mode 'x' is not valid, 'bridge' mode is the macvlan driver default");
    await t.svc.create({ Name: 'm', Driver: 'macvlan', Options: { parent: 'eth0' }, IPAM: { Config: [{ Subnet: '192.0.2.0/24' }] } });
    await rejects(t.svc.create({ Name: 'm2', Driver: 'macvlan', Options: { parent: 'eth0' } }), 'PermissionDenied', 'network m is already using parent interface eth0');
    await rejects(t.svc.create({ Name: 'b', Options: { 'com.docker.network.bridge.name': 'pier0' } }), 'Conflict', /already used/);
    await rejects(t.svc.remove('bridge'), 'PermissionDenied', 'bridge is a pre-defined network and cannot be removed');
    await rejects(t.svc.remove('nope'), 'NotFound', 'network nope not found');
  } finally {
    await t.cleanup();
  }
});

test('prepare/activate/release on a user network: addresses, veth, DNS names, no firewall apply without ports', async () => {
  const t = await setup();
  try {
    await t.svc.create({ Name: 'net', IPAM: { Config: [{ Subnet: '10.20.0.0/24' }] } });
    const applies = t.fw.applied.length;
    const a = req('web', { networkMode: 'net', endpoints: { net: { Aliases: ['www'] } }, hostname: 'webhost' });
    const plan = await t.svc.prepare(a);
    const ep = plan.endpoints[0]!;
    assert.equal(ep.ipv4, '10.20.0.2');
    assert.equal(ep.mac, '02:42:0a:14:00:02');
    assert.equal(ep.ifname, 'eth0');
    assert.match(ep.hostIfname!, /^veth[0-9a-f]{7}$/);
    assert.match(ep.endpointId, /^[0-9a-f]{64}$/);
    assert.deepEqual(ep.dnsNames, ['web', 'www', a.id.slice(0, 12), 'webhost']);
    assert.deepEqual(plan.nameservers, ['10.20.0.1']);
    const nsFile = path.join(t.dir, 'exec', 'netns', a.id.slice(0, 12));
    assert.equal(plan.sandboxKey, nsFile);
    assert.deepEqual(t.k.calls.filter((c) => c.op === 'createNetns'), [{ op: 'createNetns', args: nsFile }]);
    assert.equal(t.svc.endpointsOf(a.id).size, 0); // not active yet
    await t.svc.activate(a.id); // through the namespace file: no pid needed
    const veth = t.k.calls.find((c) => c.op === 'addVeth')!.args as Record<string, unknown>;
    assert.deepEqual(veth, { netns: nsFile, bridge: ep.hostIfname ? t.svc.inspect('net').Options['com.docker.network.bridge.name'] ?? `br-${t.svc.inspect('net').Id.slice(0, 12)}` : '', hostIfname: ep.hostIfname, ifname: 'eth0', mac: ep.mac, cidr: '10.20.0.2/24', gateway: '10.20.0.1', mtu: 1500 });
    assert.equal(t.fw.applied.length, applies, 'no nft apply for a container without ports');
    const b = req('db', { networkMode: 'net' });
    await t.svc.prepare(b);
    await t.svc.activate(b.id, 4243); // into the process's own namespace: b's file goes
    assert.equal((t.k.calls.filter((c) => c.op === 'addVeth').at(-1)!.args as { netns: string }).netns, '/proc/4243/ns/net');
    const r = t.dns.box.resolver!;
    assert.deepEqual(r.lookup('10.20.0.3', 'web'), ['10.20.0.2']);
    assert.deepEqual(r.lookup('10.20.0.3', 'WWW'), ['10.20.0.2']);
    assert.deepEqual(r.lookup('10.20.0.3', 'web.net'), ['10.20.0.2']);
    assert.deepEqual(r.lookup('10.20.0.2', b.id.slice(0, 12)), ['10.20.0.3']);
    assert.equal(r.lookup('10.20.0.3', 'example.com'), undefined);
    assert.equal(r.lookup('10.99.0.9', 'web'), undefined);
    assert.equal(r.reverse('10.20.0.3', '10.20.0.2'), 'web.net');
    assert.deepEqual(Object.keys(t.svc.inspect('net').Containers!).sort(), [a.id, b.id].sort());
    await rejects(t.svc.remove('net'), 'PermissionDenied', `error while removing network: network net id ${t.svc.inspect('net').Id} has active endpoints`);
    assert.equal((await readdir(path.join(t.dir, 'exec', 'networks', 'endpoints'))).length, 2);
    await t.svc.release(a.id);
    await t.svc.release(a.id); // idempotent
    assert.deepEqual(t.k.calls.filter((c) => c.op === 'removeNetns').map((c) => c.args), [path.join(t.dir, 'exec', 'netns', b.id.slice(0, 12)), nsFile]);
    assert.equal(r.lookup('10.20.0.3', 'web'), undefined);
    assert.equal(t.svc.endpointsOf(a.id).size, 0);
    // the freed .2 is not reused at once
    const c = req('c', { networkMode: 'net' });
    assert.equal((await t.svc.prepare(c)).endpoints[0]!.ipv4, '10.20.0.4');
    await t.svc.release(c.id);
    await t.svc.release(b.id);
    assert.equal((await readdir(path.join(t.dir, 'exec', 'networks', 'endpoints'))).length, 0);
    assert.ok(t.seen.some((e) => e.Action === 'connect' && e.Actor.Attributes.container === a.id && e.Actor.Attributes.name === 'net'));
    assert.ok(t.seen.some((e) => e.Action === 'disconnect' && e.Actor.Attributes.container === a.id));
    await t.svc.remove('net');
    assert.ok(!t.dns.listening.has('10.20.0.1'));
  } finally {
    await t.cleanup();
  }
});

test('static addresses and their errors; exhaustion', async () => {
  const t = await setup();
  try {
    await t.svc.create({ Name: 'small', IPAM: { Config: [{ Subnet: '10.30.0.0/29' }] } });
    const ip = (v: string) => ({ small: { IPAMConfig: { IPv4Address: v } } });
    const a = req('a', { networkMode: 'small', endpoints: ip('10.30.0.5') });
    assert.equal((await t.svc.prepare(a)).endpoints[0]!.ipv4, '10.30.0.5');
    await rejects(t.svc.prepare(req('b', { networkMode: 'small', endpoints: ip('10.30.0.5') })), 'PermissionDenied', 'Address already in use');
    await rejects(t.svc.prepare(req('b', { networkMode: 'small', endpoints: ip('10.31.0.5') })), 'InvalidArgument', "invalid address 10.31.0.5: It does not belong to any of this network's subnets");
    await rejects(t.svc.prepare(req('b', { endpoints: { bridge: { IPAMConfig: { IPv4Address: '172.17.0.9' } } } })), 'InvalidArgument', 'user specified IP address is supported on user defined networks only');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = req(`d${i}`, { networkMode: 'small' });
      await t.svc.prepare(r);
      ids.push(r.id);
    }
    const id = t.svc.inspect('small').Id;
    await rejects(t.svc.prepare(req('e', { networkMode: 'small' })), 'Internal', `no available IPv4 addresses on this network's address pools: small (${id})`);
    // a failed prepare leaves nothing allocated: releasing one gives exactly one back
    await t.svc.release(ids[0]!);
    await t.svc.prepare(req('f', { networkMode: 'small' }));
  } finally {
    await t.cleanup();
  }
});

test('ports: reserved at prepare, firewall applied at activate and release, conflicts leave nothing', async () => {
  const t = await setup();
  try {
    await t.svc.reconcile(new Map());
    const a = req('p', { portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, exposedPorts: ['80/tcp', '53/udp', '443/tcp'] });
    const plan = await t.svc.prepare(a);
    assert.deepEqual(plan.ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '40000' }], '443/tcp': null });
    assert.deepEqual(t.ports.targets.get('tcp/8080'), { ip: plan.endpoints[0]!.ipv4, port: 80 });
    const before = t.fw.applied.length;
    await t.svc.activate(a.id, 100);
    assert.equal(t.fw.applied.length, before + 1);
    assert.deepEqual(t.fw.applied.at(-1)!.ports.map((p) => `${p.proto}:${p.hostIp}:${p.hostPort}->${p.containerPort}@${p.bridge}`).sort(), [`tcp::8080->80@pier0`, `udp:127.0.0.1:40000->53@pier0`]);
    assert.deepEqual(t.svc.portsOf(a.id), plan.ports);
    const b = req('q', { portBindings: { '81/tcp': [{ HostPort: '9090' }], '82/tcp': [{ HostPort: '8080' }] } });
    await rejects(t.svc.prepare(b), 'Conflict', 'Bind for 0.0.0.0:8080 failed: port is already allocated');
    assert.ok(!t.ports.held.has('tcp/9090'));
    // -P publishes exposed ports
    const c = req('r', { publishAll: true, exposedPorts: ['7000/tcp'] });
    assert.deepEqual((await t.svc.prepare(c)).ports, { '7000/tcp': [{ HostIp: '0.0.0.0', HostPort: '40001' }] });
    await t.svc.release(c.id);
    await t.svc.release(a.id);
    assert.equal(t.fw.applied.at(-1)!.ports.length, 0);
    // a network's host_binding_ipv4 is the default host address of its published ports
    await t.svc.create({ Name: 'lo-only', Options: { 'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1' } });
    const d = req('s', { networkMode: 'lo-only', portBindings: { '80/tcp': [{ HostPort: '8181' }] } });
    assert.deepEqual((await t.svc.prepare(d)).ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8181' }] });
    await t.svc.release(d.id);
    assert.equal(t.ports.held.size, 0);
  } finally {
    await t.cleanup();
  }
});

test('connect/disconnect a running container; host refused', async () => {
  const t = await setup();
  try {
    await t.svc.create({ Name: 'n1' });
    const a = req('a');
    await t.svc.prepare(a);
    await t.svc.activate(a.id);
    const ep = await t.svc.connect(a, 'n1', { Aliases: ['al'] }, 77);
    assert.equal(ep!.ifname, 'eth1');
    const veth = t.k.calls.filter((c) => c.op === 'addVeth').at(-1)!.args as { gateway?: string };
    assert.equal(veth.gateway, undefined, 'the default route stays on eth0');
    assert.deepEqual([...t.svc.endpointsOf(a.id).keys()], ['bridge', 'n1']);
    await rejects(t.svc.connect(a, 'n1', {}, 77), 'PermissionDenied', 'endpoint with name a already exists in network n1');
    await rejects(t.svc.connect(a, 'host', {}, 77), 'PermissionDenied', 'container cannot be disconnected from host network or connected to host network');
    assert.equal(await t.svc.connect(req('stopped'), 'n1', {}), undefined);
    await t.svc.disconnect(a.id, 'n1');
    assert.deepEqual(t.k.calls.at(-1), { op: 'deleteInContainer', args: { netns: path.join(t.dir, 'exec', 'netns', a.id.slice(0, 12)), ifname: 'eth1' } });
    await rejects(t.svc.disconnect(a.id, 'n1'), 'NotFound', `container ${a.id} is not connected to network n1`);
    await t.svc.release(a.id);
  } finally {
    await t.cleanup();
  }
});

test('list and prune filters', async () => {
  const t = await setup();
  try {
    await t.svc.create({ Name: 'alpha', Labels: { team: 'x' } });
    await t.svc.create({ Name: 'beta' });
    const names = (f: Record<string, string[]>) => t.svc.list({ filters: new Map(Object.entries(f)) }).map((x) => x.Name).sort();
    assert.deepEqual(names({ type: ['custom'] }), ['alpha', 'beta']);
    assert.deepEqual(names({ type: ['builtin'] }), ['bridge', 'host', 'none']);
    assert.deepEqual(names({ name: ['^al'] }), ['alpha']);
    assert.deepEqual(names({ label: ['team=x'] }), ['alpha']);
    assert.deepEqual(names({ driver: ['null'] }), ['none']);
    assert.deepEqual(names({ dangling: ['true'] }), ['alpha', 'beta']);
    assert.throws(() => names({ type: ['x'] }), /invalid filter: 'type'='x'/);
    assert.throws(() => names({ bogus: ['x'] }), /invalid filter 'bogus'/);
    const a = req('a', { networkMode: 'beta' });
    await t.svc.prepare(a);
    await t.svc.activate(a.id, 5);
    const r = await t.svc.prune({ filters: new Map([['label!', ['team']]]) });
    assert.deepEqual(r, { NetworksDeleted: null });
    assert.deepEqual(await t.svc.prune({}), { NetworksDeleted: ['alpha'] });
    await t.svc.release(a.id);
  } finally {
    await t.cleanup();
  }
});

test('reconcile adopts running containers, discards others; close removes kernel state only when idle', async () => {
  const t = await setup();
  let svc2: NetworkService | undefined;
  try {
    await t.svc.create({ Name: 'n', IPAM: { Config: [{ Subnet: '10.40.0.0/24' }] } });
    const a = req('a', { networkMode: 'n', portBindings: { '80/tcp': [{ HostPort: '8088' }] } });
    const b = req('b', { networkMode: 'n' });
    for (const r of [a, b]) {
      await t.svc.prepare(r);
      await t.svc.activate(r.id);
    }
    await t.svc.close(); // containers still running: nothing deleted
    assert.equal(t.fw.destroyed(), 0);
    const nsDir = path.join(t.dir, 'exec', 'netns');
    await mkdir(nsDir, { recursive: true });
    for (const n of [a.id.slice(0, 12), b.id.slice(0, 12), 'stale0000000']) await writeFile(path.join(nsDir, n), '');
    const t2 = await setup({ dir: t.dir });
    svc2 = t2.svc;
    await svc2.reconcile(new Map([[a.id, 11]]));
    // b's namespace file and the stale one go; the running a keeps its own until it exits
    const removed = () => t2.k.calls.filter((x) => x.op === 'removeNetns').map((x) => path.basename(x.args as string)).sort();
    assert.deepEqual(removed(), [b.id.slice(0, 12), 'stale0000000'].sort());
    assert.equal(svc2.endpointsOf(a.id).get('n')!.ipv4, '10.40.0.2');
    assert.equal(svc2.endpointsOf(b.id).size, 0);
    assert.ok(t2.ports.held.has('tcp/8088'));
    assert.deepEqual(t2.dns.box.resolver!.lookup('10.40.0.2', 'a'), ['10.40.0.2']);
    assert.ok(t2.fw.applied.at(-1)!.ports.some((p) => p.hostPort === 8088));
    // b's address is free again, a's is not
    const c = req('c', { networkMode: 'n' });
    assert.equal((await svc2.prepare(c)).endpoints[0]!.ipv4, '10.40.0.3');
    await svc2.release(c.id);
    await svc2.release(a.id);
    assert.deepEqual(removed(), [a.id.slice(0, 12), b.id.slice(0, 12), c.id.slice(0, 12), 'stale0000000'].sort());
    await svc2.close();
    assert.equal(t2.fw.destroyed(), 1);
    assert.ok(t2.k.calls.some((x) => x.op === 'deleteLink' && x.args === 'pier0'));
    assert.ok(t2.dns.box.closed);
  } finally {
    await t.cleanup();
  }
});

test('per-container upstreams and links aliases', async () => {
  const t = await setup();
  try {
    await t.svc.create({ Name: 'n' });
    const a = req('a', { networkMode: 'n', dns: ['192.0.2.1'] });
    const b = req('b', { networkMode: 'n', links: ['/a:/b/db'] });
    for (const r of [a, b]) {
      await t.svc.prepare(r);
      await t.svc.activate(r.id, 1);
    }
    const ipA = t.svc.endpointsOf(a.id).get('n')!.ipv4;
    const ipB = t.svc.endpointsOf(b.id).get('n')!.ipv4;
    assert.deepEqual(t.dns.box.upstreams!(ipA), ['192.0.2.1']);
    assert.deepEqual(t.dns.box.upstreams!(ipB), ['192.0.2.53']);
    assert.deepEqual(t.dns.box.upstreams!(), ['192.0.2.53']);
    assert.deepEqual(t.dns.box.resolver!.lookup(ipB, 'db'), [ipA]);
    assert.equal(t.dns.box.resolver!.lookup(ipA, 'db'), undefined);
    t.svc.renamed(a.id, 'a2');
    assert.deepEqual(t.dns.box.resolver!.lookup(ipB, 'a2'), [ipA]);
    assert.equal(t.dns.box.resolver!.lookup(ipB, 'a'), undefined);
  } finally {
    await t.cleanup();
  }
});
