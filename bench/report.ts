/**
 * Turns measured figures into the results JSON, one SVG chart per figure and
 * docs/benchmarks.md with the targets marked met / not met.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Figure } from './measure.js';
import { round } from './stats.js';
import { barChart } from './svg.js';
import { NETWORK_LIMITS, networkTargets } from './targets-network.js';
import { composeLimits, composeTargets } from './measure-compose.js';

/** Machine facts recorded with the results. */
export interface MachineInfo {
  date: string;
  cpus: number;
  cpuModel: string;
  memTotalMB: number;
  kernel: string;
  /** cgroup layout and tuning (procs.ts cgroupTuning); absent in older result files. */
  cgroups?: string;
  node: string;
  loadBefore: number[];
  loadAfter: number[];
  quick: boolean;
  engines: Record<string, string>;
  missing: string[];
}

/** A target: which figure, a text, and whether it was met (null: not measured). */
export interface TargetResult {
  text: string;
  met: boolean | null;
  detail: string;
}

const COLORS: Record<string, string> = { pier: '#2e86ab', docker: '#8d99ae' };

/** Median of the series with this label prefix, or undefined. Never throws. */
export function medianOf(fig: Figure | undefined, labelPrefix: string): number | undefined {
  return fig?.series.find((s) => s.label.startsWith(labelPrefix))?.summary.median;
}

/** Pier/Docker ratio of medians over like-for-like series (same client), or undefined. Never throws. */
export function ratio(fig: Figure): number | undefined {
  const p = fig.series.find((s) => s.engine === 'pier' && s.client !== 'pier');
  const d = fig.series.find((s) => s.engine === 'docker');
  return p && d && d.summary.median > 0 ? p.summary.median / d.summary.median : undefined;
}

/** Targets stated as a Pier/Docker ratio of medians; `higher`: a throughput (ratio must be ≥). */
const RATIO_TARGETS: readonly { id: string; ratio: number; higher: boolean; text: string }[] = [
  { id: 'exec', ratio: 0.5, higher: false, text: '`exec true` ≤ 0.5× Docker' },
  { id: 'logs-follow', ratio: 5, higher: true, text: 'logs write + follow ≥ 5× Docker throughput' },
  { id: 'logs-read', ratio: 5, higher: true, text: 'logs read-back ≥ 5× Docker throughput' },
  { id: 'build-cold', ratio: 0.7, higher: false, text: 'cold build ≤ 0.7× Docker (legacy builder)' },
  { id: 'build-cached', ratio: 0.5, higher: false, text: 'cached rebuild ≤ 0.5× Docker (legacy builder)' },
  { id: 'pull', ratio: 2, higher: true, text: 'pull ≥ 2× Docker throughput' },
  { id: 'push', ratio: 2, higher: true, text: 'push ≥ 2× Docker throughput' },
  { id: 'run-rm-bridge', ratio: 0.4, higher: false, text: '`run --rm` on the default bridge ≤ 0.4× Docker (Docker with its bridge)' },
];

/** The target line of a ratio figure's chart: Docker's median × the ratio, or undefined. Never throws. */
function ratioLimit(f: Figure): { value: number; label: string } | undefined {
  const t = RATIO_TARGETS.find((x) => x.id === f.id);
  const d = f.series.find((s) => s.engine === 'docker')?.summary.median;
  return t && d !== undefined ? { value: d * t.ratio, label: `target ${t.higher ? '≥' : '≤'} ${t.ratio}× Docker` } : undefined;
}

/** Evaluates the project's targets against the figures. Never throws. */
export function evaluateTargets(figs: readonly Figure[]): TargetResult[] {
  const by = (id: string): Figure | undefined => figs.find((f) => f.id === id);
  const out: TargetResult[] = [];
  const runRm = by('run-rm');
  const abs = medianOf(runRm, 'pier CLI') ?? medianOf(runRm, 'docker CLI → pierd');
  const rr = runRm ? ratio(runRm) : undefined;
  const absMet = abs === undefined ? null : abs <= 150;
  const ratioMet = rr === undefined ? null : rr <= 0.4;
  out.push({
    text: '`run --rm` ≤ 150 ms and ≤ 0.4× Docker',
    met: absMet === false || ratioMet === false ? false : absMet === null || ratioMet === null ? null : true,
    detail: `${medianOf(runRm, 'pier CLI') !== undefined ? 'pier CLI → pierd' : 'docker CLI → pierd'} median ${abs === undefined ? 'not measured' : `${abs.toFixed(0)} ms`}; ` +
      `ratio (docker CLI → pierd / docker CLI → dockerd) ${rr === undefined ? 'not measured (needs both engines)' : `${rr.toFixed(2)}×`}`,
  });
  const one = (id: string, label: string, limit: number, unit: string, text: string): void => {
    const v = medianOf(by(id), label);
    out.push({ text, met: v === undefined ? null : v <= limit, detail: v === undefined ? 'not measured' : `${v.toFixed(1)} ${unit}` });
  };
  one('monitor-rss', 'pierd', 3, 'MB', 'conmon ≤ 3 MB RSS per container');
  one('idle-rss', 'pierd', 80, 'MB', 'pierd idle ≤ 80 MB RSS');
  one('ps-1000', 'pierd', 100, 'ms', '`ps -a` with 1000 containers ≤ 100 ms');
  one('context-rss', 'pierd', 300, 'MB', 'pierd peak RSS ≤ 300 MB with a 1 GB / 100k-file build context');
  const serve = medianOf(by('registry-serve'), 'pier registry');
  out.push({ text: '`pier registry` serves a 200 MB blob at ≥ 500 MiB/s', met: serve === undefined ? null : serve >= 500, detail: serve === undefined ? 'not measured' : `${serve.toFixed(0)} MiB/s` });
  for (const t of RATIO_TARGETS) {
    const f = by(t.id);
    const r = f ? ratio(f) : undefined;
    const met = r === undefined ? null : t.higher ? r >= t.ratio : r <= t.ratio;
    const why = f?.skipped[0];
    out.push({ text: t.text, met, detail: r === undefined ? `not measured${why ? ` (${why.slice(0, 160)})` : ' (needs both engines)'}` : `${r.toFixed(2)}× Docker` });
  }
  out.push(...networkTargets(figs));
  out.push(...composeTargets(figs));
  return out;
}

function cleanFigure(f: Figure): unknown {
  return {
    ...f,
    ratio: ratio(f) === undefined ? null : round(ratio(f) as number, 3),
    series: f.series.map((s) => ({ ...s, summary: { ...s.summary, median: round(s.summary.median), min: round(s.summary.min), max: round(s.summary.max), mean: round(s.summary.mean), samples: s.summary.samples.map((x) => round(x)) } })),
  };
}

/**
 * Writes `<resultsDir>/<name>.json`, `<chartsDir>/<id>.svg` per figure and the markdown report
 * at `docPath` (charts linked relative to it). Throws on file system errors.
 */
export function writeReport(figs: readonly Figure[], machine: MachineInfo, paths: { resultsFile: string; chartsDir: string; docPath: string }): TargetResult[] {
  const targets = evaluateTargets(figs);
  fs.mkdirSync(path.dirname(paths.resultsFile), { recursive: true });
  fs.mkdirSync(paths.chartsDir, { recursive: true });
  fs.writeFileSync(paths.resultsFile, `${JSON.stringify({ machine, targets, figures: figs.map(cleanFigure) }, null, 2)}\n`);
  const limits: Record<string, { value: number; label: string }> = {
    'run-rm': { value: 150, label: 'target 150 ms' },
    'monitor-rss': { value: 3, label: 'target 3 MB' },
    'idle-rss': { value: 80, label: 'target 80 MB' },
    'ps-1000': { value: 100, label: 'target 100 ms' },
    ...NETWORK_LIMITS,
    ...composeLimits(figs),
  };
  const md: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${machine.quick ? ' -- --quick' : ''}\` on ${machine.date}. Raw data: \`${path.relative(path.dirname(paths.docPath), paths.resultsFile)}\`.`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memTotalMB} MB RAM, Linux ${machine.kernel}${machine.cgroups ? ` (${machine.cgroups})` : ''}, Node ${machine.node}. ` +
      `Load average before ${machine.loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${machine.loadAfter.map((x) => x.toFixed(2)).join(' / ')}.`,
    '',
    `Engines: ${Object.entries(machine.engines).map(([k, v]) => `${k} ${v}`).join('; ')}. Both run side by side as private daemons (own roots and sockets), ` +
      'measured alternately (A B A B …) with the busybox fixture image. Docker runs with `--bridge none --iptables=false` while Pier keeps its default bridge, ' +
      "so in the general figures every Pier container gets a veth and an address and Docker's get none (the comparison favours Docker)" +
      (figs.some((f) => f.id === 'net-setup') ? '; in the networking figures (bridge, setup cost, DNS) Docker runs with a bridge of its own: see their notes.' : '.'),
    '',
    'Reproduce with `npm run bench` (about 7 minutes on 2 cores; logs 100 MiB, build with a 50 MB COPY, a ~200 MB image for save/load and push/pull) ' +
      'or `npm run bench -- --quick` (fewer rounds; 20 MiB logs, 10 MB COPY, ~40 MB image); `-- --only logs,build,…` measures some groups. ' +
      'The `context-rss` group (1 GB / 100k-file build context) runs last, on daemons started for it alone, and writes ~1 GB of temporary files (deleted after). ' +
      'Builds use the legacy builder (`DOCKER_BUILDKIT=0`) on both engines; push/pull go to Debian\'s `docker-registry`, started by the bench on a free 127.0.0.1 port with temporary storage and stopped after. ' +
      'Other work may share the machine: absolute numbers are noisy, so prefer the Pier/Docker ratios, which come from alternating runs. For throughputs (MiB/s) higher is better. ' +
      'The pier CLI lane runs `bin/pier`, the launcher users run (sh, then node on the CLI bundle with its V8 code cache; the launcher drops `NODE_EXTRA_CA_CERTS`, whose CA bundle Node would parse at every start although the CLI makes no TLS connection).',
    '',
  ];
  const busiest = Math.max(...machine.loadBefore, ...machine.loadAfter);
  if (busiest > machine.cpus) {
    md.push(`> The machine was busy (load average up to ${busiest.toFixed(1)} on ${machine.cpus} CPUs, other work running): absolute times are inflated and noisy; ratios measured alternately are more telling. Re-run on a quiet machine for reference numbers.`, '');
  }
  if (machine.missing.length) md.push(...machine.missing.map((m) => `> Not measured: ${m}`), '');
  md.push('## Targets', '', '| target | result | measured |', '|---|---|---|');
  for (const t of targets) md.push(`| ${t.text} | ${t.met === null ? 'not measured' : t.met ? '**met**' : '**not met**'} | ${t.detail} |`);
  md.push('');
  for (const f of figs) {
    md.push(`## ${f.title}`, '');
    if (f.series.length) {
      const svg = barChart(f.series.map((s) => ({ label: s.label, value: s.summary.median, min: s.summary.min, max: s.summary.max, color: COLORS[s.engine] })), { title: f.title.replace(/`/g, ''), unit: f.unit, target: limits[f.id] ?? ratioLimit(f) });
      const file = path.join(paths.chartsDir, `${f.id}.svg`);
      fs.writeFileSync(file, svg);
      md.push(`![${f.title.replace(/`/g, '')}](${path.relative(path.dirname(paths.docPath), file)})`, '');
      md.push(`| series | n | median | min | max |`, '|---|---|---|---|---|');
      for (const s of f.series) md.push(`| ${s.label} | ${s.summary.n} | ${s.summary.median.toFixed(1)} ${f.unit} | ${s.summary.min.toFixed(1)} | ${s.summary.max.toFixed(1)} |`);
      const r = ratio(f);
      if (r !== undefined) md.push('', `Pier/Docker ratio of medians: **${r.toFixed(2)}×**${f.unit === 'MiB/s' ? ' (a throughput: higher is better)' : ''}`);
      md.push('');
    }
    for (const s of f.skipped) md.push(`- skipped: ${s}`);
    for (const n of f.notes) md.push(`- ${n}`);
    if (f.skipped.length || f.notes.length) md.push('');
  }
  fs.mkdirSync(path.dirname(paths.docPath), { recursive: true });
  fs.writeFileSync(paths.docPath, `${md.join('\n')}\n`);
  return targets;
}
