/**
 * The network service on the real parts (iproute2, nftables, port listeners, embedded DNS),
 * without a daemon: a private data/exec root and instance id, processes in their own network
 * namespaces (`unshare -n sleep`) standing in for containers. Checks addresses, ping between
 * namespaces, DNS by name through the gateway, and that nothing is left afterwards. Needs root.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { run, start } from '../../../src/lib/exec.js';
import { nullLogger } from '../../../src/lib/log.js';
import { createEventBus } from '../../../src/core/events/index.js';
import { createNetworkService } from '../../../src/core/networks/service.js';
import type { ContainerNetworkRequest, NetworkService } from '../../../src/core/networks/index.js';
import { rootMissing } from '../../harness/probes.js';

const skip = rootMissing() ?? ((await run('nft', ['--version']).catch(() => ({ code: 1 }))).code !== 0 ? 'nft missing' : null);
const instanceId = randomBytes(4).toString('hex');
const bridge = `h23p${instanceId.slice(0, 6)}`;
const octet = randomInt(0, 250);
let dir = '';
let svc: NetworkService | undefined;
const procs: ChildProcess[] = [];

const nsRun = (pid: number, args: string[]) => run('nsenter', [`--net=/proc/${pid}/ns/net`, ...args], { timeoutMs: 10_000 });

function sleeper(): Promise<number> {
  const p = start('unshare', ['-n', 'sleep', '60'], { stdio: 'ignore' });
  procs.push(p);
  return new Promise((resolve, reject) => {
    p.once('spawn', () => setTimeout(() => resolve(p.pid!), 50));
    p.once('error', reject);
  });
}

function req(id: string, name: string, networkMode: string, extra: Partial<ContainerNetworkRequest> = {}): ContainerNetworkRequest {
  return { id, name, hostname: name, networkMode, endpoints: {}, links: [], portBindings: {}, publishAll: false, exposedPorts: [], ...extra };
}

async function linkNames(): Promise<string[]> {
  const r = await run('ip', ['-j', 'link', 'show']);
  return (JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname);
}

before(async () => {
  if (skip) return;
  dir = await mkdtemp(path.join(tmpdir(), 'h23-net-'));
  svc = await createNetworkService(
    { events: createEventBus(), log: nullLogger },
    { root: path.join(dir, 'data'), execRoot: path.join(dir, 'exec'), instanceId, bridge, bip: `10.231.${octet}.1/24` },
  );
  await svc.reconcile(new Map());
});

after(async () => {
  for (const p of procs) p.kill('SIGKILL');
  if (svc) {
    for (const id of ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)]) await svc.release(id);
    for (const n of svc.list({}).filter((x) => x.Name.startsWith('h23'))) await svc.remove(n.Id).catch(() => undefined);
    await svc.close();
  }
  // belt and braces: nothing of ours may stay
  await run('nft', ['delete', 'table', 'ip', `pier-${instanceId}`]).catch(() => undefined);
  for (const l of (await linkNames().catch(() => [] as string[])).filter((n) => n === bridge || n.startsWith('br-h23'))) await run('ip', ['link', 'del', l]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('prepare+activate+release on the default bridge: no nft apply without ports (cost reported)', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const s = svc!;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const pid = await sleeper();
    const id = 'd'.repeat(63) + String(i);
    const t0 = performance.now();
    await s.prepare(req(id, `d${i}`, 'default'));
    await s.activate(id, pid);
    const t1 = performance.now();
    const p = procs.at(-1)!;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    const t2 = performance.now();
    await s.release(id);
    times.push(t1 - t0 + (performance.now() - t2));
  }
  times.sort((x, y) => x - y);
  const median = times[3]!;
  console.log(`# network setup+teardown median ${median.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[6]!.toFixed(1)})`);
});

test('user network: two namespaces ping each other, resolve by name through the gateway; release and close leave nothing', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const s = svc!;
  const { Id } = await s.create({ Name: 'h23net', IPAM: { Config: [{ Subnet: `10.232.${octet}.0/24` }] } });
  const brName = `br-${Id.slice(0, 12)}`;
  assert.ok((await linkNames()).includes(brName), 'bridge made at create');
  const gw = `10.232.${octet}.1`;

  const [pa, pb, pc] = [await sleeper(), await sleeper(), await sleeper()];
  const a = req('a'.repeat(64), 'alpha', 'h23net', { endpoints: { h23net: { Aliases: ['svc'] } } });
  const b = req('b'.repeat(64), 'beta', 'h23net', { endpoints: { h23net: { Aliases: ['svc'] } } });
  const c = req('c'.repeat(64), 'gamma', 'default');
  const planA = await s.prepare(a);
  const planB = await s.prepare(b);
  const planC = await s.prepare(c);
  assert.deepEqual(planA.nameservers, [gw]);
  assert.equal(planC.nameservers, undefined);
  const t0 = performance.now();
  await s.activate(a.id, pa);
  const activateMs = performance.now() - t0;
  await s.activate(b.id, pb);
  await s.activate(c.id, pc);
  const ipA = planA.endpoints[0]!.ipv4;
  const ipB = planB.endpoints[0]!.ipv4;
  const ipC = planC.endpoints[0]!.ipv4;
  assert.equal(ipA, `10.232.${octet}.2`);
  assert.match(ipC, new RegExp(`^10\\.231\\.${octet}\\.\\d+$`));

  const addr = await nsRun(pa, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
  assert.match(addr.stdout, new RegExp(`inet ${ipA.replace(/\./g, '\\.')}/24`));
  const route = await nsRun(pa, ['ip', 'route', 'show', 'default']);
  assert.match(route.stdout, new RegExp(`default via ${gw.replace(/\./g, '\\.')}`));

  const ping = await nsRun(pa, ['busybox', 'ping', '-c1', '-W2', ipB]);
  assert.equal(ping.code, 0, `ping ${ipB}: ${ping.stdout}${ping.stderr}`);
  const pingGw = await nsRun(pc, ['busybox', 'ping', '-c1', '-W2', `10.231.${octet}.1`]);
  assert.equal(pingGw.code, 0, `default bridge gateway: ${pingGw.stdout}${pingGw.stderr}`);

  const ns = await nsRun(pa, ['busybox', 'nslookup', 'beta', gw]);
  assert.match(ns.stdout, new RegExp(ipB.replace(/\./g, '\\.')), `nslookup beta: ${ns.stdout}${ns.stderr}`);
  const alias = await nsRun(pb, ['busybox', 'nslookup', 'svc', gw]);
  assert.match(alias.stdout, new RegExp(ipA.replace(/\./g, '\\.')));
  assert.match(alias.stdout, new RegExp(ipB.replace(/\./g, '\\.')));

  // live connect to a second network, then disconnect: the first network keeps working
  await s.create({ Name: 'h23net2', IPAM: { Config: [{ Subnet: `10.233.${octet}.0/24` }] } });
  const ep2 = await s.connect(b, 'h23net2', { Aliases: ['b2'] }, pb);
  assert.equal(ep2?.ifname, 'eth1');
  assert.match((await nsRun(pb, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth1'])).stdout, new RegExp(`inet ${ep2!.ipv4.replace(/\./g, '\\.')}/24`));
  await s.disconnect(b.id, 'h23net2');
  assert.notEqual((await nsRun(pb, ['ip', 'link', 'show', 'eth1'])).code, 0, 'eth1 gone');
  const again = await nsRun(pa, ['busybox', 'ping', '-c1', '-W2', ipB]);
  assert.equal(again.code, 0, `after disconnect: ${again.stdout}${again.stderr}`);
  const nsAgain = await nsRun(pa, ['busybox', 'nslookup', 'beta', gw]);
  assert.match(nsAgain.stdout, new RegExp(ipB.replace(/\./g, '\\.')), `nslookup beta after disconnect: ${nsAgain.stdout}${nsAgain.stderr}`);
  const fromB = await nsRun(pb, ['busybox', 'nslookup', 'alpha', gw]);
  assert.match(fromB.stdout, new RegExp(ipA.replace(/\./g, '\\.')), `nslookup from the disconnected container: ${fromB.stdout}${fromB.stderr}`);
  await s.remove('h23net2');

  const inspect = s.inspect('h23net');
  assert.deepEqual(Object.keys(inspect.Containers!).sort(), [a.id, b.id]);
  // Timing is reported, never asserted (bench/ measures the setup cost).
  console.log(`# activate took ${activateMs.toFixed(1)} ms`);

  const veths = [...planA.endpoints, ...planB.endpoints, ...planC.endpoints].map((e) => e.hostIfname!);
  for (const id of [a.id, b.id, c.id]) await s.release(id);
  for (const p of procs) p.kill('SIGKILL');
  const links = await linkNames();
  for (const v of veths) assert.ok(!links.includes(v), `veth ${v} left`);
  await s.remove('h23net');
  assert.ok(!(await linkNames()).includes(brName), 'bridge deleted with its network');
  await s.close();
  svc = undefined;
  assert.ok(!(await linkNames()).includes(bridge), 'default bridge deleted at close when idle');
  const table = await run('nft', ['list', 'table', 'ip', `pier-${instanceId}`]);
  assert.notEqual(table.code, 0, 'nft table deleted at close when idle');
});
