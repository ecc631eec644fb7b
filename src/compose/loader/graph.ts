/**
 * The service dependency graph (depends_on, links, volumes_from, network_mode service:x):
 * start order in levels, cycle detection, and profile activation.
 */
import type { Project, ServiceConfig } from '../model.js';
import { ComposeError } from '../model.js';

/** Names of the services `s` depends on in any way (unknown names included). Never throws. */
export function serviceDependencies(s: ServiceConfig): string[] {
  const deps = new Set<string>(Object.keys(s.depends_on));
  for (const l of s.links ?? []) deps.add(l.split(':')[0]!);
  for (const v of s.volumes_from ?? []) {
    if (v.startsWith('container:')) continue;
    deps.add((v.startsWith('service:') ? v.slice(8) : v).split(':')[0]!);
  }
  if (s.network_mode?.startsWith('service:')) deps.add(s.network_mode.slice(8));
  for (const m of [s.pid, s.ipc]) if (m?.startsWith('service:')) deps.add(m.slice(8));
  return [...deps];
}

/**
 * Levels of a topological order over the enabled services (or `services` and what they
 * depend on): every service comes after its dependencies; names sorted within a level.
 * Throws ComposeError `dependency cycle detected: a -> b -> a`, and
 * `no such service: x` for an unknown name in `services`.
 */
export function dependencyLevels(project: Project, services?: string[]): string[][] {
  const all = project.services;
  const wanted = new Set<string>();
  const add = (n: string) => {
    if (wanted.has(n) || !all[n]) return;
    wanted.add(n);
    for (const d of serviceDependencies(all[n]!)) add(d);
  };
  if (services) {
    for (const n of services) {
      if (!all[n]) throw new ComposeError(`no such service: ${n}`);
      add(n);
    }
  } else Object.keys(all).forEach(add);
  const deps = new Map<string, string[]>();
  for (const n of wanted) deps.set(n, serviceDependencies(all[n]!).filter((d) => wanted.has(d)));
  const cycle = findCycle(deps);
  if (cycle) throw new ComposeError(`dependency cycle detected: ${cycle.join(' -> ')}`);
  const levels: string[][] = [];
  const done = new Set<string>();
  while (done.size < wanted.size) {
    const level = [...wanted].filter((n) => !done.has(n) && deps.get(n)!.every((d) => done.has(d))).sort();
    level.forEach((n) => done.add(n));
    levels.push(level);
  }
  return levels;
}

function findCycle(deps: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const d of [...deps.get(n)!].sort()) {
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of [...deps.keys()].sort()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return undefined;
}

/**
 * Splits services into enabled and disabled ones: a service without `profiles` is enabled,
 * one with profiles when one of them is active (or `*` is), or when it is named in
 * `explicit`; services the enabled ones depend on are enabled too. Never throws.
 */
export function applyProfiles(
  all: Record<string, ServiceConfig>,
  active: string[],
  explicit: string[] = [],
): { enabled: Record<string, ServiceConfig>; disabled: Record<string, ServiceConfig> } {
  const on = new Set<string>();
  const wild = active.includes('*');
  for (const [n, s] of Object.entries(all)) {
    if (!s.profiles || s.profiles.length === 0 || wild || s.profiles.some((p) => active.includes(p))) on.add(n);
  }
  const queue = explicit.filter((n) => all[n]);
  queue.forEach((n) => on.add(n));
  // dependencies of explicitly targeted services are enabled with them
  while (queue.length > 0) {
    const n = queue.pop()!;
    for (const d of serviceDependencies(all[n]!)) {
      if (all[d] && !on.has(d)) {
        on.add(d);
        queue.push(d);
      }
    }
  }
  const enabled: Record<string, ServiceConfig> = {};
  const disabled: Record<string, ServiceConfig> = {};
  for (const [n, s] of Object.entries(all)) (on.has(n) ? enabled : disabled)[n] = s;
  return { enabled, disabled };
}
