/**
 * The networking figures (issue 4): `run --rm` on the default bridge (per lane, ratio vs
 * Docker), the network setup cost (bridge minus `--network none`, per engine), the DNS answer
 * latency for a container name seen from inside a container on a user network (p50/p99, a
 * UDP client run in the container's network namespace with nsenter, so the server sees the
 * container's address), and 50 containers on one network all resolvable. Docker runs as a
 * separate bridged dockerd (docker-bridge.ts); Pier is the bench's pierd.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, runDocker, type CliResult } from '../test/harness/index.js';
import type { DnsRun } from './dns-client.js';
import { serverLatency } from './dns-server-latency.js';
import { startBridgedDocker, type BridgedDocker } from './docker-bridge.js';
import { lanes, type BenchEngine, type Figure, type Lane, type Series } from './measure.js';
import { summarize } from './stats.js';

const label = (e: BenchEngine): string => (e.name === 'pier' ? 'pierd' : 'dockerd');
const clientJs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dns-client.js');

/** Why `e` cannot run a container on its default bridge (with an eth0), or undefined. */
async function bridgeMissing(e: BenchEngine): Promise<string | undefined> {
  const r = await runDocker(e.daemon, ['run', '--rm', 'busybox', 'ip', '-4', '-o', 'addr', 'show', 'eth0'], { timeoutMs: 60_000 });
  if (r.code !== 0) return `run on the default bridge fails (${(r.stderr.trim() || r.stdout.trim()).split('\n')[0]})`;
  if (!r.stdout.includes('inet ')) return 'containers on the default bridge get no IPv4 address on eth0';
  const n = await runDocker(e.daemon, ['run', '--rm', '--network', 'none', 'busybox', 'true'], { timeoutMs: 60_000 });
  if (n.code !== 0) return `run --network none fails (${n.stderr.trim().split('\n')[0]})`;
  return undefined;
}

/**
 * `run --rm busybox true` on the default bridge per lane, and per engine (docker CLI) the same
 * with `--network none` right after, `n` alternating rounds after a warm-up; the setup cost
 * samples are the per-round differences. Never throws for an engine that cannot run: it is
 * listed as skipped.
 */
async function bridgeRuns(engines: readonly BenchEngine[], pierCli: boolean, n: number): Promise<Figure[]> {
  const rr: Figure = { id: 'run-rm-bridge', title: '`run --rm busybox true` on the default bridge', unit: 'ms', series: [], skipped: [], notes: [] };
  const setup: Figure = { id: 'net-setup', title: 'network setup cost (`run --rm` on the bridge minus `--network none`)', unit: 'ms', series: [], skipped: [], notes: [] };
  const ok: BenchEngine[] = [];
  for (const e of engines) {
    const why = await bridgeMissing(e);
    if (why) {
      rr.skipped.push(`${label(e)}: ${why}`);
      setup.skipped.push(`${label(e)}: ${why}`);
    } else ok.push(e);
  }
  const ls = lanes(ok, pierCli);
  const bridge = new Map<Lane, number[]>(ls.map((l) => [l, []]));
  const none = new Map<Lane, number[]>(ls.map((l) => [l, []]));
  const diff = new Map<Lane, number[]>(ls.map((l) => [l, []]));
  const fails = new Map<Lane, string>();
  for (const l of ls) await l.run(['run', '--rm', 'busybox', 'true']);
  for (let i = 0; i < n; i++) {
    for (const l of ls) {
      if (fails.has(l)) continue;
      const b = await l.run(['run', '--rm', 'busybox', 'true']);
      if (b.code !== 0) fails.set(l, b.stderr.trim().split('\n')[0] ?? `exit ${b.code}`);
      else bridge.get(l)?.push(b.ms);
      if (l.client !== 'docker' || b.code !== 0) continue;
      const z = await l.run(['run', '--rm', '--network', 'none', 'busybox', 'true']);
      if (z.code !== 0) {
        fails.set(l, z.stderr.trim().split('\n')[0] ?? `exit ${z.code}`);
        continue;
      }
      none.get(l)?.push(z.ms);
      diff.get(l)?.push(b.ms - z.ms);
    }
  }
  for (const l of ls) {
    const f = fails.get(l);
    if (f) rr.skipped.push(`${l.label}: a run failed (${f})`);
    const s = bridge.get(l) ?? [];
    if (s.length) rr.series.push({ label: l.label, engine: l.engine, client: l.client, summary: summarize(s) });
    const d = diff.get(l) ?? [];
    if (l.client === 'docker' && d.length) {
      setup.series.push({ label: l.engine === 'pier' ? 'pierd' : 'dockerd', engine: l.engine, client: 'docker', summary: summarize(d) });
      setup.notes.push(`${l.engine === 'pier' ? 'pierd' : 'dockerd'}: median on the bridge ${summarize(s).median.toFixed(0)} ms, with --network none ${summarize(none.get(l) ?? [0]).median.toFixed(0)} ms (docker CLI, ${d.length} alternating pairs)`);
    }
  }
  return [rr, setup];
}

async function must(r: Promise<CliResult>, what: string): Promise<CliResult> {
  const x = await r;
  if (x.code !== 0) throw new Error(`${what}: exit ${x.code}: ${(x.stderr.trim() || x.stdout.trim()).split('\n')[0]}`);
  return x;
}

/** The container's pid and the first nameserver of its resolv.conf. Throws when unknown. */
async function clientOf(e: BenchEngine, name: string): Promise<{ pid: number; ns: string }> {
  const pid = Number((await must(runDocker(e.daemon, ['inspect', '-f', '{{.State.Pid}}', name]), `${label(e)} inspect`)).stdout.trim());
  if (!(pid > 0)) throw new Error(`${label(e)}: no pid for ${name}`);
  let conf = '';
  try {
    conf = fs.readFileSync(`/proc/${pid}/root/etc/resolv.conf`, 'utf8');
  } catch {
    conf = (await must(runDocker(e.daemon, ['exec', name, 'cat', '/etc/resolv.conf']), `${label(e)} exec cat resolv.conf`)).stdout;
  }
  const ns = /^\s*nameserver\s+(\S+)/m.exec(conf)?.[1];
  if (!ns) throw new Error(`${label(e)}: no nameserver in ${name}'s resolv.conf`);
  return { pid, ns };
}

/** Runs the DNS client inside the network namespace of `pid`. Throws when it fails. */
async function queryFrom(pid: number, ns: string, names: string[], count: number): Promise<DnsRun> {
  const r = await runCommand('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, clientJs, ns, '53', names.join(','), String(count), '2000'], process.env, { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`dns client in the container's namespace: exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
  return JSON.parse(r.stdout) as DnsRun;
}

/** Runs `n` containers `<prefix><i>` (sleep 600) on `net`, 5 at a time. Throws when one fails. */
async function runMany(e: BenchEngine, net: string, prefix: string, n: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await must(runDocker(e.daemon, ['run', '-d', '--network', net, '--name', `${prefix}${i}`, 'busybox', 'sleep', '600'], { timeoutMs: 120_000 }), `${label(e)} run -d ${prefix}${i}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(5, n) }, worker));
}

async function removeNet(e: BenchEngine, net: string, names: string[]): Promise<void> {
  if (names.length) await runDocker(e.daemon, ['rm', '-f', ...names], { timeoutMs: 180_000 });
  await runDocker(e.daemon, ['network', 'rm', net]);
}

/**
 * DNS answer latency for a container name, from a container on a user network: `count`
 * sequential queries per engine in two alternating halves. An engine that fails is skipped.
 */
async function dnsLatency(engines: readonly BenchEngine[], count: number): Promise<Figure> {
  const fig: Figure = { id: 'dns-latency', title: 'DNS answer for a container name, from a container on a user network', unit: 'ms', series: [], skipped: [], notes: [] };
  const ready: { e: BenchEngine; pid: number; ns: string; runs: DnsRun[] }[] = [];
  for (const e of engines) {
    try {
      await removeNet(e, 'pbdns', ['pbdns-target0', 'pbdns-client']);
      await must(runDocker(e.daemon, ['network', 'create', 'pbdns']), `${label(e)} network create`);
      await runMany(e, 'pbdns', 'pbdns-target', 1);
      await must(runDocker(e.daemon, ['run', '-d', '--network', 'pbdns', '--name', 'pbdns-client', 'busybox', 'sleep', '600']), `${label(e)} run client`);
      const c = await clientOf(e, 'pbdns-client');
      const warm = await queryFrom(c.pid, c.ns, ['pbdns-target0'], 50);
      if (warm.resolved === 0) throw new Error(`pbdns-target0 not resolvable via ${c.ns} (${warm.empty} empty answers, ${warm.lost} lost)`);
      ready.push({ e, ...c, runs: [] });
    } catch (err) {
      fig.skipped.push(`${label(e)}: ${(err as Error).message}`);
    }
  }
  for (let half = 0; half < 2; half++) {
    for (const r of ready) r.runs.push(await queryFrom(r.pid, r.ns, ['pbdns-target0'], Math.ceil(count / 2)));
  }
  for (const r of ready) {
    const samples = r.runs.flatMap((x) => x.samples);
    const all = { resolved: 0, empty: 0, lost: 0 };
    for (const x of r.runs) {
      all.resolved += x.resolved;
      all.empty += x.empty;
      all.lost += x.lost;
    }
    if (samples.length) fig.series.push({ label: label(r.e), engine: r.e.name, client: 'docker', summary: summarize(samples) });
    const sorted = [...samples].sort((a, b) => a - b);
    const p99 = sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)] ?? NaN;
    fig.notes.push(`${label(r.e)}: p50 ${summarize(samples.length ? samples : [NaN]).median.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms over ${samples.length} sequential UDP queries to ${r.ns}:53 from the client container's namespace (${all.resolved} answered with records, ${all.empty} empty, ${all.lost} lost)`);
  }
  for (const e of engines) await removeNet(e, 'pbdns', ['pbdns-target0', 'pbdns-client']);
  return fig;
}

/** 50 containers on one user network; how many of their names one of them resolves (3 passes). */
async function dns50(engines: readonly BenchEngine[], count: number): Promise<Figure> {
  const fig: Figure = { id: 'dns-50', title: `${count} containers on one user network: names resolvable from one of them`, unit: 'names', series: [], skipped: [], notes: [] };
  const names = Array.from({ length: count }, (_, i) => `pb50-${i}`);
  for (const e of engines) {
    try {
      await removeNet(e, 'pb50', names);
      await must(runDocker(e.daemon, ['network', 'create', 'pb50']), `${label(e)} network create`);
      const t0 = performance.now();
      await runMany(e, 'pb50', 'pb50-', count);
      const startMs = performance.now() - t0;
      const c = await clientOf(e, 'pb50-0');
      const passes: number[] = [];
      const lat: number[] = [];
      for (let p = 0; p < 3; p++) {
        const r = await queryFrom(c.pid, c.ns, names, names.length);
        passes.push(r.resolvedNames.length);
        lat.push(...r.samples);
      }
      fig.series.push({ label: label(e), engine: e.name, client: 'docker', summary: summarize(passes) });
      fig.notes.push(`${label(e)}: ${Math.min(...passes)}–${Math.max(...passes)} of ${count} names resolved per pass; median answer ${summarize(lat.length ? lat : [NaN]).median.toFixed(3)} ms; starting the ${count} containers (5 at a time) took ${(startMs / 1000).toFixed(1)} s`);
    } catch (err) {
      fig.skipped.push(`${label(e)}: ${(err as Error).message}`);
    } finally {
      await removeNet(e, 'pb50', names);
    }
  }
  return fig;
}

/**
 * Every networking figure. `pier` is the bench's pierd (absent: Pier not measured); with
 * `docker` a bridged dockerd is started for the group and stopped after. Figures whose engine
 * cannot do networking list it as skipped. Throws only when the bridged dockerd cannot start
 * and Pier is absent.
 */
export async function networkFigures(o: { pier?: BenchEngine; pierCli: boolean; docker: boolean; quick: boolean; log: (s: string) => void }): Promise<Figure[]> {
  const engines: BenchEngine[] = o.pier ? [o.pier] : [];
  const notes: string[] = [];
  let bd: BridgedDocker | undefined;
  if (o.docker) {
    try {
      bd = await startBridgedDocker();
      engines.push({ name: 'docker', daemon: bd.daemon });
      notes.push(`Docker runs as its own dockerd for this group with a bridge: \`--bridge ${bd.bridge}\` (a bridge the bench creates with ${bd.bridgeCidr}), user networks from ${bd.pool}, and \`--iptables=false\` (no host iptables chains; its embedded DNS still works through rules inside each container's namespace). Pier programs its nftables table as always.`);
    } catch (e) {
      if (!o.pier) throw e;
      notes.push(`Docker not measured: the bridged dockerd did not start (${(e as Error).message.split('\n')[0]})`);
    }
  }
  try {
    const q = o.quick;
    const figs: Figure[] = [];
    o.log('   (network) run --rm on the bridge / --network none');
    figs.push(...await bridgeRuns(engines, o.pierCli, q ? 5 : 20));
    o.log('   (network) DNS latency');
    const dl = await dnsLatency(engines, q ? 300 : 1000);
    const own = await serverLatency(10_000).catch((e: Error) => e);
    dl.notes.push(own instanceof Error ? `embedded server alone: not measured (${own.message})` : `Pier's embedded server alone (in-process resolver, loopback, separate client process): p50 ${own.p50.toFixed(3)} ms, p99 ${own.p99.toFixed(3)} ms over 10000 sequential queries`);
    figs.push(dl);
    o.log('   (network) 50 containers on one network');
    figs.push(await dns50(engines, 50));
    for (const f of figs) f.notes.unshift(...notes);
    return figs;
  } finally {
    await bd?.stop();
  }
}

/** Series of `fig` for engine `name` (for the targets). Never throws. */
export function seriesOf(fig: Figure | undefined, name: 'pier' | 'docker'): Series | undefined {
  return fig?.series.find((s) => s.engine === name && s.client !== 'pier');
}
