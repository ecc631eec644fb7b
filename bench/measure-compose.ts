/**
 * The compose figures (issue 8): `up -d` and `down` of a 5-service project (busybox services
 * sleeping or serving httpd, one user network, one named volume, image present) with
 * `pier compose` against pierd versus docker-compose v1 (Debian's 1.29.2) against the bench's
 * real dockerd, and docker-compose v1 against pierd as an informative third lane. Lanes run
 * alternately (A B C A B C …), each in its own project directory, after one warm-up round.
 * The services stop on SIGTERM at once (a shell trap), so `down` measures the engine, not a
 * 10 s stop timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand, runPier, type CliResult } from '../test/harness/index.js';
import type { BenchEngine, Figure, Series } from './measure.js';
import type { TargetResult } from './report.js';
import { summarize } from './stats.js';

/** Where docker-compose v1 is expected (PIER_BENCH_COMPOSE_V1 overrides). */
const COMPOSE_V1 = process.env.PIER_BENCH_COMPOSE_V1 || '/usr/bin/docker-compose';

/** The target: each of `up -d` and `down` with pier compose ≤ this × docker-compose v1 on Docker. */
const COMPOSE_RATIO = 0.5;

const SLEEPER = `sh -c "trap 'exit 0' TERM; sleep 100000 & wait"`;
const SERVER = `sh -c "trap 'exit 0' TERM; mkdir -p /www && echo ok > /www/index.html; httpd -f -p 80 -h /www & wait"`;

/** The 5-service project (file format 2.4, which both docker-compose v1 and pier compose read). */
const PROJECT_YAML = `version: "2.4"
services:
  web:
    image: busybox
    command: ${SERVER}
    networks: [app]
  api:
    image: busybox
    command: ${SERVER}
    networks: [app]
  worker:
    image: busybox
    command: ${SLEEPER}
    networks: [app]
    depends_on: [api]
  cache:
    image: busybox
    command: ${SLEEPER}
    networks: [app]
  db:
    image: busybox
    command: ${SLEEPER}
    networks: [app]
    volumes:
      - data:/data
networks:
  app: {}
volumes:
  data: {}
`;

/** Options of {@link composeFigures}. */
export interface ComposeBenchOptions {
  /** The bench's pierd (absent when Pier is not measured). */
  pier?: BenchEngine;
  /** The bench's real dockerd (absent when Docker is not measured). */
  docker?: BenchEngine;
  /** Whether the pier CLI (dist/pier.mjs) can run. */
  pierCli: boolean;
  /** Measured rounds per lane. */
  rounds: number;
  log: (s: string) => void;
}

interface ComposeLane {
  label: string;
  engine: 'pier' | 'docker';
  client?: 'pier';
  up: number[];
  down: number[];
  failed?: string;
  run: (args: readonly string[]) => Promise<CliResult>;
}

/** Why docker-compose v1 cannot run here, or undefined. Never throws. */
function composeV1Missing(): string | undefined {
  return fs.existsSync(COMPOSE_V1) ? undefined : `docker-compose v1 not installed (${COMPOSE_V1})`;
}

function firstLine(r: CliResult): string {
  const text = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return text.find((l) => /error/i.test(l)) ?? text[text.length - 1] ?? `exit ${r.code}`;
}

/** Makes the lanes, each with its own project directory under `base`. Never throws. */
function makeLanes(o: ComposeBenchOptions, base: string, skipped: string[]): ComposeLane[] {
  const out: ComposeLane[] = [];
  const dir = (name: string): string => {
    const d = path.join(base, name);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'docker-compose.yml'), PROJECT_YAML);
    return d;
  };
  const v1Missing = composeV1Missing();
  if (o.pier) {
    const pier = o.pier;
    if (o.pierCli) {
      const cwd = dir('pc');
      out.push({
        label: 'pier compose → pierd', engine: 'pier', client: 'pier', up: [], down: [],
        run: (a) => runPier(pier.daemon, ['compose', '-p', 'benchpc', ...a], { cwd, timeoutMs: 120_000 }),
      });
    } else skipped.push('pier compose → pierd: the pier CLI is not built');
  }
  const v1 = (e: BenchEngine, project: string, label: string): void => {
    if (v1Missing) {
      skipped.push(`${label}: ${v1Missing}`);
      return;
    }
    const cwd = dir(project);
    out.push({
      label, engine: e.name, up: [], down: [],
      run: (a) => runCommand(COMPOSE_V1, ['--ansi', 'never', '-p', project, ...a], e.daemon.env, { cwd, timeoutMs: 120_000, env: { COMPOSE_HTTP_TIMEOUT: '120' } }),
    });
  };
  if (o.docker) v1(o.docker, 'benchv1d', 'docker-compose v1 → dockerd');
  if (o.pier) v1(o.pier, 'benchv1p', 'docker-compose v1 → pierd');
  return out;
}

/** One `up -d` + `down` of lane `l`; records the times unless `warm`. Marks the lane failed on a non-zero exit. */
async function cycle(l: ComposeLane, warm: boolean): Promise<void> {
  const up = await l.run(['up', '-d']);
  if (up.code !== 0) {
    l.failed = `up -d: ${firstLine(up)}`;
    await l.run(['down', '-v', '-t', '1']).catch(() => undefined);
    return;
  }
  const down = await l.run(['down']);
  if (down.code !== 0) {
    l.failed = `down: ${firstLine(down)}`;
    return;
  }
  if (warm) return;
  l.up.push(up.ms);
  l.down.push(down.ms);
}

/**
 * Measures `up -d` and `down` of the 5-service project per lane, `o.rounds` alternating rounds
 * after a warm-up. Returns the figures `compose-up` and `compose-down`; a lane that cannot run
 * (client missing, a command failing) is listed in `skipped`. Throws only on file system errors.
 */
export async function composeFigures(o: ComposeBenchOptions): Promise<Figure[]> {
  const skipped: string[] = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-bench-compose-'));
  const ls = makeLanes(o, base, skipped);
  try {
    for (const l of ls) await cycle(l, true);
    for (let i = 0; i < o.rounds; i++) {
      for (const l of ls) if (!l.failed) await cycle(l, false);
      o.log(`   compose round ${i + 1}/${o.rounds}`);
    }
  } finally {
    for (const l of ls) await l.run(['down', '-v', '-t', '1']).catch(() => undefined);
    fs.rmSync(base, { recursive: true, force: true });
  }
  for (const l of ls) if (l.failed) skipped.push(`${l.label}: ${l.failed.slice(0, 200)}`);
  const notes = [
    '5 services (2 × busybox httpd, 3 × busybox sleep; each stops at once on SIGTERM), one user network, one named volume, file format 2.4; ' +
      `${o.rounds} alternating rounds per lane after a warm-up; \`down\` keeps the volume (it exists in every measured round).`,
    'docker-compose v1 is Debian\'s 1.29.2 (Python; its start-up is part of every figure). dockerd runs with `--bridge none --iptables=false`: the user network is still a Linux bridge, without iptables rules.',
    'The Pier/Docker ratio printed with the table compares docker-compose v1 on both engines (same client); the target compares `pier compose` → pierd with docker-compose v1 → dockerd.',
  ];
  const figure = (id: 'compose-up' | 'compose-down', title: string, pick: (l: ComposeLane) => number[]): Figure => ({
    id, title, unit: 'ms', skipped: [...skipped], notes: [...notes],
    series: ls.filter((l) => pick(l).length > 0).map((l): Series => ({ label: l.label, engine: l.engine, client: l.client, summary: summarize(pick(l)) })),
  });
  return [
    figure('compose-up', '`compose up -d` of a 5-service project', (l) => l.up),
    figure('compose-down', '`compose down` of a 5-service project', (l) => l.down),
  ];
}

/** The medians the compose targets compare: pier compose → pierd and docker-compose v1 → dockerd. Never throws. */
function pair(f: Figure | undefined): { pier?: number; docker?: number } {
  return {
    pier: f?.series.find((s) => s.engine === 'pier' && s.client === 'pier')?.summary.median,
    docker: f?.series.find((s) => s.engine === 'docker')?.summary.median,
  };
}

/** Target lines for the compose charts (0.5 × docker-compose v1 on Docker), by figure id. Never throws. */
export function composeLimits(figs: readonly Figure[]): Record<string, { value: number; label: string }> {
  const out: Record<string, { value: number; label: string }> = {};
  for (const id of ['compose-up', 'compose-down']) {
    const d = pair(figs.find((f) => f.id === id)).docker;
    if (d !== undefined) out[id] = { value: d * COMPOSE_RATIO, label: `target ≤ ${COMPOSE_RATIO}× docker-compose v1 on Docker` };
  }
  return out;
}

/** Evaluates the compose targets (null: not measured, with the reason when one was recorded). Never throws. */
export function composeTargets(figs: readonly Figure[]): TargetResult[] {
  return (['up -d', 'down'] as const).map((verb) => {
    const f = figs.find((x) => x.id === (verb === 'down' ? 'compose-down' : 'compose-up'));
    const { pier, docker } = pair(f);
    const text = `\`compose ${verb}\` of 5 services ≤ ${COMPOSE_RATIO}× docker-compose v1 on Docker`;
    if (pier === undefined || docker === undefined) {
      const why = f?.skipped[0] ?? (f ? 'needs both lanes' : '');
      return { text, met: null, detail: `not measured${why ? ` (${why.slice(0, 160)})` : ''}` };
    }
    const v1p = f?.series.find((s) => s.engine === 'pier' && s.client !== 'pier')?.summary.median;
    const r = pier / docker;
    return {
      text, met: r <= COMPOSE_RATIO,
      detail: `${r.toFixed(2)}× (pier compose ${pier.toFixed(0)} ms, docker-compose v1 → dockerd ${docker.toFixed(0)} ms` +
        `${v1p === undefined ? '' : `; docker-compose v1 → pierd ${v1p.toFixed(0)} ms`})`,
    };
  });
}
