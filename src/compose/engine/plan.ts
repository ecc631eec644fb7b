/**
 * Convergence plan of one service: which existing containers to keep, start, recreate or
 * remove and which replica numbers to create, from the desired scale, the service's config hash
 * (and image ID) and the recreate policy. Pure.
 */
import type { ObservedContainer } from './observed.js';

/** How `up` treats containers whose configuration is unchanged or changed. */
export type RecreatePolicy = 'diverged' | 'force' | 'never';

/** Inputs of planService. */
export interface PlanInput {
  existing: ObservedContainer[];
  scale: number;
  hash: string;
  /** The service image's current ID; a container labelled with another ID is out of date. */
  imageId?: string;
  policy: RecreatePolicy;
}

/** What to do with one service. */
export interface ServicePlan {
  /** Up to date: started if not running. */
  keep: ObservedContainer[];
  /** Out of date (or forced): removed and created again under the same number. */
  recreate: ObservedContainer[];
  /** Replica numbers to create. */
  create: number[];
  /** Beyond the scale: stopped and removed. */
  remove: ObservedContainer[];
}

/** True when `c` no longer matches the service's configuration. Never throws. */
export function isDiverged(c: ObservedContainer, hash: string, imageId?: string): boolean {
  if (c.hash !== hash) return true;
  return imageId !== undefined && c.imageId !== undefined && c.imageId !== imageId;
}

/** Plans one service. Never throws. */
export function planService(input: PlanInput): ServicePlan {
  const diverged = (c: ObservedContainer) => input.policy === 'force' || (input.policy === 'diverged' && isDiverged(c, input.hash, input.imageId));
  // Prefer keeping up-to-date, running, low-numbered containers.
  const rank = (c: ObservedContainer) => (diverged(c) ? 2 : 0) + (c.state === 'running' ? 0 : 1);
  const sorted = [...input.existing].sort((a, b) => rank(a) - rank(b) || a.number - b.number);
  const kept = sorted.slice(0, Math.max(0, input.scale));
  const remove = sorted.slice(Math.max(0, input.scale)).sort((a, b) => b.number - a.number);
  const used = new Set(kept.map((c) => c.number));
  const create: number[] = [];
  for (let n = 1; create.length < input.scale - kept.length; n++) if (!used.has(n)) create.push(n);
  return {
    keep: kept.filter((c) => !diverged(c)).sort((a, b) => a.number - b.number),
    recreate: kept.filter(diverged).sort((a, b) => a.number - b.number),
    create,
    remove,
  };
}
