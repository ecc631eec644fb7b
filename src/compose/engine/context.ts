/**
 * What every compose operation runs with: the API client, the progress printer, the loader's
 * hash and ordering functions (injectable for tests) and the compose-wide options; plus the
 * small helpers they share (parallel map, service selection).
 */
import { createHash } from 'node:crypto';
import type { EngineClient } from '../../client/index.js';
import { dependencyOrder, serviceConfigHash } from '../loader/index.js';
import type { Project, ServiceConfig } from '../model.js';
import { ComposeError } from '../model.js';
import type { Progress } from './progress.js';

/** Dependencies of the compose engine. */
export interface EngineDeps {
  client: EngineClient;
  progress: Progress;
  /** Config hash of a service (default: the loader's serviceConfigHash). */
  hash?: (s: ServiceConfig) => string;
  /** Start-order levels (default: the loader's dependencyOrder). */
  order?: (p: Project, services?: string[]) => string[][];
  sleep?: (ms: number) => Promise<void>;
}

/** Compose-wide options (global flags). */
export interface EngineOptions {
  /** `--compatibility`: `proj_web_1` names. */
  compatibility?: boolean;
  /** `--dry-run`: report what would be done, change nothing. */
  dryRun?: boolean;
  /** Polling interval of waits (ms, default 500). */
  pollMs?: number;
}

/** Dependencies and options in one object, as operations take them. */
export interface Ctx {
  deps: EngineDeps;
  options: EngineOptions;
}

/** Sorts object keys recursively (stable JSON for hashing). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** The service's config hash: the loader's, or a local sha256 when the loader gives none. Never throws. */
export function hashOf(ctx: Ctx, s: ServiceConfig): string {
  const h = (ctx.deps.hash ?? serviceConfigHash)(s);
  if (h) return h;
  const { scale: _s, deploy, build: _b, pull_policy: _p, ...rest } = s;
  const d = deploy ? { ...deploy, replicas: undefined } : undefined;
  return createHash('sha256').update(JSON.stringify(canonical({ ...rest, deploy: d }))).digest('hex');
}

/** Levels of a start order over `services` and their dependencies. Throws ComposeError on a cycle. */
export function levelsOf(ctx: Ctx, project: Project, services?: string[]): string[][] {
  const levels = (ctx.deps.order ?? dependencyOrder)(project, services);
  if (levels.length || Object.keys(project.services).length === 0) return levels;
  return fallbackLevels(project, services);
}

/** Services a service depends on (depends_on, links, volumes_from, network_mode service:). Never throws. */
export function dependenciesOf(s: ServiceConfig): string[] {
  const out = new Set(Object.keys(s.depends_on));
  for (const l of s.links ?? []) out.add(l.split(':')[0]!);
  for (const v of s.volumes_from ?? []) if (!v.startsWith('container:')) out.add(v.split(':')[0]!);
  if (s.network_mode?.startsWith('service:')) out.add(s.network_mode.slice(8));
  return [...out];
}

/** Topological levels computed locally (used while the loader gives none). Throws ComposeError on a cycle. */
export function fallbackLevels(project: Project, services?: string[]): string[][] {
  const want = new Set<string>();
  const add = (n: string) => {
    if (want.has(n) || !project.services[n]) return;
    want.add(n);
    for (const d of dependenciesOf(project.services[n]!)) add(d);
  };
  for (const n of services ?? Object.keys(project.services)) add(n);
  const levels: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < want.size) {
    const level = [...want].filter((n) => !placed.has(n) && dependenciesOf(project.services[n]!).every((d) => placed.has(d) || !want.has(d))).sort();
    if (!level.length) throw new ComposeError(`dependency cycle detected: ${[...want].filter((n) => !placed.has(n)).join(' -> ')}`);
    for (const n of level) placed.add(n);
    levels.push(level);
  }
  return levels;
}

/** Runs `fn` over `items` concurrently (all at once, or at most `limit`); rejects with the first error after all settled. */
export async function parallel<T, R>(items: readonly T[], fn: (t: T) => Promise<R>, limit = Infinity): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let firstError: unknown;
  let failed = false;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (e) {
        if (!failed) firstError = e;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(items.length, limit) }, worker));
  if (failed) throw firstError;
  return results;
}

/**
 * The services named (enabled or disabled by profiles) or all enabled ones. Throws
 * ComposeError `no such service: x` for an unknown name.
 */
export function selectServices(project: Project, names: string[]): string[] {
  if (!names.length) return Object.keys(project.services).sort();
  for (const n of names) if (!project.services[n] && !project.disabledServices[n]) throw new ComposeError(`no such service: ${n}`);
  return names;
}

/** A service by name, enabled or profile-disabled. Throws ComposeError `no such service: x`. */
export function serviceOf(project: Project, name: string): ServiceConfig {
  const s = project.services[name] ?? project.disabledServices[name];
  if (!s) throw new ComposeError(`no such service: ${name}`);
  return s;
}

/** Default sleep. */
export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The calls `--parallel N` limits (state changes; reads and streams are never held back). */
const LIMITED: Record<string, string[]> = {
  containers: ['create', 'start', 'stop', 'restart', 'kill', 'remove', 'pause', 'unpause'],
  networks: ['create', 'remove', 'connect'],
  volumes: ['create', 'remove'],
  images: ['remove'],
};

/**
 * A client whose state-changing calls run at most `n` at a time (`--parallel N`); the same
 * client when `n` is not a positive number. Never throws (the calls throw what they throw).
 */
export function limitClient(client: EngineClient, n: number | undefined): EngineClient {
  if (!n || n <= 0 || !Number.isFinite(n)) return client;
  let active = 0;
  const queue: (() => void)[] = [];
  const acquire = () => new Promise<void>((resolve) => {
    if (active < n) {
      active++;
      resolve();
    } else queue.push(() => resolve());
  });
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  const wrap = <T extends object>(api: T, names: string[]): T => new Proxy(api, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || !names.includes(String(prop))) return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      return async (...args: unknown[]) => {
        await acquire();
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          release();
        }
      };
    },
  });
  return { ...client, containers: wrap(client.containers, LIMITED.containers!), networks: wrap(client.networks, LIMITED.networks!), volumes: wrap(client.volumes, LIMITED.volumes!), images: wrap(client.images, LIMITED.images!) };
}
