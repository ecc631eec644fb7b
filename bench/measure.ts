/**
 * The measurements. Every figure runs the engines alternately (A B A B …) so that drift in
 * machine load hits both alike. Times are wall-clock milliseconds seen by the client.
 */
import { apiRequest, removeAllContainers, runDocker, runPier, type CliResult, type TestDaemon } from '../test/harness/index.js';
import { findProcesses, listProcesses, rssBytes } from './procs.js';
import { summarize, type Summary } from './stats.js';

/** An engine taking part: which one and its private daemon. */
export interface BenchEngine {
  name: 'pier' | 'docker';
  daemon: TestDaemon;
}

/** One measured series of a figure. */
export interface Series {
  label: string;
  engine: 'pier' | 'docker';
  client?: 'docker' | 'pier';
  summary: Summary;
}

/** A figure of the report. `skipped` says why it has no data for an engine. */
export interface Figure {
  id: string;
  title: string;
  /** MiB/s figures are throughputs: higher is better. `names`: a count (DNS names resolvable). */
  unit: 'ms' | 'MB' | 'MiB/s' | 'names';
  series: Series[];
  skipped: string[];
  notes: string[];
}

type Runner = (args: readonly string[]) => Promise<CliResult>;

/** A client → engine pair measured as one series. */
export interface Lane {
  label: string;
  engine: 'pier' | 'docker';
  client: 'docker' | 'pier';
  run: Runner;
}

/** The client/engine pairs: docker CLI → each engine, and pier → pierd when `withPier`. Never throws. */
export function lanes(engines: readonly BenchEngine[], withPier: boolean): Lane[] {
  const out: Lane[] = [];
  for (const e of engines) {
    out.push({ label: `docker CLI → ${e.name === 'pier' ? 'pierd' : 'dockerd'}`, engine: e.name, client: 'docker', run: (a) => runDocker(e.daemon, a, { timeoutMs: 120_000 }) });
    if (e.name === 'pier' && withPier) out.push({ label: 'pier CLI → pierd', engine: 'pier', client: 'pier', run: (a) => runPier(e.daemon, a, { timeoutMs: 120_000 }) });
  }
  return out;
}

async function must(r: Promise<CliResult>, what: string): Promise<CliResult> {
  const res = await r;
  if (res.code !== 0) throw new Error(`${what}: exit ${res.code}: ${res.stderr.trim()}`);
  return res;
}

/**
 * `run --rm busybox true` latency per lane, `n` alternating rounds after one warm-up; `round`
 * (when given) runs once per round after the lanes. Throws when a run fails.
 */
export async function runRmLatency(ls: readonly Lane[], n: number, round?: () => Promise<void>): Promise<Figure> {
  const samples = new Map<Lane, number[]>(ls.map((l) => [l, []]));
  for (const l of ls) await must(l.run(['run', '--rm', 'busybox', 'true']), `${l.label} warm-up`);
  for (let i = 0; i < n; i++) {
    for (const l of ls) samples.get(l)?.push((await must(l.run(['run', '--rm', 'busybox', 'true']), l.label)).ms);
    await round?.();
  }
  return {
    id: 'run-rm', title: '`run --rm busybox true` latency', unit: 'ms', skipped: [], notes: [],
    series: ls.map((l) => ({ label: l.label, engine: l.engine, client: l.client, summary: summarize(samples.get(l) ?? []) })),
  };
}

/** Total time of `count` sequential `run --rm busybox true` per lane, `rounds` alternating rounds. Throws when a run fails. */
export async function sequentialRuns(ls: readonly Lane[], count: number, rounds: number): Promise<Figure> {
  const samples = new Map<Lane, number[]>(ls.map((l) => [l, []]));
  for (let r = 0; r < rounds; r++) {
    for (const l of ls) {
      const t0 = performance.now();
      for (let i = 0; i < count; i++) await must(l.run(['run', '--rm', 'busybox', 'true']), l.label);
      samples.get(l)?.push(performance.now() - t0);
    }
  }
  return {
    id: 'sequential', title: `${count} sequential \`run --rm\` (total)`, unit: 'ms', skipped: [], notes: [],
    series: ls.map((l) => ({ label: l.label, engine: l.engine, client: l.client, summary: summarize(samples.get(l) ?? []) })),
  };
}

/** Result of {@link concurrentRuns}: start and removal figures plus the monitor memory figure. */
export interface ConcurrentResult {
  start: Figure;
  remove: Figure;
  monitors: Figure;
}

/** Monitor processes (conmon for pierd, containerd-shim for dockerd) of an engine. Never throws. */
export function monitorPids(e: BenchEngine): number[] {
  const prefix = e.name === 'pier' ? 'conmon' : 'containerd-shim';
  return findProcesses(prefix, e.daemon.dir).map((p) => p.pid);
}

/**
 * Per engine (docker CLI), `rounds` alternating rounds of: `count` concurrent `run -d busybox
 * sleep 600`, then (first round) the RSS of its per-container monitors, then one `rm -f` of all.
 * Throws when a run or the removal fails.
 */
export async function concurrentRuns(engines: readonly BenchEngine[], count: number, rounds: number): Promise<ConcurrentResult> {
  const start = new Map<string, number[]>();
  const remove = new Map<string, number[]>();
  const mon = new Map<string, number[]>();
  const notes: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const e of engines) {
      const t0 = performance.now();
      const res = await Promise.all(Array.from({ length: count }, () => must(runDocker(e.daemon, ['run', '-d', 'busybox', 'sleep', '600'], { timeoutMs: 180_000 }), `${e.name} run -d`)));
      push(start, e.name, performance.now() - t0);
      if (r === 0) {
        await new Promise((ok) => setTimeout(ok, 1000));
        const pids = monitorPids(e);
        const per = pids.map(rssBytes).filter((b) => b > 0);
        if (per.length > 0) for (const b of per) push(mon, e.name, b / 1e6);
        notes.push(`${e.name}: ${per.length} monitor processes for ${count} containers`);
      }
      const ids = res.map((x) => x.stdout.trim());
      const t1 = performance.now();
      await must(runDocker(e.daemon, ['rm', '-f', ...ids], { timeoutMs: 180_000 }), `${e.name} rm -f`);
      push(remove, e.name, performance.now() - t1);
    }
  }
  const series = (m: Map<string, number[]>): Series[] => engines.filter((e) => m.has(e.name)).map((e) => ({
    label: `${e.name === 'pier' ? 'pierd' : 'dockerd'}${m === mon ? (e.name === 'pier' ? ' (conmon)' : ' (containerd-shim)') : ''}`,
    engine: e.name, client: 'docker', summary: summarize(m.get(e.name) ?? []),
  }));
  return {
    start: { id: 'concurrent-start', title: `${count} concurrent \`run -d\` (wall time)`, unit: 'ms', series: series(start), skipped: [], notes: [] },
    remove: { id: 'concurrent-rm', title: `\`rm -f\` of ${count} running containers`, unit: 'ms', series: series(remove), skipped: [], notes: [] },
    monitors: { id: 'monitor-rss', title: `per-container monitor RSS (${count} containers)`, unit: 'MB', series: series(mon), skipped: [], notes },
  };
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const a = m.get(k) ?? [];
  a.push(v);
  m.set(k, a);
}

/** RSS of the daemon: pierd alone; dockerd plus its containerd. Never throws. */
export function daemonRss(e: BenchEngine): { bytes: number; parts: string } {
  const main = rssBytes(e.daemon.pid());
  if (e.name === 'pier') return { bytes: main, parts: `pierd ${(main / 1e6).toFixed(1)} MB` };
  const ctr = listProcesses().filter((p) => p.comm === 'containerd' && p.cmdline.includes(e.daemon.dir));
  const c = ctr.reduce((a, p) => a + rssBytes(p.pid), 0);
  return { bytes: main + c, parts: `dockerd ${(main / 1e6).toFixed(1)} MB + containerd ${(c / 1e6).toFixed(1)} MB` };
}

/** Idle daemon RSS, sampled `n` times 200 ms apart per engine. Never throws. */
export async function idleRss(engines: readonly BenchEngine[], n: number): Promise<Figure> {
  const m = new Map<string, number[]>();
  const notes: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const e of engines) {
      const r = daemonRss(e);
      push(m, e.name, r.bytes / 1e6);
      if (i === n - 1) notes.push(r.parts);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return {
    id: 'idle-rss', title: 'idle daemon RSS', unit: 'MB', skipped: [], notes,
    series: engines.map((e) => ({ label: e.name === 'pier' ? 'pierd' : 'dockerd + containerd', engine: e.name, summary: summarize(m.get(e.name) ?? []) })),
  };
}

async function ensureContainers(e: BenchEngine, want: number, have: number): Promise<void> {
  let next = have;
  const worker = async (): Promise<void> => {
    while (next < want) {
      next++;
      const r = await apiRequest(e.daemon.socket, 'POST', '/containers/create', { body: { Image: 'busybox', Cmd: ['true'] }, timeoutMs: 60_000 });
      if (r.status !== 201) throw new Error(`${e.name}: create: ${r.status} ${r.body}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * Daemon time of `GET /containers/json?all=1` (over the socket, no CLI) with each count of
 * containers (created, not started), `n` alternating samples per engine and count. Removes
 * the containers afterwards. Throws when creating containers fails.
 */
export async function psTimes(engines: readonly BenchEngine[], counts: readonly number[], n: number): Promise<Figure[]> {
  const figs: Figure[] = [];
  let have = 0;
  try {
    for (const count of counts) {
      for (const e of engines) await ensureContainers(e, count, have);
      have = count;
      const m = new Map<string, number[]>();
      for (const e of engines) await apiRequest(e.daemon.socket, 'GET', '/containers/json?all=1');
      for (let i = 0; i < n; i++) {
        for (const e of engines) {
          const t0 = performance.now();
          const r = await apiRequest(e.daemon.socket, 'GET', '/containers/json?all=1', { timeoutMs: 60_000 });
          const ms = performance.now() - t0;
          if (r.status !== 200 || r.json<unknown[]>().length !== count) throw new Error(`${e.name}: containers/json returned ${r.status}, ${r.body.length} bytes`);
          push(m, e.name, ms);
        }
      }
      figs.push({
        id: `ps-${count}`, title: `\`ps -a\` with ${count} containers (GET /containers/json?all=1)`, unit: 'ms', skipped: [], notes: [],
        series: engines.map((e) => ({ label: e.name === 'pier' ? 'pierd' : 'dockerd', engine: e.name, summary: summarize(m.get(e.name) ?? []) })),
      });
    }
  } finally {
    for (const e of engines) await removeAllContainers(e.daemon.socket).catch(() => undefined);
  }
  return figs;
}

/**
 * `exec <c> true` latency via the docker CLI, `n` alternating rounds; `round` (when given) runs
 * once per round after the engines. An engine whose exec fails is listed in `skipped`. Never
 * throws for exec failures.
 */
export async function execLatency(engines: readonly BenchEngine[], n: number, round?: () => Promise<void>): Promise<Figure> {
  const fig: Figure = { id: 'exec', title: '`exec true` latency', unit: 'ms', series: [], skipped: [], notes: [] };
  const ok: { e: BenchEngine; id: string; samples: number[] }[] = [];
  for (const e of engines) {
    const c = await runDocker(e.daemon, ['run', '-d', 'busybox', 'sleep', '600']);
    if (c.code !== 0) {
      fig.skipped.push(`${e.name}: run -d failed: ${c.stderr.trim()}`);
      continue;
    }
    const id = c.stdout.trim();
    const probe = await runDocker(e.daemon, ['exec', id, 'true']);
    if (probe.code !== 0) {
      fig.skipped.push(`${e.name}: exec not available (${probe.stderr.trim().split('\n')[0]})`);
      await runDocker(e.daemon, ['rm', '-f', id]);
      continue;
    }
    ok.push({ e, id, samples: [] });
  }
  for (let i = 0; i < n; i++) {
    for (const o of ok) {
      const r = await runDocker(o.e.daemon, ['exec', o.id, 'true']);
      if (r.code === 0) o.samples.push(r.ms);
    }
    await round?.();
  }
  for (const o of ok) {
    await runDocker(o.e.daemon, ['rm', '-f', o.id]);
    if (o.samples.length) fig.series.push({ label: `docker CLI → ${o.e.name === 'pier' ? 'pierd' : 'dockerd'}`, engine: o.e.name, client: 'docker', summary: summarize(o.samples) });
  }
  return fig;
}
