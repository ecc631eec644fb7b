/**
 * The data-path figures (issues 3, 5, 6, 7): logs throughput, Dockerfile build cold/cached,
 * save/load and registry push/pull of a large image. Engines alternate (A B A B …); all via
 * the real docker CLI, builds with the legacy builder (DOCKER_BUILDKIT=0).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDocker, type CliResult } from '../test/harness/index.js';
import type { BenchEngine, Figure, Series } from './measure.js';
import { summarize } from './stats.js';
import { makeContext, startRegistry, streamDocker } from './workload.js';

const MiB = 1024 * 1024;
const LEGACY = { DOCKER_BUILDKIT: '0' };

function label(e: BenchEngine): string {
  return `docker CLI → ${e.name === 'pier' ? 'pierd' : 'dockerd'}`;
}

async function must(r: Promise<CliResult>, what: string): Promise<CliResult> {
  const res = await r;
  if (res.code !== 0) throw new Error(`${what}: exit ${res.code}: ${res.stderr.trim().split('\n').slice(-2).join(' ')}`);
  return res;
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  m.set(k, [...(m.get(k) ?? []), v]);
}

function seriesOf(engines: readonly BenchEngine[], m: Map<string, number[]>): Series[] {
  return engines.filter((e) => (m.get(e.name) ?? []).length > 0)
    .map((e) => ({ label: label(e), engine: e.name, client: 'docker' as const, summary: summarize(m.get(e.name) ?? []) }));
}

/**
 * Writes `bytes` of 1 KiB lines (1023 × "x" and a newline) to `file`. Throws on file system
 * errors.
 */
function writeLinesFile(file: string, bytes: number): void {
  const chunk = Buffer.alloc(MiB, 'x');
  for (let i = 1023; i < chunk.length; i += 1024) chunk[i] = 0x0a;
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = bytes; left > 0; left -= chunk.length) fs.writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A container writes `mib` MiB to stdout in 1 KiB lines: `cat` of a file of such lines made
 * once in a temp dir and bind-mounted read-only (the same workload for every engine; busybox's
 * `yes | head -c` alone tops out near the engines' speed here, so it would measure busybox).
 * Per engine and round: time of `logs -f` from just after `run -d` until it ends (write +
 * follow), then of a full `logs` read-back, both as MiB/s. An engine whose run/logs fails is
 * listed in `skipped`. Never throws for engine failures; throws on file system errors.
 */
export async function logsThroughput(engines: readonly BenchEngine[], mib: number, rounds: number): Promise<Figure[]> {
  const follow = new Map<string, number[]>();
  const read = new Map<string, number[]>();
  const skipped: string[] = [];
  const bad = new Set<string>();
  const bytes = mib * MiB;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-bench-logs-'));
  const file = path.join(dir, 'lines');
  try {
    writeLinesFile(file, bytes);
    for (let r = 0; r < rounds; r++) {
      for (const e of engines) {
        if (bad.has(e.name)) continue;
        try {
          const c = await must(runDocker(e.daemon, ['run', '-d', '-v', `${file}:/lines:ro`, 'busybox', 'cat', '/lines']), `${e.name} run -d`);
          const id = c.stdout.trim();
          const f = await streamDocker(e.daemon, ['logs', '-f', id], 600_000);
          if (f.code !== 0 || f.bytes !== bytes) throw new Error(`logs -f: exit ${f.code}, ${f.bytes} of ${bytes} bytes: ${f.stderr.trim()}`);
          await must(runDocker(e.daemon, ['wait', id]), `${e.name} wait`);
          const b = await streamDocker(e.daemon, ['logs', id], 600_000);
          if (b.code !== 0 || b.bytes !== bytes) throw new Error(`logs: exit ${b.code}, ${b.bytes} of ${bytes} bytes: ${b.stderr.trim()}`);
          push(follow, e.name, mib / (f.ms / 1000));
          push(read, e.name, mib / (b.ms / 1000));
          await runDocker(e.daemon, ['rm', '-f', id]);
        } catch (err) {
          bad.add(e.name);
          skipped.push(`${e.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const notes = [
    `${mib} MiB in 1 KiB lines (1023 x + newline) written by \`cat\` of a prepared file bind-mounted read-only (same workload for both engines; \`yes | head -c\` in busybox is itself capped near the engines' speed on this machine); default log driver of each engine (json-file); ${rounds} alternating rounds`,
  ];
  return [
    { id: 'logs-follow', title: `logs: write + \`logs -f\` of ${mib} MiB (throughput)`, unit: 'MiB/s', series: seriesOf(engines, follow), skipped, notes },
    { id: 'logs-read', title: `logs: \`logs\` read-back of ${mib} MiB (throughput)`, unit: 'MiB/s', series: seriesOf(engines, read), skipped: [], notes: [] },
  ];
}

/**
 * `docker build` (DOCKER_BUILDKIT=0) of FROM busybox + RUN + COPY of a `mb` MB random file +
 * CMD: cold (`--no-cache`, image removed first) and fully cached rebuild, `rounds` alternating
 * rounds. An engine whose build fails is listed in `skipped`. Throws on file system errors.
 */
export async function buildTimes(engines: readonly BenchEngine[], mb: number, rounds: number): Promise<Figure[]> {
  const ctx = makeContext('pier-bench-build-', 1, mb * 1e6);
  const cold = new Map<string, number[]>();
  const cached = new Map<string, number[]>();
  const skipped: string[] = [];
  const bad = new Set<string>();
  try {
    for (let r = 0; r < rounds; r++) {
      for (const e of engines) {
        if (bad.has(e.name)) continue;
        try {
          await runDocker(e.daemon, ['rmi', '-f', 'pierbench/build']);
          const c = await must(runDocker(e.daemon, ['build', '--no-cache', '-q', '-t', 'pierbench/build', ctx], { env: LEGACY, timeoutMs: 600_000 }), `${e.name} cold build`);
          const w = await must(runDocker(e.daemon, ['build', '-q', '-t', 'pierbench/build', ctx], { env: LEGACY, timeoutMs: 600_000 }), `${e.name} cached build`);
          if (w.stdout.trim() !== c.stdout.trim()) throw new Error(`cached rebuild gave another image (${w.stdout.trim()} vs ${c.stdout.trim()})`);
          push(cold, e.name, c.ms);
          push(cached, e.name, w.ms);
        } catch (err) {
          bad.add(e.name);
          skipped.push(`${e.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  } finally {
    for (const e of engines) await runDocker(e.daemon, ['rmi', '-f', 'pierbench/build']).catch(() => undefined);
    fs.rmSync(ctx, { recursive: true, force: true });
  }
  const notes = [`FROM busybox, RUN, COPY of a ${mb} MB random file, CMD; DOCKER_BUILDKIT=0 (legacy builder) for both; the client sends the ${mb} MB context each time`];
  return [
    { id: 'build-cold', title: `build, cold (\`--no-cache\`, ${mb} MB COPY)`, unit: 'ms', series: seriesOf(engines, cold), skipped, notes },
    { id: 'build-cached', title: `build, fully cached rebuild (${mb} MB COPY)`, unit: 'ms', series: seriesOf(engines, cached), skipped: [], notes: [] },
  ];
}

/** The large test image: its tag and size in MiB per engine. */
export interface BigImage {
  tag: string;
  mib: Map<string, number>;
  notes: string[];
}

/**
 * Builds `pierbench/big` on each engine from busybox + `layers` random COPY layers of `each`
 * bytes (same context for both). An engine whose build fails is left out of `mib`. Never throws
 * for engine failures; throws on file system errors.
 */
export async function buildBigImage(engines: readonly BenchEngine[], layers: number, each: number): Promise<BigImage> {
  const ctx = makeContext('pier-bench-big-', layers, each);
  const out: BigImage = { tag: 'pierbench/big', mib: new Map(), notes: [] };
  try {
    for (const e of engines) {
      const b = await runDocker(e.daemon, ['build', '-q', '-t', out.tag, ctx], { env: LEGACY, timeoutMs: 900_000 });
      if (b.code !== 0) {
        out.notes.push(`${e.name}: building the test image failed: ${b.stderr.trim().split('\n').pop() ?? ''}`);
        continue;
      }
      const s = await runDocker(e.daemon, ['image', 'inspect', '--format', '{{.Size}}', out.tag]);
      out.mib.set(e.name, Number(s.stdout.trim()) / MiB);
    }
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
  return out;
}

/**
 * `save -o` and `load -i` of the big image per engine (image removed between), `rounds`
 * alternating rounds, as wall times. Never throws for engine failures.
 */
export async function saveLoad(engines: readonly BenchEngine[], img: BigImage, rounds: number): Promise<Figure[]> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-bench-save-'));
  const save = new Map<string, number[]>();
  const load = new Map<string, number[]>();
  const skipped: string[] = [];
  const ok = engines.filter((e) => img.mib.has(e.name));
  const bad = new Set<string>();
  try {
    for (let r = 0; r < rounds; r++) {
      for (const e of ok) {
        if (bad.has(e.name)) continue;
        const file = path.join(tmp, `${e.name}.tar`);
        try {
          const s = await must(runDocker(e.daemon, ['save', '-o', file, img.tag], { timeoutMs: 600_000 }), `${e.name} save`);
          await must(runDocker(e.daemon, ['rmi', img.tag]), `${e.name} rmi`);
          const l = await must(runDocker(e.daemon, ['load', '-q', '-i', file], { timeoutMs: 600_000 }), `${e.name} load`);
          push(save, e.name, s.ms);
          push(load, e.name, l.ms);
        } catch (err) {
          bad.add(e.name);
          skipped.push(`${e.name}: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          fs.rmSync(file, { force: true });
        }
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const size = [...img.mib.entries()].map(([k, v]) => `${k} ${v.toFixed(0)} MiB`).join(', ');
  const notes = [`image: busybox + random COPY layers (${size}); \`save -o\` to a file, \`rmi\`, then \`load -i\``, ...img.notes];
  return [
    { id: 'save', title: 'image `save -o` (large image)', unit: 'ms', series: seriesOf(ok, save), skipped: [...skipped, ...engines.filter((e) => !img.mib.has(e.name)).map((e) => `${e.name}: no test image`)], notes },
    { id: 'load', title: 'image `load -i` (large image)', unit: 'ms', series: seriesOf(ok, load), skipped: [], notes: [] },
  ];
}

/**
 * Per engine and round: a fresh Debian docker-registry on a free 127.0.0.1 port, `push` of the
 * big image (timed), removal of every tag of it, `pull` back (timed), registry stopped; as
 * MiB/s of the image size. Never throws for engine failures; rejects when the registry cannot
 * start.
 */
export async function registryTransfer(engines: readonly BenchEngine[], img: BigImage, rounds: number): Promise<Figure[]> {
  const pushM = new Map<string, number[]>();
  const pullM = new Map<string, number[]>();
  const skipped: string[] = [];
  const ok = engines.filter((e) => img.mib.has(e.name));
  const bad = new Set<string>();
  for (let r = 0; r < rounds; r++) {
    for (const e of ok) {
      if (bad.has(e.name)) continue;
      const reg = await startRegistry();
      const ref = `${reg.address}/pierbench/big:${e.name}`;
      const mib = img.mib.get(e.name) ?? 0;
      try {
        await must(runDocker(e.daemon, ['tag', img.tag, ref]), `${e.name} tag`);
        const p = await must(runDocker(e.daemon, ['push', ref], { timeoutMs: 600_000 }), `${e.name} push`);
        push(pushM, e.name, mib / (p.ms / 1000));
        await must(runDocker(e.daemon, ['rmi', ref, img.tag]), `${e.name} rmi`);
        const q = await must(runDocker(e.daemon, ['pull', ref], { timeoutMs: 600_000 }), `${e.name} pull`);
        push(pullM, e.name, mib / (q.ms / 1000));
      } catch (err) {
        bad.add(e.name);
        skipped.push(`${e.name}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await runDocker(e.daemon, ['tag', ref, img.tag]).catch(() => undefined);
        await runDocker(e.daemon, ['rmi', ref]).catch(() => undefined);
        await reg.stop();
      }
    }
  }
  const notes = [`Debian docker-registry on 127.0.0.1 (fresh storage each push); throughput = image size / wall time; ${rounds} alternating rounds`];
  return [
    { id: 'push', title: 'push of the large image to a local registry (throughput)', unit: 'MiB/s', series: seriesOf(ok, pushM), skipped, notes },
    { id: 'pull', title: 'pull of the large image from a local registry (throughput)', unit: 'MiB/s', series: seriesOf(ok, pullM), skipped: [], notes: [] },
  ];
}
