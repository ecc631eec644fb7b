/**
 * Adds the docker CLI's own floor (stub-engine.ts) to a latency figure measured with the docker
 * CLI: one run against the stub per round, alternating with the engines' runs, reported as a
 * note with each engine's share above it, so a reader sees how much of a ratio the client fixes
 * whatever the engine does.
 */
import type { Figure } from './measure.js';
import { runDocker } from '../test/harness/index.js';
import { startStubEngine, type StubEngine } from './stub-engine.js';
import { summarize } from './stats.js';

/**
 * Runs `measure` with a per-round hook that times `docker args…` against the stub, then appends
 * the notes. Throws what `measure` throws; a stub that cannot serve `args` only adds no note.
 */
export async function withClientFloor(measure: (round?: () => Promise<void>) => Promise<Figure>, args: readonly string[]): Promise<Figure> {
  let stub: StubEngine | undefined;
  try {
    stub = await startStubEngine();
  } catch {
    return measure();
  }
  const env = stub;
  const ms: number[] = [];
  let usable = (await runDocker(env, args).catch(() => undefined))?.code === 0;
  try {
    const fig = await measure(async () => {
      if (!usable) return;
      const r = await runDocker(env, args).catch(() => undefined);
      if (r?.code === 0) ms.push(r.ms);
      else usable = false;
    });
    if (!usable || ms.length === 0) return fig;
    const floor = summarize(ms);
    const docker = (engine: string) => fig.series.find((s) => s.engine === engine && s.client === 'docker')?.summary.median;
    const pier = docker('pier');
    const dockerd = docker('docker');
    fig.notes.push(`docker CLI alone, against a stub engine that answers every request at once (no container runs), one run per round between the engines' runs: median ${floor.median.toFixed(1)} ms (min ${floor.min.toFixed(1)}, max ${floor.max.toFixed(1)}, n ${floor.n}); both docker CLI lanes include it`);
    if (pier !== undefined && dockerd !== undefined && dockerd > floor.median) {
      const share = (x: number) => Math.max(0, x - floor.median);
      fig.notes.push(`engine share above that floor: pierd ${share(pier).toFixed(1)} ms, dockerd ${share(dockerd).toFixed(1)} ms (${(share(pier) / share(dockerd)).toFixed(2)}×)`);
    }
    return fig;
  } finally {
    await stub.stop().catch(() => undefined);
  }
}
