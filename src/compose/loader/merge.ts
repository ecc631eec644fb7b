/**
 * The Compose Specification's merge rules for several files (and for `extends`): mappings
 * merged key by key; `command`, `entrypoint`, `healthcheck.test` replaced; `environment`,
 * `labels`, `sysctls`, build args… merged by key (lists become mappings first); `ports`
 * appended without duplicates; `volumes`, `secrets`, `configs`, `devices` merged by their
 * target/source; `depends_on` and `networks` merged as mappings; other sequences appended
 * without duplicates; `!reset` removes a value and `!override` replaces it.
 */
import { isObj, mapOrList, stringList } from './convert.js';
import { type KeyPath, pathKey } from './key-path.js';

/** `!reset` / `!override` paths of the overriding file. */
export interface MergeTags {
  reset: Set<string>;
  override: Set<string>;
}

const NO_TAGS: MergeTags = { reset: new Set(), override: new Set() };

/** Keys of a service replaced, not merged. */
const REPLACE = new Set(['command', 'entrypoint', 'healthcheck.test', 'build.dockerfile_inline']);
/** Keys of a service whose list form is turned into a mapping, then merged. */
const TO_MAP = new Set(['environment', 'labels', 'sysctls', 'annotations', 'build.args', 'build.labels', 'deploy.labels', 'logging.options', 'build.additional_contexts']);
/** Keys whose string form is a one-item list. */
const TO_LIST = new Set(['dns', 'dns_search', 'dns_opt', 'tmpfs', 'env_file', 'cap_add', 'cap_drop', 'expose', 'security_opt']);

const clone = <T>(v: T): T => structuredClone(v);

/** Target of a short-syntax volume spec (or its only part). Never throws. */
function volumeTarget(v: unknown): string {
  if (isObj(v)) return String(v.target ?? '');
  const parts = String(v).split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

/** Where a secret/config reference is mounted (what identifies it when merging). Never throws. */
function mountTarget(v: unknown, dir: string): string {
  const o: Record<string, unknown> = isObj(v) ? v : { source: v };
  const t = String(o.target ?? o.source);
  return t.startsWith('/') ? t : `${dir}/${t}`;
}

function keyed(base: unknown[], over: unknown[], key: (v: unknown) => string): unknown[] {
  const out = base.map(clone);
  const index = new Map(out.map((v, i) => [key(v), i]));
  for (const v of over) {
    const k = key(v);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push(clone(v));
    } else out[at] = clone(v);
  }
  return out;
}

function unique(base: unknown[], over: unknown[]): unknown[] {
  return keyed(base, over, (v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
}

function depMap(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((s) => [String(s), { condition: 'service_started' }]));
  return isObj(v) ? v : {};
}

function netMap(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((s) => [String(s), null]));
  return isObj(v) ? v : {};
}

/** Brings a service value at a sub-key to the form merging works on. Never throws. */
function canonical(rel: string, v: unknown): unknown {
  if (TO_MAP.has(rel)) return Array.isArray(v) ? mapOrList(v) : v;
  if (TO_LIST.has(rel)) return v === null || v === undefined ? v : stringList(v);
  if (rel === 'build' && typeof v === 'string') return { context: v };
  if (rel === 'depends_on') return depMap(v);
  if (rel === 'networks') return netMap(v);
  return v;
}

function mergeList(rel: string, base: unknown[], over: unknown[]): unknown[] {
  switch (rel) {
    case 'volumes':
      return keyed(base, over, volumeTarget);
    case 'secrets':
    case 'configs':
      return keyed(base, over, (v) => mountTarget(v, rel === 'secrets' ? '/run/secrets' : ''));
    case 'devices':
      return keyed(base, over, (v) => (isObj(v) ? String(v.target ?? v.source) : String(v).split(':')[1] ?? String(v)));
    case 'extra_hosts':
    case 'build.extra_hosts':
      return unique(base, over);
    default:
      return unique(base, over);
  }
}

/**
 * Merges an overriding service mapping over a base one. `at` is the service's key path in
 * the overriding file (for its `!reset`/`!override` tags). Never throws.
 */
export function mergeService(base: Record<string, unknown>, over: Record<string, unknown>, tags: MergeTags = NO_TAGS, at: KeyPath = []): Record<string, unknown> {
  return mergeAt(base, over, '', tags, at) as Record<string, unknown>;
}

function mergeAt(base: unknown, over: unknown, rel: string, tags: MergeTags, at: KeyPath): unknown {
  if (tags.override.has(pathKey(at))) return clone(over);
  const b = canonical(rel, base);
  const o = canonical(rel, over);
  if (rel === 'logging' && isObj(b) && isObj(o) && b.driver !== undefined && o.driver !== undefined && b.driver !== o.driver) return clone(o);
  if (rel !== '' && REPLACE.has(rel)) return clone(o);
  if (/^ulimits\.[^.]+$/.test(rel)) return clone(o);
  if (isObj(b) && isObj(o)) {
    const out: Record<string, unknown> = clone(b);
    for (const [k, v] of Object.entries(o)) {
      const p = [...at, k];
      if (tags.reset.has(pathKey(p))) {
        delete out[k];
        continue;
      }
      out[k] = k in out ? mergeAt(out[k], v, rel === '' ? k : `${rel}.${k}`, tags, p) : clone(canonical(rel === '' ? k : `${rel}.${k}`, v));
    }
    return out;
  }
  if (Array.isArray(b) && Array.isArray(o)) return mergeList(rel, b, o);
  return clone(o);
}

/**
 * Merges a whole overriding file over the base model: services with `mergeService`, the other
 * top-level sections key by key (mappings merged deeply, anything else replaced). Never throws.
 */
export function mergeFiles(base: Record<string, unknown>, over: Record<string, unknown>, tags: MergeTags = NO_TAGS): Record<string, unknown> {
  const out: Record<string, unknown> = clone(base);
  for (const [top, v] of Object.entries(over)) {
    if (tags.reset.has(pathKey([top]))) {
      delete out[top];
      continue;
    }
    if (top === 'services' && isObj(v)) {
      const services: Record<string, unknown> = isObj(out.services) ? out.services : {};
      for (const [name, svc] of Object.entries(v)) {
        if (tags.reset.has(pathKey([top, name]))) {
          delete services[name];
          continue;
        }
        const cur = services[name];
        services[name] = isObj(cur) && isObj(svc) && !tags.override.has(pathKey([top, name])) ? mergeService(cur, svc, tags, [top, name]) : clone(svc);
      }
      out.services = services;
    } else if (isObj(v) && isObj(out[top]) && !tags.override.has(pathKey([top]))) {
      out[top] = deepMerge(out[top], v, tags, [top]);
    } else {
      out[top] = clone(v);
    }
  }
  return out;
}

function deepMerge(base: unknown, over: unknown, tags: MergeTags, at: KeyPath): unknown {
  if (tags.override.has(pathKey(at))) return clone(over);
  if (isObj(base) && isObj(over)) {
    const out: Record<string, unknown> = clone(base);
    for (const [k, v] of Object.entries(over)) {
      if (tags.reset.has(pathKey([...at, k]))) delete out[k];
      else out[k] = k in out ? deepMerge(out[k], v, tags, [...at, k]) : clone(v);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return unique(base, over);
  return clone(over);
}
