/**
 * Issue 6's memory figure: the daemon's peak RSS while a 1 GB build context of 100k files is
 * sent and hashed (`docker build`, DOCKER_BUILDKIT=0, FROM busybox + RUN true), and in the
 * seconds after the build. The context is generated in a temporary directory (100 directories
 * of 1,000 files of 10 KB random-ish bytes each), never kept. Each engine is sampled every
 * 20 ms (/proc/<pid>/status VmRSS; dockerd adds its containerd); pierd's VmHWM, reset through
 * /proc/<pid>/clear_refs before each build, catches what falls between samples.
 *
 * In the benchmark (last, on daemons of its own): `npm run bench -- --only context-rss`. Alone, against a private pierd
 * (dist/pierd.mjs, or PIER_TEST_PIERD): `node dist/bench/context-rss.js [--rounds N]
 * [--files N] [--size BYTES] [--after-ms MS]`; prints each round's figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { loadBusybox, runDocker, startDaemon } from '../test/harness/index.js';
import type { BenchEngine, Figure } from './measure.js';
import { listProcesses } from './procs.js';
import { summarize } from './stats.js';

/** Options of {@link contextRss}. */
export interface ContextRssOptions {
  /** Builds per engine (each measured; default 1). The second one finds the first's cache. */
  rounds?: number;
  /** Files in the context (default 100,000, in directories of 1,000). */
  files?: number;
  /** Bytes per file (default 10,240). */
  size?: number;
  /** How long to keep sampling after the build returned (default 5,000 ms). */
  afterMs?: number;
  /** Progress lines. */
  log?: (s: string) => void;
}

/** One build's memory figures, in MB (1e6 bytes). */
export interface RssRound {
  engine: 'pier' | 'docker';
  /** RSS (pierd; dockerd + containerd) before the build. */
  before: number;
  /** Highest sample while the build ran. */
  during: number;
  /** Highest sample in the `afterMs` after it. */
  after: number;
  /** pierd's VmHWM at the end (reset before the build); NaN for dockerd. */
  hwm: number;
  /** Build wall time, ms. */
  ms: number;
}

const LEGACY = { DOCKER_BUILDKIT: '0' };
const PER_DIR = 1000;

/** A field of /proc/<pid>/status in bytes (kB lines), 0 when the process is gone. Never throws. */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The engine's resident bytes: pierd alone; dockerd plus its containerd. Never throws. */
function engineRss(e: BenchEngine, containerd: number[]): number {
  return statusBytes(e.daemon.pid(), 'VmRSS') + containerd.reduce((a, p) => a + statusBytes(p, 'VmRSS'), 0);
}

/**
 * Writes the context: a Dockerfile and `files` files of `size` bytes in directories of 1,000.
 * Each file is a different window of a 4 MB random block, its index at the front (no two the
 * same). Returns the directory. Throws fs errors.
 */
export function makeBigContext(files: number, size: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-bench-ctxrss-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nRUN true\n');
  const block = randomBytes(4 << 20);
  const span = block.length - size;
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `d${Math.floor(i / PER_DIR)}`);
    if (i % PER_DIR === 0) fs.mkdirSync(sub);
    const off = (i * 7919) % Math.max(1, span);
    const body = Buffer.from(block.subarray(off, off + size));
    body.writeUInt32BE(i, 0);
    fs.writeFileSync(path.join(sub, `f${i}`), body);
  }
  return dir;
}

/** Samples `rss` every 20 ms until `stop` resolves; resolves with the highest sample. */
async function sampleUntil(rss: () => number, stop: Promise<unknown>): Promise<number> {
  let peak = rss();
  const t = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 20);
  try {
    await stop;
  } finally {
    clearInterval(t);
  }
  return Math.max(peak, rss());
}

/** One measured build on `e` of the context in `ctx`. Throws when the build fails. */
async function measureBuild(e: BenchEngine, ctx: string, afterMs: number): Promise<RssRound> {
  const containerd = e.name === 'docker' ? listProcesses().filter((p) => p.comm === 'containerd' && p.cmdline.includes(e.daemon.dir)).map((p) => p.pid) : [];
  const rss = () => engineRss(e, containerd);
  const pid = e.daemon.pid();
  if (e.name === 'pier') fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const before = rss();
  const t0 = Date.now();
  const build = runDocker(e.daemon, ['build', '-q', '-t', 'pierbench/ctxrss', ctx], { env: LEGACY, timeoutMs: 900_000 });
  const during = await sampleUntil(rss, build);
  const ms = Date.now() - t0;
  const r = await build;
  if (r.code !== 0) throw new Error(`${e.name} build: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const after = await sampleUntil(rss, new Promise((ok) => setTimeout(ok, afterMs)));
  const hwm = e.name === 'pier' ? statusBytes(pid, 'VmHWM') / 1e6 : NaN;
  return { engine: e.name, before: before / 1e6, during: during / 1e6, after: after / 1e6, hwm, ms };
}

/**
 * Builds the big context `rounds` times per engine (alternating) and returns every round's
 * figures. The image is removed afterwards, the context deleted. Throws when a build fails or
 * on fs errors.
 */
export async function contextRssRounds(engines: readonly BenchEngine[], o: ContextRssOptions = {}): Promise<RssRound[]> {
  const files = o.files ?? 100_000;
  const size = o.size ?? 10_240;
  const log = o.log ?? (() => undefined);
  log(`   writing a context of ${files} files of ${size} bytes …`);
  const ctx = makeBigContext(files, size);
  const out: RssRound[] = [];
  try {
    for (let r = 0; r < (o.rounds ?? 1); r++) {
      for (const e of engines) {
        const x = await measureBuild(e, ctx, o.afterMs ?? 5000);
        log(`   ${e.name} round ${r + 1}: before ${x.before.toFixed(0)} MB, build peak ${x.during.toFixed(0)} MB, after ${x.after.toFixed(0)} MB, VmHWM ${x.hwm.toFixed(0)} MB, ${(x.ms / 1000).toFixed(1)} s`);
        out.push(x);
      }
    }
  } finally {
    for (const e of engines) await runDocker(e.daemon, ['rmi', '-f', 'pierbench/ctxrss']).catch(() => undefined);
    fs.rmSync(ctx, { recursive: true, force: true });
  }
  return out;
}

/**
 * Starts a fresh private daemon per engine in `names` (busybox loaded), so neither earlier
 * groups' memory nor this group's leftovers (a 1 GB context being removed) touch other figures,
 * runs contextRssRounds on them and stops them. Throws when a daemon cannot start, as
 * contextRssRounds otherwise.
 */
export async function contextRssFresh(names: readonly ('pier' | 'docker')[], o: ContextRssOptions = {}): Promise<RssRound[]> {
  const engines: BenchEngine[] = [];
  try {
    for (const name of names) {
      const daemon = await startDaemon({ engine: name, name: `ctxrss${name}`, startTimeoutMs: 60_000 });
      engines.push({ name, daemon });
      await loadBusybox(daemon);
    }
    await new Promise((ok) => setTimeout(ok, 1000));
    return await contextRssRounds(engines, o);
  } finally {
    for (const e of engines) await e.daemon.stop().catch(() => undefined);
  }
}

/** The benchmark group: peak RSS per engine over `rounds` builds on fresh daemons (see the module comment). Throws as contextRssFresh. */
export async function contextRss(names: readonly ('pier' | 'docker')[], o: ContextRssOptions = {}): Promise<Figure> {
  const rounds = await contextRssFresh(names, o);
  const peak = (x: RssRound) => Math.max(x.during, x.after, Number.isNaN(x.hwm) ? 0 : x.hwm);
  const mb = ((o.files ?? 100_000) * (o.size ?? 10_240)) / 1e6;
  return {
    id: 'context-rss',
    title: `daemon peak RSS, ${Math.round(mb)} MB / ${o.files ?? 100_000}-file build context`,
    unit: 'MB',
    skipped: [],
    notes: [
      `docker build (DOCKER_BUILDKIT=0) of FROM busybox + RUN true on a freshly started daemon; peak of VmRSS sampled every 20 ms during the build and ${(o.afterMs ?? 5000) / 1000} s after it (pierd: and its VmHWM); dockerd's figure includes containerd`,
      ...rounds.map((x) => `${x.engine}: before ${x.before.toFixed(0)} MB, during ${x.during.toFixed(0)} MB, after ${x.after.toFixed(0)} MB${Number.isNaN(x.hwm) ? '' : `, VmHWM ${x.hwm.toFixed(0)} MB`}`),
    ],
    series: names.map((name) => ({
      label: name === 'pier' ? 'pierd' : 'dockerd + containerd',
      engine: name,
      summary: summarize(rounds.filter((x) => x.engine === name).map(peak)),
    })),
  };
}

/** Standalone: a fresh private pierd, the rounds printed. Resolves with an exit code. */
async function standalone(argv: readonly string[]): Promise<number> {
  const o: ContextRssOptions = { rounds: 1, log: (s) => process.stdout.write(`${s}\n`) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = Number(argv[++i]);
    if (a === '--rounds') o.rounds = v;
    else if (a === '--files') o.files = v;
    else if (a === '--size') o.size = v;
    else if (a === '--after-ms') o.afterMs = v;
    else throw new Error(`unknown argument ${a}`);
  }
  const rounds = await contextRssFresh(['pier'], o);
  const peaks = rounds.map((x) => Math.max(x.during, x.after, x.hwm));
  process.stdout.write(`peak RSS per round (MB): ${peaks.map((p) => p.toFixed(0)).join(' ')}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await standalone(process.argv.slice(2));
}
