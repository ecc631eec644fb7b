/**
 * `extends:` — a service built on another one of the same file or of another file
 * (`extends: {file, service}`), resolved recursively, merged with the Compose merge rules.
 * Relative paths of a service taken from another file are made absolute against that file's
 * directory.
 */
import path from 'node:path';
import { ComposeError } from '../model.js';
import { isObj } from './convert.js';
import { mergeService } from './merge.js';

/** Loads another compose file's (interpolated, validated) data by absolute path. */
export type FileLoader = (file: string) => Promise<Record<string, unknown>>;

function isPathLike(s: string): boolean {
  return s.startsWith('.') || s.startsWith('/') || s.startsWith('~');
}

/** Makes a service's relative paths absolute against `dir` (build context, env_file, bind sources). Never throws. */
export function rebaseService(svc: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out = structuredClone(svc);
  const abs = (p: string) => (p.startsWith('~') || /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith('git@') ? p : path.resolve(dir, p));
  if (typeof out.build === 'string') out.build = abs(out.build);
  else if (isObj(out.build)) out.build.context = abs(String(out.build.context ?? '.'));
  if (typeof out.env_file === 'string') out.env_file = abs(out.env_file);
  else if (Array.isArray(out.env_file)) out.env_file = out.env_file.map((e) => (isObj(e) ? { ...e, path: abs(String(e.path)) } : abs(String(e))));
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v) => {
      if (typeof v === 'string') {
        const parts = v.split(':');
        if (parts.length > 1 && isPathLike(parts[0]!) && !parts[0]!.startsWith('~')) parts[0] = abs(parts[0]!);
        return parts.join(':');
      }
      if (isObj(v) && v.type === 'bind' && typeof v.source === 'string' && !v.source.startsWith('~')) return { ...v, source: abs(v.source) };
      return v;
    });
  }
  return out;
}

/**
 * Resolves `extends` in every service of `data` (the file `file`), in place on a copy.
 * Throws ComposeError for a missing base service or file and for circular extends.
 */
export async function resolveExtends(data: Record<string, unknown>, file: string, load: FileLoader): Promise<Record<string, unknown>> {
  if (!isObj(data.services)) return data;
  const services = data.services;
  const out: Record<string, unknown> = {};
  const cache = new Map<string, Record<string, unknown>>();
  for (const name of Object.keys(services)) {
    out[name] = await resolveOne(name, services, file, load, [], cache, path.dirname(file));
  }
  return { ...data, services: out };
}

async function resolveOne(
  name: string,
  services: Record<string, unknown>,
  file: string,
  load: FileLoader,
  stack: string[],
  cache: Map<string, Record<string, unknown>>,
  projectDir: string,
): Promise<Record<string, unknown>> {
  const id = `${file}\0${name}`;
  if (stack.includes(id)) {
    const chain = [...stack, id].map((s) => s.split('\0')[1]).join(' -> ');
    throw new ComposeError(`circular reference with extends: ${chain}`, { file, path: `services.${name}.extends` });
  }
  const cached = cache.get(id);
  if (cached) return cached;
  const svc = services[name];
  if (!isObj(svc)) return (svc ?? {}) as Record<string, unknown>;
  if (svc.extends === undefined) return svc;
  const ext: Record<string, unknown> = isObj(svc.extends) ? svc.extends : { service: svc.extends };
  const baseName = String(ext.service);
  let base: Record<string, unknown>;
  if (ext.file !== undefined && ext.file !== null) {
    const other = path.resolve(path.dirname(file), String(ext.file));
    let data: Record<string, unknown>;
    try {
      data = await load(other);
    } catch (e) {
      if (e instanceof ComposeError) throw e;
      throw new ComposeError(`cannot read ${other}: ${(e as Error).message}`, { file });
    }
    const otherServices = isObj(data.services) ? data.services : {};
    if (!(baseName in otherServices)) throw new ComposeError(`cannot extend service "${name}" in ${file}: service "${baseName}" not found in ${other}`, { file });
    base = await resolveOne(baseName, otherServices, other, load, [...stack, id], cache, projectDir);
    if (path.dirname(other) !== projectDir) base = rebaseService(base, path.dirname(other));
  } else {
    if (!(baseName in services)) throw new ComposeError(`cannot extend service "${name}" in ${file}: service "${baseName}" not found`, { file });
    base = await resolveOne(baseName, services, file, load, [...stack, id], cache, projectDir);
  }
  const own = { ...svc };
  delete own.extends;
  const merged = mergeService(base, own);
  delete merged.extends;
  cache.set(id, merged);
  return merged;
}
