// Integration: the default bridge network and the other network modes through a real pierd and
// the docker CLI — address from --bip, gateway route, MAC rule, --link hosts and env, host/none
// modes, --network container:x (and its conflicts), resolv.conf/hosts options, host-gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import type { TestDaemon } from '../../harness/index.js';
import { linkExists } from '../../harness/net-cleanup.js';
import { SUITE_TIMEOUT, dock, ourVeths, startNetDaemon, type Dock } from './support.js';

describe('network: default bridge and network modes (pierd, docker CLI)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let base = '';
  before(async (t) => {
    ({ d, skip } = await startNetDaemon(t as never, 'net-br'));
    if (skip) return;
    k = dock(d);
    base = d.net?.base ?? '';
  });
  after(async () => {
    await d?.stop();
  });

  test('default bridge: address in the --bip subnet, gateway route, MAC from the address, inspect', async (t) => {
    if (skip) return t.skip();
    await k.start('b1', []);
    const ip = await k.ipOf('b1', 'bridge');
    assert.match(ip, new RegExp(`^${base.replace('.', '\\.')}\\.0\\.(\\d+)$`));
    assert.notEqual(ip, `${base}.0.1`);
    assert.equal(await k.inspect('b1', '{{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}}'), `${base}.0.1 24`);
    const mac = `02:42:${ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}`;
    assert.equal(await k.inspect('b1', '{{.NetworkSettings.MacAddress}}'), mac);
    const inside = await k.sh('b1', 'ip -4 -o addr show eth0; ip -4 route; cat /sys/class/net/eth0/address');
    assert.equal(inside.code, 0, inside.stderr);
    assert.match(inside.stdout, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24 `));
    assert.match(inside.stdout, new RegExp(`default via ${base.replace('.', '\\.')}\\.0\\.1 dev eth0`));
    assert.ok(inside.stdout.includes(mac), inside.stdout);
    assert.equal((await k.sh('b1', `ping -c1 -W2 ${base}.0.1`)).code, 0, 'the gateway answers');
    // Host side: the bridge exists and a veth of b1 is on it.
    assert.ok(linkExists(d.net?.bridge ?? ''), 'default bridge device');
    const assign = fs.readFileSync(`/sys/class/net/${d.net?.bridge}/addr_assign_type`, 'utf8').trim();
    assert.equal(assign, '3', `${d.net?.bridge} has no fixed MAC (addr_assign_type ${assign}): it follows its ports' and breaks containers' ARP caches`);
    assert.equal(ourVeths(d).length, 1, `veths: ${ourVeths(d).join(',')}`);
    const netw = JSON.parse(await k.ok(['network', 'inspect', 'bridge']))[0];
    assert.equal(netw.Driver, 'bridge');
    assert.equal(netw.IPAM.Config[0].Subnet, `${base}.0.0/24`);
    assert.equal(netw.IPAM.Config[0].Gateway, `${base}.0.1`);
    assert.equal(netw.Options['com.docker.network.bridge.name'], d.net?.bridge);
    const id = await k.inspect('b1', '{{.Id}}');
    assert.equal(netw.Containers[id]?.Name, 'b1');
    assert.equal(netw.Containers[id]?.IPv4Address, `${ip}/24`);
    assert.equal(netw.Containers[id]?.MacAddress, mac);
    // A second container reaches the first by address.
    await k.start('b2', []);
    assert.equal((await k.sh('b2', `ping -c1 -W2 ${ip}`)).code, 0);
    assert.equal(ourVeths(d).length, 2);
    // No embedded DNS on the default bridge: resolv.conf is the host's (its non-local nameservers).
    const hostNs = fs.readFileSync('/etc/resolv.conf', 'utf8').split('\n').filter((l) => /^nameserver\s+(?!127\.)/.test(l));
    const rc = (await k.sh('b2', 'cat /etc/resolv.conf')).stdout;
    for (const l of hostNs) assert.ok(rc.includes(l.trim()), `${l} in\n${rc}`);
    // Stopped: no address, veth gone.
    await k.ok(['stop', '-t', '0', 'b2']);
    assert.equal(await k.inspect('b2', '{{.NetworkSettings.IPAddress}}'), '');
    assert.equal(ourVeths(d).length, 1);
    await k.ok(['rm', 'b2']);
  });

  test('--link: /etc/hosts entry and environment of the linked container', async (t) => {
    if (skip) return t.skip();
    await k.start('lk1', ['--expose', '8080', '-e', 'SECRET=s3']);
    const ip = await k.ipOf('lk1');
    const shortId = (await k.inspect('lk1', '{{.Id}}')).slice(0, 12);
    const out = await k.ok(['run', '--rm', '--name', 'lkc', '--link', 'lk1:web', 'busybox', 'sh', '-c', 'cat /etc/hosts; echo ---; env | sort; echo ---; ping -c1 -W2 web >/dev/null && echo ping-ok']);
    const [hosts = '', env = '', tail = ''] = out.split('---\n');
    assert.match(hosts, new RegExp(`^${ip.replace(/\./g, '\\.')}\\s+web ${shortId} lk1$`, 'm'));
    assert.match(env, /^WEB_NAME=\/lkc\/web$/m);
    assert.match(env, /^WEB_ENV_SECRET=s3$/m);
    assert.match(env, new RegExp(`^WEB_PORT=tcp://${ip.replace(/\./g, '\\.')}:8080$`, 'm'));
    assert.match(env, new RegExp(`^WEB_PORT_8080_TCP_ADDR=${ip.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, /^WEB_PORT_8080_TCP_PORT=8080$/m);
    assert.match(env, /^WEB_PORT_8080_TCP_PROTO=tcp$/m);
    assert.equal(tail.trim(), 'ping-ok');
    const bad = await k.fails(['run', '--rm', '--link', 'nosuch:x', 'busybox', 'true']);
    assert.match(bad, /could not get container for nosuch|No such container: nosuch/);
    await k.ok(['rm', '-f', 'lk1']);
  });

  test('--network host: the host\'s interfaces and hostname; -p is discarded with a warning', async (t) => {
    if (skip) return t.skip();
    const out = await k.ok(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'ip -o link; hostname']);
    assert.ok(out.includes(`: ${d.net?.bridge}:`), out);
    assert.match(out, /: lo:/);
    assert.ok(out.trim().endsWith(os.hostname()), out);
    const r = await k.run(['run', '--rm', '--network', 'host', '-p', '18080:80', 'busybox', 'true']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Published ports are discarded when using host network mode/);
    assert.equal(await k.inspect(await k.ok(['create', '--network', 'host', 'busybox']).then((s) => s.trim()), '{{.HostConfig.NetworkMode}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}'), 'host host');
  });

  test('--network none: only lo, no address', async (t) => {
    if (skip) return t.skip();
    const before = ourVeths(d);
    await k.start('nn', ['--network', 'none']);
    const out = (await k.sh('nn', 'ip -o link | cut -d: -f2 | tr -d " "; cat /etc/resolv.conf >/dev/null')).stdout;
    assert.deepEqual(out.trim().split('\n'), ['lo']);
    assert.equal(await k.inspect('nn', '{{.NetworkSettings.IPAddress}}|{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}'), '|none');
    assert.deepEqual(ourVeths(d), before);
    await k.ok(['rm', '-f', 'nn']);
  });

  test('--network container:x shares x\'s interfaces; conflicting options are refused', async (t) => {
    if (skip) return t.skip();
    const ip = await k.ipOf('b1');
    const out = await k.ok(['run', '--rm', '--network', 'container:b1', 'busybox', 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    assert.ok(out.includes(`inet ${ip}/24`), out);
    // A server in b1 is reachable on localhost from the joined container.
    await k.ok(['exec', '-d', 'b1', 'sh', '-c', 'mkdir -p /www && echo shared > /www/index.html && httpd -p 8081 -h /www']);
    const got = await k.ok(['run', '--rm', '--network', 'container:b1', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8081/ && exit 0; sleep 0.3; done; exit 1']);
    assert.equal(got, 'shared\n');
    const cases: [string[], RegExp][] = [
      [['-p', '8082:80'], /conflicting options: port publishing and the container type network mode/],
      [['--hostname', 'hx'], /conflicting options: hostname and the network mode/],
      [['--dns', '10.1.1.1'], /conflicting options: dns and the network mode/],
      [['--add-host', 'a:10.1.1.1'], /conflicting options: custom host-to-IP mapping and the network mode/],
    ];
    for (const [flags, re] of cases) assert.match(await k.fails(['run', '--rm', '--network', 'container:b1', ...flags, 'busybox', 'true']), re, flags.join(' '));
    await k.ok(['create', '--name', 'stopped1', 'busybox']);
    assert.match(await k.fails(['run', '--rm', '--network', 'container:stopped1', 'busybox', 'true']), /non running container|is not running/);
    assert.match(await k.fails(['run', '--rm', '--network', 'container:nosuch', 'busybox', 'true']), /No such container: nosuch/);
    await k.ok(['rm', 'stopped1']);
  });

  test('--dns, --dns-search, --dns-option, --add-host (host-gateway reaches the host)', async (t) => {
    if (skip) return t.skip();
    const rc = await k.ok(['run', '--rm', '--dns', '10.99.77.77', '--dns-search', 'example.test', '--dns-option', 'ndots:3', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.match(rc, /^nameserver 10\.99\.77\.77$/m);
    assert.match(rc, /^search example\.test$/m);
    assert.match(rc, /^options ndots:3$/m);
    assert.equal(rc.match(/^nameserver /gm)?.length, 1, rc);
    // A server on the bridge's gateway address, reached through host.docker.internal.
    const gw = `${base}.0.1`;
    const srv = http.createServer((_q, s) => s.end('from-host\n'));
    await new Promise<void>((r) => srv.listen(0, gw, r));
    try {
      const port = (srv.address() as net.AddressInfo).port;
      const out = await k.ok(['run', '--rm', '--add-host', 'host.docker.internal:host-gateway', '--add-host', 'static.test:10.9.8.7', 'busybox', 'sh', '-c', `grep -E "internal|static" /etc/hosts; wget -qO- http://host.docker.internal:${port}/`]);
      assert.match(out, new RegExp(`^${gw.replace(/\./g, '\\.')}\\s+host\\.docker\\.internal$`, 'm'));
      assert.match(out, /^10\.9\.8\.7\s+static\.test$/m);
      assert.match(out, /from-host\n$/);
    } finally {
      srv.close();
    }
    assert.match(await k.fails(['run', '--rm', '--add-host', 'bad', 'busybox', 'true']), /invalid argument "bad" for "--add-host" flag/);
  });

  test('--ip and --network-alias are refused on the default bridge', async (t) => {
    if (skip) return t.skip();
    assert.match(await k.fails(['run', '--rm', '--ip', `${base}.0.50`, 'busybox', 'true']), /user specified IP address is supported on user defined networks only/);
    assert.match(await k.fails(['run', '--rm', '--network-alias', 'x', 'busybox', 'true']), /network-scoped alias is supported only for containers in user defined networks|network-scoped aliases are only supported for user-defined networks/);
  });
});
