/**
 * One service's raw (interpolated, merged, extended) mapping → the model's `ServiceConfig`:
 * short syntaxes expanded, durations in ns, sizes in bytes, paths absolute, env_file read.
 */
import { readFileSync } from 'node:fs';
import type { ServiceBuild, ServiceConfig, ServiceDependency, ServiceFileRef, ServiceHealthcheck, ServiceNetwork } from '../model.js';
import { ComposeError } from '../model.js';
import { bytes, durationNs, isObj, mapOrList, shellSplit, stringList, stringMap } from './convert.js';
import { parseDotenv } from './dotenv.js';
import { type Lookup } from './interpolate.js';
import { normalizePorts } from './ports.js';
import { type PathContext, normalizeVolumes, resolveHostPath } from './volumes.js';

/** What a service's normalisation needs from the project. */
export interface ServiceContext extends PathContext {
  /** The interpolation environment (bare `KEY` entries of `environment:` resolve from it). */
  lookup: Lookup;
}

const STRING_KEYS = ['image', 'container_name', 'hostname', 'domainname', 'user', 'working_dir', 'restart', 'stop_signal', 'pid', 'ipc', 'platform', 'network_mode', 'pull_policy'] as const;
const BOOL_KEYS = ['init', 'tty', 'stdin_open', 'privileged', 'read_only'] as const;
const LIST_KEYS = ['cap_add', 'cap_drop', 'security_opt', 'tmpfs', 'dns', 'dns_search', 'dns_opt', 'links', 'external_links', 'volumes_from', 'profiles', 'group_add'] as const;
const HANDLED = new Set<string>([
  ...STRING_KEYS, ...BOOL_KEYS, ...LIST_KEYS, 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'volumes', 'networks',
  'depends_on', 'healthcheck', 'deploy', 'scale', 'labels', 'ulimits', 'sysctls', 'shm_size', 'extra_hosts', 'logging', 'stop_grace_period',
  'devices', 'secrets', 'configs', 'mem_limit', 'cpus', 'extends',
]);

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@') || s.startsWith('github.com/');

function commandOf(v: unknown, p: string): string[] | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(String);
  return shellSplit(String(v), p);
}

function build(v: unknown, p: string, ctx: ServiceContext): ServiceBuild {
  const raw: Record<string, unknown> = isObj(v) ? v : { context: v };
  const ctxDir = String(raw.context ?? '.');
  const b: ServiceBuild = { context: isUrl(ctxDir) ? ctxDir : resolveHostPath(ctxDir, ctx), dockerfile: String(raw.dockerfile ?? '') };
  if (raw.dockerfile === undefined && raw.dockerfile_inline === undefined) b.dockerfile = 'Dockerfile';
  for (const [k, val] of Object.entries(raw)) {
    if (k === 'context' || k === 'dockerfile') continue;
    if (k === 'args') {
      // a bare arg takes its value from the environment, and is dropped when unset there
      const args: Record<string, string> = {};
      for (const [ak, av] of Object.entries(mapOrList(val))) {
        const v = av ?? ctx.lookup(ak);
        if (v !== undefined) args[ak] = v;
      }
      b.args = args;
    } else if (k === 'labels') b.labels = stringMap(val);
    else if (k === 'shm_size') b.shm_size = bytes(val, `${p}.shm_size`);
    else if (k === 'cache_from' || k === 'extra_hosts') b[k] = k === 'extra_hosts' ? extraHosts(val) : stringList(val);
    else if (k === 'no_cache' || k === 'pull') b[k] = Boolean(val);
    else if (k === 'target' || k === 'network' || k === 'dockerfile_inline') b[k] = String(val);
    else (b as unknown as Record<string, unknown>)[k] = val;
  }
  return b;
}

function extraHosts(v: unknown): string[] {
  if (isObj(v)) return Object.entries(v).flatMap(([h, ip]) => (Array.isArray(ip) ? ip.map((x) => `${h}:${String(x)}`) : [`${h}:${String(ip)}`]));
  return stringList(v).map((s) => (/^[^:=]+=/.test(s) ? s.replace('=', ':') : s));
}

function healthcheck(v: Record<string, unknown>, p: string): ServiceHealthcheck {
  const h: ServiceHealthcheck = {};
  if (v.test !== undefined) h.test = typeof v.test === 'string' ? ['CMD-SHELL', v.test] : stringList(v.test);
  for (const k of ['interval', 'timeout', 'start_period', 'start_interval'] as const) if (v[k] !== undefined && v[k] !== null) h[k] = durationNs(v[k], `${p}.${k}`);
  if (v.retries !== undefined && v.retries !== null) h.retries = Number(v.retries);
  if (v.disable !== undefined) h.disable = Boolean(v.disable);
  return h;
}

function dependsOn(v: unknown): Record<string, ServiceDependency> {
  const out: Record<string, ServiceDependency> = {};
  if (Array.isArray(v)) for (const s of v) out[String(s)] = { condition: 'service_started', required: true, restart: false };
  else if (isObj(v)) {
    for (const [k, d] of Object.entries(v)) {
      const o = isObj(d) ? d : {};
      out[k] = { condition: (o.condition as ServiceDependency['condition']) ?? 'service_started', required: o.required === undefined ? true : Boolean(o.required), restart: Boolean(o.restart ?? false) };
    }
  }
  return out;
}

function networks(v: unknown): Record<string, ServiceNetwork | null> {
  const out: Record<string, ServiceNetwork | null> = {};
  if (Array.isArray(v)) for (const n of v) out[String(n)] = null;
  else if (isObj(v)) {
    for (const [k, n] of Object.entries(v)) {
      if (!isObj(n)) {
        out[k] = null;
        continue;
      }
      const sn: ServiceNetwork = {};
      if (n.aliases !== undefined) sn.aliases = stringList(n.aliases);
      if (n.ipv4_address !== undefined) sn.ipv4_address = String(n.ipv4_address);
      if (n.ipv6_address !== undefined) sn.ipv6_address = String(n.ipv6_address);
      if (n.priority !== undefined) sn.priority = Number(n.priority);
      for (const [x, y] of Object.entries(n)) if (!(x in sn) && !['aliases', 'ipv4_address', 'ipv6_address', 'priority'].includes(x)) (sn as Record<string, unknown>)[x] = y;
      out[k] = sn;
    }
  }
  return out;
}

function fileRefs(v: unknown, kind: 'secrets' | 'configs'): ServiceFileRef[] {
  if (!Array.isArray(v)) return [];
  return v.map((item) => {
    const o: Record<string, unknown> = isObj(item) ? item : { source: item };
    const source = String(o.source);
    let target = o.target === undefined ? source : String(o.target);
    if (!target.startsWith('/')) target = kind === 'secrets' ? `/run/secrets/${target}` : `/${target}`;
    const r: ServiceFileRef = { source, target };
    if (o.uid !== undefined) r.uid = String(o.uid);
    if (o.gid !== undefined) r.gid = String(o.gid);
    if (o.mode !== undefined) r.mode = typeof o.mode === 'string' ? parseInt(o.mode, 8) : Number(o.mode);
    return r;
  });
}

function envFiles(v: unknown, ctx: ServiceContext): { path: string; required: boolean }[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((e) => (isObj(e) ? { path: resolveHostPath(String(e.path), ctx), required: e.required === undefined ? true : Boolean(e.required) } : { path: resolveHostPath(String(e), ctx), required: true }));
}

function readEnvFile(f: { path: string; required: boolean }, ctx: ServiceContext): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(f.path, 'utf8');
  } catch (e) {
    if (!f.required) return {};
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ComposeError(`env file ${f.path} not found: stat ${f.path}: ${why}`, { file: f.path });
  }
  try {
    return parseDotenv(text, ctx.lookup);
  } catch (e) {
    throw new ComposeError(`failed to read ${f.path}: ${(e as Error).message}`, { file: f.path });
  }
}

function deploy(v: Record<string, unknown>, p: string): NonNullable<ServiceConfig['deploy']> {
  const d: NonNullable<ServiceConfig['deploy']> & Record<string, unknown> = { ...v };
  if (v.replicas !== undefined && v.replicas !== null) d.replicas = Number(v.replicas);
  if (isObj(v.resources)) {
    const res: Record<string, unknown> = { ...v.resources };
    for (const side of ['limits', 'reservations'] as const) {
      const r = v.resources[side];
      if (!isObj(r)) continue;
      const o: Record<string, unknown> = { ...r };
      if (r.cpus !== undefined) o.cpus = String(r.cpus);
      if (r.memory !== undefined) o.memory = bytes(r.memory, `${p}.resources.${side}.memory`);
      if (r.pids !== undefined) o.pids = Number(r.pids);
      res[side] = o;
    }
    d.resources = res as NonNullable<ServiceConfig['deploy']>['resources'];
  }
  if (isObj(v.restart_policy)) {
    const r = v.restart_policy;
    const o: Record<string, unknown> = { ...r };
    if (r.delay !== undefined) o.delay = durationNs(r.delay, `${p}.restart_policy.delay`);
    if (r.window !== undefined) o.window = durationNs(r.window, `${p}.restart_policy.window`);
    if (r.max_attempts !== undefined) o.max_attempts = Number(r.max_attempts);
    d.restart_policy = o;
  }
  if (v.labels !== undefined) d.labels = stringMap(v.labels);
  return d;
}

/**
 * Normalises one service. Reads its env_file entries. Throws ComposeError for a bad value
 * or a missing required env file.
 */
export function normalizeService(name: string, raw: Record<string, unknown>, ctx: ServiceContext): ServiceConfig {
  const p = `services.${name}`;
  const s: ServiceConfig = { name, environment: {}, ports: [], expose: [], volumes: [], networks: {}, depends_on: {}, labels: {} };
  const out = s as unknown as Record<string, unknown>;
  for (const k of STRING_KEYS) if (raw[k] !== undefined && raw[k] !== null) out[k] = String(raw[k]);
  for (const k of BOOL_KEYS) if (raw[k] !== undefined && raw[k] !== null) out[k] = Boolean(raw[k]);
  for (const k of LIST_KEYS) if (raw[k] !== undefined && raw[k] !== null) out[k] = stringList(raw[k]);
  if (raw.build !== undefined && raw.build !== null) s.build = build(raw.build, `${p}.build`, ctx);
  if (raw.command !== undefined) s.command = commandOf(raw.command, `${p}.command`);
  if (raw.entrypoint !== undefined) s.entrypoint = commandOf(raw.entrypoint, `${p}.entrypoint`);
  const files = envFiles(raw.env_file, ctx);
  if (files.length > 0) s.env_file = files;
  for (const f of files) Object.assign(s.environment, readEnvFile(f, ctx));
  for (const [k, v] of Object.entries(mapOrList(raw.environment))) {
    s.environment[k] = v ?? ctx.lookup(k) ?? null;
  }
  s.ports = normalizePorts(raw.ports, `${p}.ports`);
  s.expose = stringList(raw.expose);
  s.volumes = normalizeVolumes(raw.volumes, `${p}.volumes`, ctx);
  s.networks = networks(raw.networks);
  if (Object.keys(s.networks).length === 0 && s.network_mode === undefined) s.networks = { default: null };
  s.depends_on = dependsOn(raw.depends_on);
  // links, shared namespaces and volumes_from are dependencies too (as Compose adds them)
  const implied = (dep: string, restart: boolean) => {
    if (dep && !s.depends_on[dep]) s.depends_on[dep] = { condition: 'service_started', required: true, restart };
  };
  for (const l of s.links ?? []) implied(l.split(':')[0]!, true);
  for (const k of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
    const v = raw[k];
    if (typeof v === 'string' && v.startsWith('service:')) implied(v.slice(8), true);
  }
  for (const v of s.volumes_from ?? []) if (!v.startsWith('container:')) implied(v.split(':')[0]!, false);
  if (s.pull_policy === 'if_not_present') s.pull_policy = 'missing';
  if (isObj(raw.healthcheck)) s.healthcheck = healthcheck(raw.healthcheck, `${p}.healthcheck`);
  if (isObj(raw.deploy)) s.deploy = deploy(raw.deploy, `${p}.deploy`);
  if (raw.scale !== undefined && raw.scale !== null) s.scale = Number(raw.scale);
  s.labels = stringMap(raw.labels);
  if (raw.ulimits !== undefined) {
    s.ulimits = {};
    for (const [k, v] of Object.entries(raw.ulimits as Record<string, unknown>)) {
      s.ulimits[k] = isObj(v) ? { soft: Number(v.soft), hard: Number(v.hard) } : { soft: Number(v), hard: Number(v) };
    }
  }
  if (raw.sysctls !== undefined) s.sysctls = stringMap(raw.sysctls);
  if (raw.shm_size !== undefined && raw.shm_size !== null) s.shm_size = bytes(raw.shm_size, `${p}.shm_size`);
  if (raw.mem_limit !== undefined && raw.mem_limit !== null) s.mem_limit = bytes(raw.mem_limit, `${p}.mem_limit`);
  if (raw.cpus !== undefined && raw.cpus !== null) s.cpus = Number(raw.cpus);
  if (raw.extra_hosts !== undefined) s.extra_hosts = extraHosts(raw.extra_hosts);
  if (isObj(raw.logging)) {
    s.logging = {};
    if (raw.logging.driver !== undefined) s.logging.driver = String(raw.logging.driver);
    if (raw.logging.options !== undefined) s.logging.options = stringMap(raw.logging.options);
  }
  if (raw.stop_grace_period !== undefined && raw.stop_grace_period !== null) s.stop_grace_period = durationNs(raw.stop_grace_period, `${p}.stop_grace_period`);
  if (Array.isArray(raw.devices)) {
    s.devices = raw.devices.map((d) => (isObj(d) ? [d.source, d.target ?? d.source, d.permissions].filter((x) => x !== undefined).map(String).join(':') : String(d)));
  }
  if (raw.secrets !== undefined) s.secrets = fileRefs(raw.secrets, 'secrets');
  if (raw.configs !== undefined) s.configs = fileRefs(raw.configs, 'configs');
  for (const [k, v] of Object.entries(raw)) if (!HANDLED.has(k)) out[k] = v;
  if (s.scale !== undefined && s.deploy?.replicas !== undefined && s.scale !== s.deploy.replicas) {
    throw new ComposeError(`services.${name}: can't set distinct values on 'scale' and 'deploy.replicas': invalid compose project`, { path: p });
  }
  if (s.scale !== undefined && s.scale < 0) throw new ComposeError(`services.${name}.scale: must be greater than or equal to 0`, { path: `${p}.scale` });
  if (s.deploy?.replicas !== undefined && s.deploy.replicas < 0) {
    throw new ComposeError(`services.${name}.deploy.replicas: must be greater than or equal to 0`, { path: `${p}.deploy.replicas` });
  }
  const replicas = s.scale ?? s.deploy?.replicas ?? 1;
  if (s.container_name !== undefined && replicas > 1) {
    // sic: Docker Compose prints the attribute where the service name belongs
    const attr = s.scale !== undefined ? 'scale' : 'deploy.replicas';
    throw new ComposeError(`services.${attr}: can't set container_name and ${name} as container name must be unique: invalid compose project`, { path: `${p}.container_name` });
  }
  if (s.network_mode !== undefined && raw.networks !== undefined && raw.networks !== null) {
    throw new ComposeError(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\`: invalid compose project`, { path: `${p}.network_mode` });
  }
  const t0 = s.healthcheck?.test?.[0];
  if (t0 !== undefined && t0 !== 'CMD' && t0 !== 'CMD-SHELL' && t0 !== 'NONE') {
    throw new ComposeError('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', { path: `${p}.healthcheck.test` });
  }
  const mounts = new Map<string, string>();
  const mounted = (target: string, loc: string) => {
    const prev = mounts.get(target);
    if (prev) throw new ComposeError(`${loc}: target ${target} already mounted as ${prev}`, { path: loc.replace(/\[(\d+)\]$/, '.$1') });
    mounts.set(target, loc);
  };
  (s.tmpfs ?? []).forEach((t, i) => mounted(t.split(':')[0]!, `services.${name}.tmpfs[${i}]`));
  s.volumes.forEach((v, i) => mounted(v.target, `services.${name}.volumes[${i}]`));
  return s;
}
