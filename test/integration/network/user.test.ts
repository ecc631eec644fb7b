// Integration: user-defined bridge networks through a real pierd and the docker CLI — subnets
// from the daemon's pools, the embedded DNS (name, alias, short id, round-robin alias), static
// --ip, isolation between networks, live connect/disconnect (eth1, DNS, events), rm rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { TestDaemon } from '../../harness/index.js';
import { linkExists, linksOnBridge } from '../../harness/net-cleanup.js';
import { SUITE_TIMEOUT, dock, eventually, httpdCmd, startNetDaemon, tinyDns, type Dock, type TinyDns } from './support.js';

/** IPv4 answers in busybox `nslookup -type=a` output (the server's own line excluded). */
function answers(out: string): string[] {
  return [...out.matchAll(/^Address:\s*(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1] ?? '');
}

/** A shell loop: fetch a URL up to ~4 s (the server may still be starting). */
function wgetLoop(url: string): string {
  return `for i in $(seq 1 20); do timeout 2 wget -qO- ${url} && exit 0; sleep 0.2; done; exit 1`;
}

describe('network: user-defined bridge networks (pierd, docker CLI)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let base = '';
  let upstream: TinyDns | undefined;
  /** Containers that look up names no container has get a local upstream (no query leaves the host). */
  let dnsFlags: string[] = [];
  /** Whether names no container has go to the container's --dns (our server), not the host's resolver. */
  let forwardOk = false;
  const re = (s: string) => s.replace(/\./g, '\\.');
  /** Asserts `name` does not resolve in `ctr` — only when such lookups stay on this host (see forwardOk). */
  const unresolved = async (ctr: string, name: string, why: string) => {
    if (!forwardOk) return;
    assert.notEqual((await k.sh(ctr, `ping -c1 -W1 ${name}`, 20_000)).code, 0, why);
  };
  before(async (t) => {
    ({ d, skip } = await startNetDaemon(t as never, 'net-user'));
    if (skip) return;
    k = dock(d);
    base = d.net?.base ?? '';
    // The default bridge has no embedded DNS, so its gateway address is free for a test server.
    upstream = await tinyDns(`${base}.0.1`, { 'probe.test': '10.9.9.7' }).catch(() => undefined);
    dnsFlags = ['--dns', `${base}.0.1`];
  });
  after(async () => {
    await d?.stop();
    upstream?.close();
  });

  test('create: subnet from the pool, br-<id12> bridge, inspect', async (t) => {
    if (skip) return t.skip();
    const id = (await k.ok(['network', 'create', '--label', 'team=x', 'un1'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const n = JSON.parse(await k.ok(['network', 'inspect', 'un1']))[0];
    assert.equal(n.Driver, 'bridge');
    assert.equal(n.Scope, 'local');
    assert.equal(n.Internal, false);
    assert.deepEqual(n.Labels, { team: 'x' });
    const m = new RegExp(`^${re(base)}\\.(\\d+)\\.0/24$`).exec(n.IPAM.Config[0].Subnet);
    assert.ok(m && Number(m[1]) >= 128, `subnet ${n.IPAM.Config[0].Subnet} from the pool ${base}.128.0.0/17`);
    assert.equal(n.IPAM.Config[0].Gateway, n.IPAM.Config[0].Subnet.replace(/0\/24$/, '1'));
    assert.ok(linkExists(`br-${id.slice(0, 12)}`), `bridge br-${id.slice(0, 12)}`);
    assert.match(await k.fails(['network', 'create', 'un1']), /network with name un1 already exists/);
    const second = JSON.parse(await k.ok(['network', 'inspect', (await k.ok(['network', 'create', 'un-other'])).trim()]))[0];
    assert.notEqual(second.IPAM.Config[0].Subnet, n.IPAM.Config[0].Subnet);
    await k.ok(['network', 'rm', 'un-other']);
    assert.match(await k.ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']), /^un1 bridge$/m);
  });

  test('containers reach each other by name, alias and short id (ping, wget, nslookup)', async (t) => {
    if (skip) return t.skip();
    const id1 = await k.start('u1', ['--network', 'un1', '--network-alias', 'web'], httpdCmd('u1'));
    await k.start('u2', ['--network', 'un1', ...dnsFlags]);
    const ip1 = await k.ipOf('u1', 'un1');
    const gw = JSON.parse(await k.ok(['network', 'inspect', 'un1']))[0].IPAM.Config[0].Gateway as string;
    const rc = (await k.sh('u2', 'cat /etc/resolv.conf')).stdout;
    assert.match(rc, new RegExp(`^nameserver ${re(gw)}$`, 'm'), 'embedded DNS on the gateway');
    const ping = await k.sh('u2', `ping -c1 -W2 u1`);
    assert.equal(ping.code, 0, `${ping.stdout}${ping.stderr}`);
    assert.ok(ping.stdout.includes(ip1), ping.stdout);
    assert.equal((await k.sh('u2', wgetLoop('http://u1/'))).stdout, 'u1\n');
    assert.equal((await k.sh('u2', wgetLoop('http://web/'))).stdout, 'u1\n');
    for (const name of ['u1', 'web', id1.slice(0, 12)]) {
      const ns = await k.sh('u2', `nslookup -type=a ${name}`);
      assert.deepEqual(answers(ns.stdout), [ip1], `${name}: ${ns.stdout}${ns.stderr}`);
    }
    // The container resolves its own name too; an unknown name fails.
    assert.equal((await k.sh('u1', 'ping -c1 -W2 u1')).code, 0);
    // Other names go to the container's --dns (a server of this test): checked with one name
    // only that server knows before any lookup of a missing name (which would otherwise reach
    // the host's resolver).
    const probe = await k.sh('u2', 'nslookup -type=a probe.test');
    forwardOk = answers(probe.stdout).join() === '10.9.9.7';
    assert.ok(forwardOk, `the embedded DNS forwards to the container's --dns ${base}.0.1: ${probe.stdout}${probe.stderr} (asked: ${upstream?.asked.join(', ')})`);
    await unresolved('u2', 'nosuch-ctr', 'an unknown name does not resolve');
    assert.ok(upstream?.asked.includes('A nosuch-ctr'), `an unknown name goes to the container's --dns: ${upstream?.asked.join(', ')}`);
    // The aliases show in inspect.
    assert.match(await k.inspect('u1', '{{json (index .NetworkSettings.Networks "un1").Aliases}}'), /"web"/);
  });

  test('the bridge keeps its MAC while containers come and go (ARP caches stay valid)', async (t) => {
    if (skip) return t.skip();
    const id = await k.inspect('un1', '{{.Id}}');
    const mac = () => fs.readFileSync(`/sys/class/net/br-${id.slice(0, 12)}/address`, 'utf8').trim();
    const gw = JSON.parse(await k.ok(['network', 'inspect', 'un1']))[0].IPAM.Config[0].Gateway as string;
    const first = mac();
    // A bridge whose address was never set follows the lowest MAC among its ports, so it
    // changes as containers join and leave (addr_assign_type 3 = set explicitly, as Docker does).
    const assign = fs.readFileSync(`/sys/class/net/br-${id.slice(0, 12)}/addr_assign_type`, 'utf8').trim();
    assert.equal(assign, '3', `br-${id.slice(0, 12)} has no fixed MAC (addr_assign_type ${assign}): its MAC follows its ports`);
    for (let i = 0; i < 6; i++) {
      await k.start(`churn${i}`, ['--network', 'un1']);
      assert.equal(mac(), first, `a joining port changed the bridge's MAC (round ${i})`);
      await k.ok(['rm', '-f', `churn${i}`]);
      const p = await k.sh('u2', `ping -c1 -W1 ${gw}`);
      assert.equal(p.code, 0, `u2 lost the gateway after churn${i} left (bridge MAC ${first} → ${mac()})`);
    }
  });

  test('one alias on two containers: both answered, order rotating', async (t) => {
    if (skip) return t.skip();
    await k.start('rr1', ['--network', 'un1', '--network-alias', 'pool']);
    await k.start('rr2', ['--network', 'un1', '--network-alias', 'pool']);
    const want = [await k.ipOf('rr1'), await k.ipOf('rr2')].sort();
    const firsts = new Set<string>();
    for (let i = 0; i < 8 && firsts.size < 2; i++) {
      const out = (await k.sh('u2', 'nslookup -type=a pool')).stdout;
      const got = answers(out);
      assert.deepEqual([...got].sort(), want, out);
      firsts.add(got[0] ?? '');
    }
    assert.equal(firsts.size, 2, 'round-robin: each address comes first at some point');
    await k.ok(['rm', '-f', 'rr1']);
    const ip2 = await k.ipOf('rr2');
    await eventually('the alias answers rr2 only once rr1 is gone', async () => answers((await k.sh('u2', 'nslookup -type=a pool')).stdout).join() === ip2);
    await k.ok(['rm', '-f', 'rr2']);
  });

  test('--ip: static address; taken and out-of-subnet addresses are refused', async (t) => {
    if (skip) return t.skip();
    const subnet = d.net?.subnet(5) ?? '';
    await k.ok(['network', 'create', '--subnet', subnet, '--gateway', `${base}.5.254`, '--ip-range', `${base}.5.128/25`, 'un2']);
    await k.start('s1', ['--network', 'un2', '--ip', `${base}.5.50`, ...dnsFlags]);
    assert.equal(await k.ipOf('s1', 'un2'), `${base}.5.50`);
    assert.match((await k.sh('s1', 'ip -4 -o addr show eth0; ip -4 route')).stdout, new RegExp(`inet ${re(base)}\\.5\\.50/24[\\s\\S]*default via ${re(base)}\\.5\\.254`));
    assert.match(await k.inspect('s1', '{{(index .NetworkSettings.Networks "un2").IPAMConfig.IPv4Address}}'), new RegExp(`^${re(base)}\\.5\\.50$`));
    await k.start('s2', ['--network', 'un2']);
    const ip2 = await k.ipOf('s2', 'un2');
    const last = Number(ip2.split('.')[3]);
    assert.ok(ip2.startsWith(`${base}.5.`) && last >= 128 && last <= 253, `dynamic address ${ip2} from --ip-range ${base}.5.128/25`);
    assert.match(await k.fails(['run', '--rm', '--network', 'un2', '--ip', `${base}.5.50`, 'busybox', 'true']), /Address already in use/);
    assert.notEqual((await k.run(['run', '--rm', '--network', 'un2', '--ip', '10.250.0.5', 'busybox', 'true'])).code, 0);
    // A stopped container gives its static address back; starting it again takes it again.
    await k.ok(['stop', '-t', '0', 's1']);
    await k.ok(['start', 's1']);
    assert.equal(await k.ipOf('s1', 'un2'), `${base}.5.50`);
  });

  test('IPAM: overlapping subnets refused, aux addresses skipped; a bridge name of one\'s own', async (t) => {
    if (skip) return t.skip();
    const sub = d.net?.subnet(11) ?? '';
    const brName = `ptu${Math.random().toString(16).slice(2, 8)}`;
    await k.ok(['network', 'create', '--subnet', sub, '--aux-address', `reserved=${base}.11.2`, '-o', `com.docker.network.bridge.name=${brName}`, 'ipam1']);
    assert.ok(linkExists(brName), `bridge ${brName}`);
    assert.match(await k.fails(['network', 'create', '--subnet', `${base}.11.128/25`, 'ipam2']), /Pool overlaps with other one on this address space/);
    assert.match(await k.fails(['network', 'create', '--subnet', `${base}.0.0/24`, 'ipam3']), /Pool overlaps with other one on this address space/, 'the default bridge\'s subnet');
    await k.start('aux1', ['--network', 'ipam1']);
    assert.equal(await k.ipOf('aux1'), `${base}.11.3`, 'gateway .1 and the aux address .2 are skipped');
    const n = JSON.parse(await k.ok(['network', 'inspect', 'ipam1']))[0];
    assert.deepEqual(n.IPAM.Config[0].AuxiliaryAddresses, { reserved: `${base}.11.2` });
    assert.equal(n.Options['com.docker.network.bridge.name'], brName);
    await k.ok(['rm', '-f', 'aux1']);
    await k.ok(['network', 'rm', 'ipam1']);
    assert.equal(linkExists(brName), false);
  });

  test('isolation: containers on different networks (and the default bridge) cannot reach each other', async (t) => {
    if (skip) return t.skip();
    const ipS1 = await k.ipOf('s1', 'un2');
    const ipU1 = await k.ipOf('u1', 'un1');
    assert.notEqual((await k.sh('u2', `ping -c1 -W1 ${ipS1}`)).code, 0, 'un1 → un2 blocked');
    assert.notEqual((await k.sh('s1', `ping -c1 -W1 ${ipU1}`)).code, 0, 'un2 → un1 blocked');
    await unresolved('u2', 's1', 's1 is not a name on un1');
    await k.start('dfl', []);
    assert.notEqual((await k.sh('dfl', `ping -c1 -W1 ${ipU1}`)).code, 0, 'default bridge → un1 blocked');
    assert.notEqual((await k.sh('u2', `ping -c1 -W1 ${await k.ipOf('dfl')}`)).code, 0, 'un1 → default bridge blocked');
  });

  test('--internal: containers talk to each other only', async (t) => {
    if (skip) return t.skip();
    await k.ok(['network', 'create', '--internal', '--subnet', d.net?.subnet(6) ?? '', 'int1']);
    assert.equal(JSON.parse(await k.ok(['network', 'inspect', 'int1']))[0].Internal, true);
    await k.start('i1', ['--network', 'int1']);
    await k.start('i2', ['--network', 'int1']);
    assert.equal((await k.sh('i1', 'ping -c1 -W2 i2')).code, 0);
    // No way out: not to the host's other address space nor to another network.
    assert.notEqual((await k.sh('i1', `ping -c1 -W1 ${await k.ipOf('u1')}`)).code, 0);
    const route = (await k.sh('i1', 'ip -4 route')).stdout;
    assert.doesNotMatch(route, /^default/m, `internal network: no default route\n${route}`);
  });

  test('connect/disconnect live: eth1 appears and goes, the name resolves only while connected; events', async (t) => {
    if (skip) return t.skip();
    const since = Math.floor(Date.now() / 1000) - 1;
    await k.start('c1', ['--network', 'un1']);
    await unresolved('s1', 'c1', 'c1 is not a name on un2 before connect');
    await k.ok(['network', 'connect', '--alias', 'calias', 'un2', 'c1']);
    const eth1 = (await k.sh('c1', 'ip -4 -o addr show eth1')).stdout;
    const ip = await k.ipOf('c1', 'un2');
    assert.ok(eth1.includes(`inet ${ip}/24`), eth1);
    assert.equal((await k.sh('s1', 'ping -c1 -W2 c1')).code, 0, 'c1 resolves on un2 after connect');
    assert.equal((await k.sh('s1', 'ping -c1 -W2 calias')).code, 0, 'connect alias');
    const nets = await k.inspect('c1', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}');
    assert.deepEqual(nets.split(' ').sort(), ['un1', 'un2']);
    assert.match(await k.fails(['network', 'connect', 'un2', 'c1']), /endpoint with name c1 already exists in network un2/);
    await k.ok(['network', 'disconnect', 'un2', 'c1']);
    const after = await k.sh('c1', 'ip -o link show eth1');
    assert.notEqual(after.code, 0, `eth1 still there: ${after.stdout}`);
    await unresolved('s1', 'c1', 'c1 no longer resolves on un2');
    assert.equal((await k.sh('u2', 'ping -c1 -W2 c1')).code, 0, 'still on un1');
    // A stopped container: connect only updates its record; start plumbs both networks.
    await k.ok(['stop', '-t', '0', 'c1']);
    await k.ok(['network', 'connect', 'un2', 'c1']);
    await k.ok(['start', 'c1']);
    assert.equal((await k.sh('c1', 'ip -o link show eth1')).code, 0);
    assert.match(await k.fails(['network', 'connect', 'host', 'c1']), /container cannot be disconnected from host network or connected to host network/);
    const ev = await k.ok(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=network', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
    assert.match(ev, /^connect un2$/m);
    assert.match(ev, /^disconnect un2$/m);
  });

  test('inspect: endpoint fields; --mac-address; rename changes the DNS name', async (t) => {
    if (skip) return t.skip();
    const netId = await k.inspect('un1', '{{.Id}}');
    const ep = JSON.parse(await k.inspect('u1', '{{json (index .NetworkSettings.Networks "un1")}}'));
    const gw = JSON.parse(await k.ok(['network', 'inspect', 'un1']))[0].IPAM.Config[0].Gateway as string;
    assert.equal(ep.NetworkID, netId);
    assert.match(ep.EndpointID, /^[0-9a-f]{64}$/);
    assert.equal(ep.Gateway, gw);
    assert.equal(ep.IPPrefixLen, 24);
    assert.equal(ep.MacAddress, `02:42:${ep.IPAddress.split('.').map((o: string) => Number(o).toString(16).padStart(2, '0')).join(':')}`);
    const id1 = await k.inspect('u1', '{{.Id}}');
    assert.deepEqual([...(ep.DNSNames ?? [])].sort(), ['u1', 'web', id1.slice(0, 12)].sort());
    const listed = JSON.parse(await k.ok(['network', 'inspect', 'un1']))[0].Containers[id1];
    assert.equal(listed.Name, 'u1');
    assert.equal(listed.EndpointID, ep.EndpointID);
    assert.equal(listed.IPv4Address, `${ep.IPAddress}/24`);
    // A MAC address of one's own.
    await k.start('macx', ['--network', 'un1', '--mac-address', '02:42:de:ad:be:ef']);
    assert.equal(await k.inspect('macx', '{{(index .NetworkSettings.Networks "un1").MacAddress}}'), '02:42:de:ad:be:ef');
    assert.equal((await k.sh('macx', 'cat /sys/class/net/eth0/address')).stdout.trim(), '02:42:de:ad:be:ef');
    // Renamed: the new name answers, the old one does not.
    const ip = await k.ipOf('macx');
    await k.ok(['rename', 'macx', 'macy']);
    const ping = await k.sh('u2', 'ping -c1 -W2 macy');
    assert.equal(ping.code, 0, `${ping.stdout}${ping.stderr}`);
    assert.ok(ping.stdout.includes(ip), ping.stdout);
    await unresolved('u2', 'macx', 'the old name is gone after rename');
    await k.ok(['rm', '-f', 'macy']);
  });

  test('rm: refused with active endpoints; after the containers go, the bridge goes too', async (t) => {
    if (skip) return t.skip();
    const id = await k.inspect('un1', '{{.Id}}');
    assert.match(await k.fails(['network', 'rm', 'un1']), /has active endpoints/);
    assert.match(await k.fails(['network', 'rm', 'bridge']), /bridge is a pre-defined network and cannot be removed/);
    await k.ok(['rm', '-f', 'u1', 'u2', 'c1', 's1', 's2', 'i1', 'i2', 'dfl']);
    // The kernel deletes a veth pair with its namespace, asynchronously: allow it a moment.
    const br = `br-${id.slice(0, 12)}`;
    await eventually(`no veth left on ${br} (${linksOnBridge(br).join(', ')})`, () => linksOnBridge(br).length === 0, 3000);
    const since = Math.floor(Date.now() / 1000) - 1;
    await k.ok(['network', 'rm', 'un1', 'un2']);
    assert.equal(linkExists(`br-${id.slice(0, 12)}`), false, 'bridge deleted with its network');
    assert.match(await k.fails(['network', 'inspect', 'un1']), /network un1 not found/);
    // prune: custom networks without containers go (with their bridges); predefined ones stay.
    const pid = (await k.ok(['network', 'create', 'pruneme'])).trim();
    const out = await k.ok(['network', 'prune', '-f']);
    assert.match(out, /^Deleted Networks:\n/);
    assert.match(out, /^pruneme$/m);
    assert.match(out, /^int1$/m);
    assert.equal(linkExists(`br-${pid.slice(0, 12)}`), false);
    const left = (await k.ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean).sort();
    assert.deepEqual(left, ['bridge', 'host', 'none']);
    const ev = await k.ok(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=network', '--format', '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}']);
    for (const line of ['destroy un1 bridge', 'destroy un2 bridge', 'create pruneme bridge', 'destroy pruneme bridge', 'destroy int1 bridge']) assert.match(ev, new RegExp(`^${line}$`, 'm'), ev);
  });
});
