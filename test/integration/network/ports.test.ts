// Integration: published ports through a real pierd and the docker CLI — TCP on 127.0.0.1 and
// on the host's address (Node's http client), UDP, -P with EXPOSE, random host ports, a taken
// port (clear error, nothing left), hairpin from another container through the host address.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { TestDaemon } from '../../harness/index.js';
import {
  SUITE_TIMEOUT, dock, freePort, hostAddress, httpGet, httpGetEventually, httpdCmd, nftTable, ourVeths,
  startNetDaemon, udpAsk, udpEchoIn, type Dock,
} from './support.js';

/** Host ports pier picks itself come from this range. */
const EPHEMERAL = [32768, 60999] as const;

describe('network: published ports (pierd, docker CLI)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let hostIp = '';
  before(async (t) => {
    ({ d, skip } = await startNetDaemon(t as never, 'net-ports'));
    if (skip) return;
    k = dock(d);
    hostIp = hostAddress();
  });
  after(async () => {
    await d?.stop();
  });
  const refused = async (host: string, port: number) => {
    await assert.rejects(httpGet(host, port, '/', 1500), `nothing should answer on ${host}:${port}`);
  };

  test('-p 127.0.0.1:X:80 answers on 127.0.0.1 only; -p Y:80 on 127.0.0.1 and the host address', async (t) => {
    if (skip) return t.skip();
    const x = await freePort();
    await k.start('web1', ['-p', `127.0.0.1:${x}:80`], httpdCmd('hello-web1'));
    assert.equal(await httpGetEventually('127.0.0.1', x), 'hello-web1\n');
    await refused(hostIp, x);
    assert.equal((await k.ok(['port', 'web1'])).trim(), `80/tcp -> 127.0.0.1:${x}`);
    const y = await freePort();
    await k.start('web2', ['-p', `${y}:80`], httpdCmd('hello-web2'));
    assert.equal(await httpGetEventually('127.0.0.1', y), 'hello-web2\n');
    assert.equal(await httpGetEventually(hostIp, y), 'hello-web2\n');
    assert.match(await k.ok(['port', 'web2', '80']), new RegExp(`^0\\.0\\.0\\.0:${y}$`, 'm'));
    const ports = JSON.parse(await k.inspect('web2', '{{json .NetworkSettings.Ports}}'));
    assert.equal(ports['80/tcp'][0].HostPort, String(y));
    assert.match(await k.ok(['ps', '--filter', 'name=web2', '--format', '{{.Ports}}']), new RegExp(`0\\.0\\.0\\.0:${y}->80/tcp`));
    // The rule is in our table while the container runs.
    assert.match(nftTable(d), new RegExp(`dport ${y}\\b`));
  });

  test('-p X:80/udp: datagrams reach the container on 127.0.0.1 and the host address', async (t) => {
    if (skip) return t.skip();
    const u = await freePort();
    await k.start('udp1', ['-p', `${u}:80/udp`]);
    const stop = udpEchoIn(Number(await k.inspect('udp1', '{{.State.Pid}}')), 80);
    try {
      assert.equal(await udpAsk('127.0.0.1', u, 'one'), 'pong:one');
      assert.equal(await udpAsk(hostIp, u, 'two'), 'pong:two');
    } finally {
      stop();
    }
    assert.match(await k.ok(['port', 'udp1']), new RegExp(`^80/udp -> 0\\.0\\.0\\.0:${u}$`, 'm'));
    // The TCP port of the same number is not published.
    await refused('127.0.0.1', u);
    await k.ok(['rm', '-f', 'udp1']);
  });

  test('-P publishes the image\'s EXPOSE and --expose ports on ephemeral host ports', async (t) => {
    if (skip) return t.skip();
    await k.ok(['create', '--name', 'exp-src', 'busybox']);
    await k.ok(['commit', '--change', 'EXPOSE 80/tcp', 'exp-src', 'exposed:1']);
    await k.ok(['rm', 'exp-src']);
    await k.ok(['run', '-d', '--name', 'pa', '-P', '--expose', '8081', 'exposed:1', ...httpdCmd('hello-pa')]);
    const port = Number((await k.ok(['port', 'pa', '80'])).trim().split('\n')[0]?.replace(/^0\.0\.0\.0:/, ''));
    assert.ok(port >= EPHEMERAL[0] && port <= EPHEMERAL[1], `ephemeral port ${port}`);
    const other = Number((await k.ok(['port', 'pa', '8081'])).trim().split('\n')[0]?.replace(/^0\.0\.0\.0:/, ''));
    assert.ok(other >= EPHEMERAL[0] && other <= EPHEMERAL[1] && other !== port, `8081 → ${other}`);
    assert.equal(await httpGetEventually('127.0.0.1', port), 'hello-pa\n');
    await k.ok(['rm', '-f', 'pa']);
    await k.ok(['rmi', 'exposed:1']);
  });

  test('random host port: -p 127.0.0.1::80 and -p 80', async (t) => {
    if (skip) return t.skip();
    await k.start('rp', ['-p', '127.0.0.1::80', '-p', '8080'], httpdCmd('hello-rp'));
    const a = /^127\.0\.0\.1:(\d+)$/m.exec(await k.ok(['port', 'rp', '80/tcp']));
    const b = /^0\.0\.0\.0:(\d+)$/m.exec(await k.ok(['port', 'rp', '8080/tcp']));
    assert.ok(a && b);
    for (const p of [Number(a[1]), Number(b[1])]) assert.ok(p >= EPHEMERAL[0] && p <= EPHEMERAL[1], `port ${p}`);
    assert.equal(await httpGetEventually('127.0.0.1', Number(a[1])), 'hello-rp\n');
    // Another container gets other ports.
    await k.start('rp2', ['-p', '127.0.0.1::80'], httpdCmd('hello-rp2'));
    const c = /^127\.0\.0\.1:(\d+)$/m.exec(await k.ok(['port', 'rp2', '80/tcp']));
    assert.ok(c && c[1] !== a[1]);
    assert.equal(await httpGetEventually('127.0.0.1', Number(c[1])), 'hello-rp2\n');
    await k.ok(['rm', '-f', 'rp', 'rp2']);
  });

  test('a user network container publishes too; one port on two host addresses; docker restart keeps it', async (t) => {
    if (skip) return t.skip();
    await k.ok(['network', 'create', 'pubnet']);
    const p = await freePort();
    await k.start('un-web', ['--network', 'pubnet', '-p', `127.0.0.1:${p}:80`], httpdCmd('hello-user-net'));
    assert.equal(await httpGetEventually('127.0.0.1', p), 'hello-user-net\n');
    // The same host port on another host address belongs to another container.
    await k.start('host-web', ['-p', `${hostIp}:${p}:80`], httpdCmd('hello-host-addr'));
    assert.equal(await httpGetEventually(hostIp, p), 'hello-host-addr\n');
    assert.equal(await httpGetEventually('127.0.0.1', p), 'hello-user-net\n');
    await k.ok(['restart', '-t', '0', 'un-web']);
    assert.equal(await httpGetEventually('127.0.0.1', p), 'hello-user-net\n');
    assert.equal((await k.ok(['port', 'un-web'])).trim(), `80/tcp -> 127.0.0.1:${p}`);
    await k.ok(['rm', '-f', 'un-web', 'host-web']);
    await k.ok(['network', 'rm', 'pubnet']);
    await refused('127.0.0.1', p);
  });

  test('a taken port: Docker\'s error, the container stays Created, no veth, no rule; works once freed', async (t) => {
    if (skip) return t.skip();
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '0.0.0.0', r));
    const port = (holder.address() as net.AddressInfo).port;
    const veths = ourVeths(d);
    let freed = false;
    try {
      const err = await k.fails(['run', '-d', '--name', 'taken', '-p', `${port}:80`, 'busybox', ...httpdCmd('hello-taken')]);
      assert.match(err, /driver failed programming external connectivity on endpoint taken \([0-9a-f]+\)/);
      assert.match(err, new RegExp(`Error starting userland proxy: listen tcp4 0\\.0\\.0\\.0:${port}: bind: address already in use`));
      assert.equal(await k.inspect('taken', '{{.State.Status}} {{.State.Running}}'), 'created false');
      assert.match(await k.ok(['ps', '-a', '--filter', 'name=taken', '--format', '{{.Status}}']), /^Created$/m);
      assert.deepEqual(ourVeths(d), veths, 'no veth left behind');
      assert.doesNotMatch(nftTable(d), new RegExp(`dport ${port}\\b`), 'no rule for the port');
      // Held by another container of this daemon: the other message.
      const y = Number(/0\.0\.0\.0:(\d+)/.exec(await k.ok(['port', 'web2', '80']))?.[1]);
      const err2 = await k.fails(['run', '-d', '--name', 'taken2', '-p', `${y}:80`, 'busybox', 'true']);
      assert.match(err2, new RegExp(`Bind for 0\\.0\\.0\\.0:${y} failed: port is already allocated`));
      assert.deepEqual(ourVeths(d), veths);
      await new Promise<void>((r) => holder.close(() => r()));
      freed = true;
      await k.ok(['start', 'taken']);
      assert.equal(await httpGetEventually('127.0.0.1', port), 'hello-taken\n');
    } finally {
      if (!freed) holder.close();
    }
    await k.ok(['rm', '-f', 'taken', 'taken2']);
  });

  test('hairpin: another container reaches a published port through the host address', async (t) => {
    if (skip) return t.skip();
    const y = Number(/0\.0\.0\.0:(\d+)/.exec(await k.ok(['port', 'web2', '80']))?.[1]);
    await k.start('client', []);
    const r = await k.sh('client', `timeout 3 wget -qO- http://${hostIp}:${y}/`);
    assert.equal(r.stdout, 'hello-web2\n', r.stderr);
    // On a user network too.
    await k.ok(['network', 'create', 'pn1']);
    await k.start('client2', ['--network', 'pn1']);
    const r2 = await k.sh('client2', `timeout 3 wget -qO- http://${hostIp}:${y}/`);
    assert.equal(r2.stdout, 'hello-web2\n', r2.stderr);
    // The container behind the port reaches itself the same way.
    const r3 = await k.sh('web2', `timeout 3 wget -qO- http://${hostIp}:${y}/`);
    assert.equal(r3.stdout, 'hello-web2\n', r3.stderr);
  });

  test('stop and rm release the ports: rule gone, port free for others', async (t) => {
    if (skip) return t.skip();
    const y = Number(/0\.0\.0\.0:(\d+)/.exec(await k.ok(['port', 'web2', '80']))?.[1]);
    await k.ok(['stop', '-t', '0', 'web2']);
    await refused('127.0.0.1', y);
    assert.doesNotMatch(nftTable(d), new RegExp(`dport ${y}\\b`));
    const srv = net.createServer();
    await new Promise<void>((res, rej) => { srv.once('error', rej); srv.listen(y, '0.0.0.0', res); });
    await new Promise<void>((r) => srv.close(() => r()));
    await k.ok(['start', 'web2']);
    assert.equal(await httpGetEventually('127.0.0.1', y), 'hello-web2\n');
    await k.ok(['rm', '-f', 'web1', 'web2', 'client', 'client2']);
    await k.ok(['network', 'rm', 'pn1']);
    assert.deepEqual(ourVeths(d), []);
    assert.doesNotMatch(nftTable(d), /dnat to/);
  });
});
