/**
 * The networking targets of issue 4, evaluated on the figures of measure-network.ts: network
 * setup adds ≤ 30 ms to `run --rm` on the default bridge; `run --rm` on the bridge ≤ 0.4×
 * Docker; a container name answered in ≤ 1 ms at p50 from inside a container; 50 containers
 * on one network all resolvable. Pure (no I/O).
 */
import type { Figure } from './measure.js';
import type { TargetResult } from './report.js';

/** Target lines drawn on the networking charts, by figure id. */
export const NETWORK_LIMITS: Readonly<Record<string, { value: number; label: string }>> = {
  'net-setup': { value: 30, label: 'target 30 ms' },
  'dns-latency': { value: 1, label: 'target 1 ms (p50)' },
  'dns-50': { value: 50, label: 'all 50' },
};

/** The Pier series measured through the docker CLI (or the only Pier series). Never throws. */
function pier(fig: Figure | undefined) {
  return fig?.series.find((s) => s.engine === 'pier' && s.client !== 'pier') ?? fig?.series.find((s) => s.engine === 'pier');
}

/** Evaluates the networking targets (null: not measured, with the reason when one was recorded). Never throws. */
export function networkTargets(figs: readonly Figure[]): TargetResult[] {
  const by = (id: string): Figure | undefined => figs.find((f) => f.id === id);
  const why = (f: Figure | undefined): string => {
    const s = f?.skipped.find((x) => x.startsWith('pierd')) ?? f?.skipped[0];
    return `not measured${s ? ` (${s.slice(0, 160)})` : ''}`;
  };
  const out: TargetResult[] = [];
  const setup = by('net-setup');
  const s = pier(setup);
  const d = setup?.series.find((x) => x.engine === 'docker');
  out.push({
    text: 'network setup adds ≤ 30 ms to `run --rm` (default bridge vs `--network none`)',
    met: s ? s.summary.median <= 30 : null,
    detail: s ? `${s.summary.median.toFixed(1)} ms${d ? ` (Docker: ${d.summary.median.toFixed(1)} ms)` : ''}` : why(setup),
  });
  const dns = by('dns-latency');
  const p = pier(dns);
  out.push({
    text: 'DNS answer for a container name ≤ 1 ms at p50 from inside a container',
    met: p ? p.summary.median <= 1 : null,
    detail: p ? `p50 ${p.summary.median.toFixed(3)} ms` : why(dns),
  });
  const f50 = by('dns-50');
  const r = pier(f50);
  const want = Number(/^(\d+) containers/.exec(f50?.title ?? '')?.[1] ?? 50);
  out.push({
    text: `${want} containers on one network all resolvable`,
    met: r ? r.summary.min >= want : null,
    detail: r ? `${r.summary.min} of ${want} names in the worst of ${r.summary.n} passes` : why(f50),
  });
  return out;
}
