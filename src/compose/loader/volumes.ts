/**
 * `volumes:` entries of a service to the long syntax: `./data:/data:ro` (bind, relative to the
 * project directory), `~/x:/x`, `name:/data` (named volume), `/data` (anonymous), long-syntax
 * mappings; named vs bind decided as Docker Compose does (a source starting with `.`, `/` or
 * `~` is a path).
 */
import path from 'node:path';
import type { ServiceVolume } from '../model.js';
import { bytes, invalid, isObj } from './convert.js';

/** Where relative and `~` paths point. */
export interface PathContext {
  workingDir: string;
  home: string | undefined;
}

/** Resolves a host path: `~` → home, relative → under the project directory. Never throws. */
export function resolveHostPath(p: string, ctx: PathContext): string {
  if (p === '~' || p.startsWith('~/')) return path.join(ctx.home ?? '~', p.slice(1));
  return path.resolve(ctx.workingDir, p);
}

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

function isPath(s: string): boolean {
  return s.startsWith('.') || s.startsWith('/') || s.startsWith('~') || /^[A-Za-z]:[\\/]/.test(s);
}

/** Parses a short-syntax volume. Throws ComposeError for an empty spec or a bad mode. */
export function parseVolumeSpec(spec: string, p: string, ctx: PathContext): ServiceVolume {
  const parts = spec.split(':');
  if (spec === '' || parts.some((x, i) => x === '' && i < 2)) throw invalid(p, `invalid spec: ${spec}: empty section between colons`);
  if (parts.length === 1) return { type: 'volume', target: parts[0]!, volume: {} };
  if (parts.length > 3) throw invalid(p, `invalid spec: ${spec}: too many colons`);
  const [src, target, mode] = parts as [string, string, string | undefined];
  const v: ServiceVolume = isPath(src)
    ? { type: 'bind', source: resolveHostPath(src, ctx), target, bind: { create_host_path: true } }
    : { type: 'volume', source: src, target, volume: {} };
  for (const opt of (mode ?? '').split(',').filter(Boolean)) {
    if (opt === 'ro') v.read_only = true;
    else if (opt === 'rw') v.read_only ??= undefined;
    else if (opt === 'z' || opt === 'Z') v.bind = { ...v.bind, selinux: opt };
    else if (PROPAGATION.has(opt)) v.bind = { ...v.bind, propagation: opt };
    else if (opt === 'nocopy') v.volume = { ...v.volume, nocopy: true };
    else if (opt === 'consistent' || opt === 'cached' || opt === 'delegated') v.consistency = opt;
    else throw invalid(p, `invalid spec: ${spec}: unknown option: ${opt}`);
  }
  if (v.read_only === undefined) delete v.read_only;
  return v;
}

/** Normalises a service's `volumes:` list (targets cleaned like Go's path.Clean). Throws ComposeError. */
export function normalizeVolumes(list: unknown, p: string, ctx: PathContext): ServiceVolume[] {
  if (!Array.isArray(list)) return [];
  return list.map((item, i) => {
    const v = oneVolume(item, `${p}.${i}`, ctx);
    v.target = cleanTarget(v.target);
    return v;
  });
}

/** Go's path.Clean for a container path ("/data/" → "/data"). Never throws. */
function cleanTarget(t: string): string {
  const c = path.posix.normalize(t);
  return c.length > 1 ? c.replace(/\/+$/, '') : c;
}

function oneVolume(item: unknown, ip: string, ctx: PathContext): ServiceVolume {
  if (typeof item === 'string') return parseVolumeSpec(item, ip, ctx);
  if (!isObj(item)) throw invalid(ip, 'must be a string or mapping');
  const type = String(item.type ?? 'volume') as ServiceVolume['type'];
  const v: ServiceVolume = { type, target: String(item.target ?? '') };
  if (item.source !== undefined && item.source !== null && item.source !== '') {
    v.source = type === 'bind' ? resolveHostPath(String(item.source), ctx) : String(item.source);
  }
  if (item.read_only !== undefined) v.read_only = Boolean(item.read_only);
  if (item.consistency !== undefined) v.consistency = String(item.consistency);
  if (isObj(item.bind)) {
    v.bind = {};
    if (item.bind.propagation !== undefined) v.bind.propagation = String(item.bind.propagation);
    if (item.bind.create_host_path !== undefined) v.bind.create_host_path = Boolean(item.bind.create_host_path);
    if (item.bind.selinux !== undefined) v.bind.selinux = String(item.bind.selinux);
  }
  if (isObj(item.volume)) v.volume = item.volume.nocopy !== undefined ? { nocopy: Boolean(item.volume.nocopy) } : {};
  if (isObj(item.tmpfs)) {
    v.tmpfs = {};
    if (item.tmpfs.size !== undefined) v.tmpfs.size = bytes(item.tmpfs.size, `${ip}.tmpfs.size`);
    if (item.tmpfs.mode !== undefined) v.tmpfs.mode = Number(item.tmpfs.mode);
  }
  if (v.target === '') throw invalid(ip, 'target is required');
  if (type === 'bind' && v.source === undefined) throw invalid(ip, 'missing source for bind mount');
  return v;
}
