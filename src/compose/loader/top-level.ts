/**
 * Top-level `networks:`, `volumes:`, `secrets:` and `configs:` → the model, with engine names
 * `<project>_<key>` unless `name:` is given or the object is external.
 */
import type { FileObjectConfig, NetworkConfig, VolumeConfig } from '../model.js';
import { isObj, stringMap } from './convert.js';
import { type PathContext, resolveHostPath } from './volumes.js';

function externalOf(v: Record<string, unknown>): { external: boolean; name?: string } {
  if (isObj(v.external)) return { external: true, name: v.external.name === undefined ? undefined : String(v.external.name) };
  return { external: Boolean(v.external) };
}

function engineName(project: string, key: string, v: Record<string, unknown>): { name: string; external: boolean } {
  const ext = externalOf(v);
  const name = v.name !== undefined && v.name !== null ? String(v.name) : ext.name ?? (ext.external ? key : `${project}_${key}`);
  return { name, external: ext.external };
}

function strRecord(v: unknown): Record<string, string> {
  return isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
}

/**
 * Normalises each entry of a top-level section: `make` builds the model object from the raw
 * mapping and its engine name; raw keys neither set by `make` nor in `consumed` are carried
 * over as they are. Never throws.
 */
function normalizeSection<T extends object>(raw: unknown, project: string, consumed: string[], make: (v: Record<string, unknown>, name: string, external: boolean) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, val] of Object.entries(isObj(raw) ? raw : {})) {
    const v = isObj(val) ? val : {};
    const { name, external } = engineName(project, key, v);
    const o = make(v, name, external);
    for (const [k, x] of Object.entries(v)) if (!(k in o) && !consumed.includes(k)) (o as Record<string, unknown>)[k] = x;
    out[key] = o;
  }
  return out;
}

/** Normalises top-level networks. Never throws. */
export function normalizeNetworks(raw: unknown, project: string): Record<string, NetworkConfig> {
  return normalizeSection(raw, project, ['name', 'external', 'labels'], (v, name, external) => {
    const n: NetworkConfig = { name, labels: stringMap(v.labels) };
    if (external) n.external = true;
    if (v.driver !== undefined) n.driver = String(v.driver);
    if (v.driver_opts !== undefined) n.driver_opts = strRecord(v.driver_opts);
    if (isObj(v.ipam)) n.ipam = v.ipam as NetworkConfig['ipam'];
    for (const k of ['internal', 'attachable', 'enable_ipv6'] as const) if (v[k] !== undefined) n[k] = Boolean(v[k]);
    return n;
  });
}

/** Normalises top-level volumes. Never throws. */
export function normalizeVolumesTop(raw: unknown, project: string): Record<string, VolumeConfig> {
  return normalizeSection(raw, project, ['name', 'external', 'labels'], (v, name, external) => {
    const vol: VolumeConfig = { name, labels: stringMap(v.labels) };
    if (external) vol.external = true;
    if (v.driver !== undefined) vol.driver = String(v.driver);
    if (v.driver_opts !== undefined) vol.driver_opts = strRecord(v.driver_opts);
    return vol;
  });
}

/** Normalises top-level secrets or configs (file paths absolute). Never throws. */
export function normalizeFileObjects(raw: unknown, project: string, ctx: PathContext): Record<string, FileObjectConfig> {
  return normalizeSection(raw, project, ['name', 'external', 'file', 'environment', 'content'], (v, name, external) => {
    const o: FileObjectConfig = { name };
    if (external) o.external = true;
    if (v.file !== undefined) o.file = resolveHostPath(String(v.file), ctx);
    if (v.environment !== undefined) o.environment = String(v.environment);
    if (v.content !== undefined) o.content = String(v.content);
    return o;
  });
}
