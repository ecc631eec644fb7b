/**
 * `npm run bench [-- --quick] [-- --engines pier,docker]`: Pier and Debian's real dockerd side
 * by side on private roots and sockets (loopback only), measured alternately; writes
 * bench/results/<date>.json, bench/charts/*.svg and docs/benchmarks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  dockerCliMissing, dockerdMissing, loadBusybox, pierCliMissing, pierdMissing, repoRoot, rootMissing, runDocker, startDaemon,
} from '../test/harness/index.js';
import {
  concurrentRuns, execLatency, idleRss, lanes, psTimes, runRmLatency, sequentialRuns, type BenchEngine, type Figure, type Lane,
} from './measure.js';
import { buildBigImage, buildTimes, logsThroughput, registryTransfer, saveLoad } from './measure-data.js';
import { networkFigures } from './measure-network.js';
import { composeFigures } from './measure-compose.js';
import { writeReport, type MachineInfo } from './report.js';
import { registryMissing } from './workload.js';
import { registryServe } from './measure-registry-serve.js';
import { withClientFloor } from './client-floor.js';
import { cgroupTuning } from './procs.js';
import { contextRss } from './context-rss.js';

interface Options {
  quick: boolean;
  /** Regenerate charts and docs from this results file instead of measuring. */
  reportFrom?: string;
  engines: ('pier' | 'docker')[];
  /** Only these figure groups (default: all). */
  only?: string[];
}

/** The figure groups, in run order. */
const GROUPS = ['idle-rss', 'run-rm', 'sequential', 'concurrent', 'exec', 'ps', 'logs', 'build', 'save-load', 'registry', 'network', 'compose', 'context-rss'];

function parse(argv: readonly string[]): Options {
  const o: Options = { quick: false, engines: ['pier', 'docker'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--report-from') o.reportFrom = argv[++i];
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',').filter((x) => GROUPS.includes(x));
    else if (a === '--engines') o.engines = (argv[++i] ?? '').split(',').filter((x): x is 'pier' | 'docker' => x === 'pier' || x === 'docker');
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`usage: npm run bench [-- --quick] [-- --engines pier,docker] [-- --only ${GROUPS.join(',')}] [-- --report-from bench/results/FILE.json]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const log = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

async function figure(name: string, figs: Figure[], fn: () => Promise<Figure | Figure[]>): Promise<void> {
  log(`-- ${name}`);
  try {
    const f = await fn();
    for (const x of Array.isArray(f) ? f : [f]) {
      figs.push(x);
      for (const s of x.series) log(`   ${x.title.replace(/`/g, '')} | ${s.label}: median ${s.summary.median.toFixed(1)} ${x.unit} (min ${s.summary.min.toFixed(1)}, max ${s.summary.max.toFixed(1)}, n ${s.summary.n})`);
      for (const s of x.skipped) log(`   skipped: ${s}`);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`   FAILED: ${msg}`);
    figs.push({ id: name, title: name, unit: 'ms', series: [], skipped: [`failed: ${msg.split('\n')[0]}`], notes: [] });
  }
}

function reportOnly(file: string): number {
  const repo = repoRoot();
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { machine: MachineInfo; figures: Figure[] };
  const targets = writeReport(data.figures, data.machine, { resultsFile: path.resolve(file), chartsDir: path.join(repo, 'bench', 'charts'), docPath: path.join(repo, 'docs', 'benchmarks.md') });
  for (const t of targets) log(`  ${t.met === null ? 'not measured' : t.met ? 'MET    ' : 'NOT MET'}  ${t.text}  (${t.detail})`);
  return 0;
}

/** Runs the benchmark; resolves with the process exit code. Throws only on unexpected errors. */
export async function main(argv: readonly string[]): Promise<number> {
  const o = parse(argv);
  if (o.reportFrom) return reportOnly(o.reportFrom);
  const root = rootMissing();
  if (root) {
    log(`bench: ${root}`);
    return 1;
  }
  const cli = dockerCliMissing();
  if (cli) {
    log(`bench: ${cli} (the docker CLI drives both engines)`);
    return 1;
  }
  const missing: string[] = [];
  const want = o.engines.filter((e) => {
    const why = e === 'docker' ? dockerdMissing() : pierdMissing();
    if (why) {
      missing.push(`${e === 'docker' ? 'Docker' : 'Pier'}: ${why}`);
      log(`bench: ${why} — measuring ${e === 'docker' ? 'Pier' : 'Docker'} alone`);
    }
    return !why;
  });
  if (want.length === 0) {
    log('bench: no engine to measure');
    return 1;
  }
  const pierCli = want.includes('pier') && !pierCliMissing();
  const loadBefore = os.loadavg();
  const engines: BenchEngine[] = [];
  const figs: Figure[] = [];
  const versions: Record<string, string> = {};
  try {
    for (const name of want) {
      log(`starting ${name} …`);
      const daemon = await startDaemon({ engine: name, name: `bench${name}`, startTimeoutMs: 60_000 });
      engines.push({ name, daemon });
      await loadBusybox(daemon);
      const v = await runDocker(daemon, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']);
      versions[name === 'pier' ? 'pierd' : 'dockerd'] = v.stdout.trim() || 'unknown';
    }
    // Drop lanes whose client/engine cannot run a container at all, and say so.
    const ls: Lane[] = [];
    for (const l of lanes(engines, pierCli)) {
      const r = await l.run(['run', '--rm', 'busybox', 'true']);
      if (r.code === 0) ls.push(l);
      else missing.push(`${l.label}: run --rm fails (${r.stderr.trim().split('\n')[0]})`);
    }
    const runnable = engines.filter((e) => ls.some((l) => l.engine === e.name && l.client === 'docker'));
    await new Promise((r) => setTimeout(r, 2000));
    const on = (g: string): boolean => !o.only?.length || o.only.includes(g);
    const q = o.quick;
    if (on('idle-rss')) await figure('idle-rss', figs, () => idleRss(engines, q ? 5 : 10));
    if (ls.length) {
      if (on('run-rm')) await figure('run-rm', figs, () => withClientFloor((round) => runRmLatency(ls, q ? 5 : 20, round), ['run', '--rm', 'busybox', 'true']));
      if (on('sequential')) await figure('sequential', figs, () => sequentialRuns(ls.filter((l) => l.client === 'docker'), q ? 10 : 50, q ? 1 : 2));
    }
    if (runnable.length) {
      if (on('concurrent')) {
        await figure('concurrent', figs, async () => {
          const r = await concurrentRuns(runnable, 20, q ? 1 : 3);
          return [r.start, r.remove, r.monitors];
        });
      }
      if (on('exec')) await figure('exec', figs, () => withClientFloor((round) => execLatency(runnable, q ? 5 : 20, round), ['exec', 'stub', 'true']));
    }
    if (on('ps')) await figure('ps', figs, () => psTimes(engines, q ? [20, 200] : [20, 200, 1000], q ? 5 : 10));
    if (runnable.length && on('logs')) await figure('logs', figs, () => logsThroughput(runnable, q ? 20 : 100, q ? 2 : 3));
    if (on('build')) await figure('build', figs, () => buildTimes(engines, q ? 10 : 50, q ? 2 : 3));
    if (on('save-load') || on('registry')) {
      // ~200 MB (quick: ~40 MB) image: busybox + 4 random layers.
      const big = await buildBigImage(engines, 4, (q ? 10 : 50) * 1e6);
      if (on('save-load')) await figure('save-load', figs, () => saveLoad(engines, big, q ? 2 : 3));
      if (on('registry')) {
        const why = registryMissing();
        if (why) missing.push(`push/pull: ${why}`);
        else await figure('registry', figs, () => registryTransfer(engines, big, q ? 2 : 3));
      }
      if (on('registry')) await figure('registry-serve', figs, () => registryServe(q ? 40 : 200, q ? 3 : 5));
    }
    if (on('network')) {
      // Docker with a bridge: its own dockerd for this group (measure-network.ts, docker-bridge.ts).
      const pier = engines.find((e) => e.name === 'pier');
      await figure('network', figs, () => networkFigures({ pier, pierCli, docker: want.includes('docker'), quick: q, log }));
    }
    if (on('compose')) {
      // 5-service project: pier compose and docker-compose v1 (issue 8; measure-compose.ts).
      const pier = engines.find((e) => e.name === 'pier');
      await figure('compose', figs, () => composeFigures({ pier, docker: engines.find((e) => e.name === 'docker'), pierCli, rounds: q ? 3 : 10, log }));
    }
    // 1 GB / 100k-file build context (issue 6): peak RSS of daemons started for it alone.
    if (on('context-rss')) await figure('context-rss', figs, () => contextRss(want, { log }));
  } finally {
    for (const e of engines) await e.daemon.stop().catch(() => undefined);
  }
  const date = new Date().toISOString();
  const machine: MachineInfo = {
    date,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memTotalMB: Math.round(os.totalmem() / 1e6),
    kernel: os.release(),
    cgroups: cgroupTuning(),
    node: process.version,
    loadBefore,
    loadAfter: os.loadavg(),
    quick: o.quick,
    engines: versions,
    missing,
  };
  const repo = repoRoot();
  const day = date.slice(0, 10);
  // A partial run (--only) never replaces the full report: its page and charts go to a
  // temporary directory, its results to a file named after its groups.
  const partial = o.only?.length ? o.only.join('+') : undefined;
  const resultsFile = path.join(repo, 'bench', 'results', `${day}${o.quick ? '-quick' : ''}${partial ? `-${partial}` : ''}.json`);
  const outDir = partial ? fs.mkdtempSync(path.join(os.tmpdir(), `pier-bench-${partial}-`)) : undefined;
  const chartsDir = outDir ? path.join(outDir, 'charts') : path.join(repo, 'bench', 'charts');
  const docPath = outDir ? path.join(outDir, 'benchmarks.md') : path.join(repo, 'docs', 'benchmarks.md');
  const targets = writeReport(figs, machine, { resultsFile, chartsDir, docPath });
  log('\ntargets:');
  for (const t of targets) log(`  ${t.met === null ? 'not measured' : t.met ? 'MET    ' : 'NOT MET'}  ${t.text}  (${t.detail})`);
  log(`\nwrote ${path.relative(repo, resultsFile)}, ${path.relative(repo, chartsDir)}/*.svg, ${path.relative(repo, docPath)}`);
  return fs.existsSync(resultsFile) ? 0 : 1;
}
