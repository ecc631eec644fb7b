// Integration: networking across pierd crashes and restarts, and what a daemon leaves behind —
// after kill -9 + restart published ports still answer, running containers keep their
// addresses and names, containers that died meanwhile give theirs (and their ports) back;
// after rm -f of everything no veth or rule is left, and a stopped daemon removes its bridges
// and its nft table itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestDaemon } from '../../harness/index.js';
import { linkExists, linksOnBridge, nftTableExists, nftTableOf } from '../../harness/net-cleanup.js';
import {
  SUITE_TIMEOUT, dock, eventually, freePort, httpGetEventually, httpdCmd, netLog, nftTable, ourVeths,
  startNetDaemon, type Dock,
} from './support.js';

describe('network: daemon restart and cleanup (pierd, docker CLI)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let base = '';
  let rnBridge = '';
  const published: number[] = [];
  before(async (t) => {
    ({ d, skip } = await startNetDaemon(t as never, 'net-rst'));
    if (skip) return;
    k = dock(d);
    base = d.net?.base ?? '';
  });
  after(async () => {
    await d?.stop();
  });

  test('kill -9 and restart: ports answer, addresses kept for running containers, released for dead ones', async (t) => {
    if (skip) return t.skip();
    const px = await freePort();
    const pz = await freePort();
    published.push(px, pz);
    await k.ok(['network', 'create', '--subnet', d.net?.subnet(9) ?? '', 'rn1']);
    rnBridge = `br-${(await k.inspect('rn1', '{{.Id}}')).slice(0, 12)}`;
    await k.start('r1', ['-p', `127.0.0.1:${px}:80`], httpdCmd('hello-r1'));
    await k.start('r2', ['--network', 'rn1', '--network-alias', 'r2alias']);
    await k.start('r3', ['--network', 'rn1', '--ip', `${base}.9.30`]);
    await k.start('r5', ['-p', `${pz}:80`], httpdCmd('hello-r5'));
    assert.equal(await httpGetEventually('127.0.0.1', px), 'hello-r1\n');
    assert.equal(await httpGetEventually('127.0.0.1', pz), 'hello-r5\n');
    const ip1 = await k.ipOf('r1');
    const ip2 = await k.ipOf('r2');
    const deadPids = [Number(await k.inspect('r3', '{{.State.Pid}}')), Number(await k.inspect('r5', '{{.State.Pid}}'))];

    await d.kill9();
    // While pierd is down the kernel keeps forwarding the published port.
    assert.equal(await httpGetEventually('127.0.0.1', px, 5000), 'hello-r1\n');
    for (const pid of deadPids) process.kill(pid, 'SIGKILL');
    await sleep(500);
    await d.restart();

    assert.equal(await httpGetEventually('127.0.0.1', px), 'hello-r1\n', netLog(d));
    assert.equal(await k.ipOf('r1'), ip1);
    assert.equal(await k.ipOf('r2'), ip2);
    await eventually('r3 and r5 recorded as exited', async () => (await k.inspect('r3', '{{.State.Status}}')) === 'exited' && (await k.inspect('r5', '{{.State.Status}}')) === 'exited');
    // The embedded DNS is back: names of running containers resolve, the dead one's do not.
    await k.start('r4', ['--network', 'rn1']);
    const ping = await k.sh('r4', 'ping -c1 -W2 r2alias');
    assert.equal(ping.code, 0, `${ping.stdout}${ping.stderr}\n${netLog(d)}`);
    assert.ok(ping.stdout.includes(ip2), ping.stdout);
    // The dead containers' address and port are free again.
    await k.start('r6', ['--network', 'rn1', '--ip', `${base}.9.30`]);
    assert.equal(await k.ipOf('r6'), `${base}.9.30`);
    const srv = net.createServer();
    await new Promise<void>((res, rej) => { srv.once('error', rej); srv.listen(pz, '0.0.0.0', res); });
    await new Promise<void>((r) => srv.close(() => r()));
    const netInspect = JSON.parse(await k.ok(['network', 'inspect', 'rn1']))[0];
    const names = Object.values(netInspect.Containers as Record<string, { Name: string }>).map((c) => c.Name).sort();
    assert.deepEqual(names, ['r2', 'r4', 'r6']);
    // Restarted, the dead ones come back with addresses again.
    await k.ok(['start', 'r5']);
    assert.equal(await httpGetEventually('127.0.0.1', pz), 'hello-r5\n');
  });

  test('graceful restart keeps running containers reachable', async (t) => {
    if (skip) return t.skip();
    const px = Number(/127\.0\.0\.1:(\d+)/.exec(await k.ok(['port', 'r1', '80']))?.[1]);
    await d.restart();
    assert.equal(await httpGetEventually('127.0.0.1', px), 'hello-r1\n');
    assert.equal((await k.sh('r4', 'ping -c1 -W2 r2')).code, 0);
  });

  test('rm -f of everything: no veth of ours, no rule for a port', async (t) => {
    if (skip) return t.skip();
    const ids = (await k.ok(['ps', '-aq'])).split('\n').filter(Boolean);
    await k.ok(['rm', '-f', ...ids]);
    assert.deepEqual(ourVeths(d, [rnBridge]), []);
    const table = nftTable(d);
    for (const p of published) assert.doesNotMatch(table, new RegExp(`dport ${p}\\b`), table);
    assert.doesNotMatch(table, /dnat to [\d.]+:80\b/, table);
    await k.ok(['network', 'rm', 'rn1']);
    assert.equal(linkExists(rnBridge), false);
  });

  test('a stopped daemon removes its bridges and its nft table itself', async (t) => {
    if (skip) return t.skip();
    await k.ok(['network', 'create', 'rn2']);
    const br = `br-${(await k.inspect('rn2', '{{.Id}}')).slice(0, 12)}`;
    const table = nftTableOf(d.dataRoot) ?? '';
    assert.ok(linkExists(br) && linkExists(d.net?.bridge ?? '') && nftTableExists(table));
    // SIGTERM the daemon only (not stop(), which would clean up for it).
    const pid = d.pid();
    process.kill(pid, 'SIGTERM');
    await eventually('pierd exits', () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 20_000);
    assert.equal(nftTableExists(table), false, `table ${table} left`);
    assert.equal(linkExists(d.net?.bridge ?? ''), false, `default bridge ${d.net?.bridge} left`);
    assert.equal(linkExists(br), false, `${br} left`);
    assert.deepEqual(linksOnBridge(br), []);
  });
});
