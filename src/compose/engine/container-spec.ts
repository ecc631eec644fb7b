/**
 * Turns one normalised compose service into the body of `POST /containers/create`, the way
 * Docker Compose v2 does: image, command, environment, ports, mounts, healthcheck, restart
 * policy, resources, the `com.docker.compose.*` labels and the endpoint of the service's first
 * network (with the aliases `[container name, service, ...aliases]`). Pure.
 */
import type { ContainerCreateRequest, EndpointSettings, HostConfig, MountSpec, PortBinding } from '../../api/types.js';
import type { Project, ServiceConfig, ServiceNetwork } from '../model.js';
import { COMPOSE_VERSION, LABEL } from './labels.js';

/** What else the body needs besides the service. */
export interface ContainerSpecInput {
  project: Project;
  service: ServiceConfig;
  /** Container name (`proj-web-1`). */
  name: string;
  /** Replica number (1-based); 0 is never used. */
  number: number;
  /** The service's config hash (the config-hash label). */
  hash: string;
  /** Image ID the service's image resolved to (the image label), when known. */
  imageId?: string;
  /** True for `compose run` containers. */
  oneoff?: boolean;
  /** Underscore names and image names (`--compatibility`). */
  compatibility?: boolean;
  /**
   * Name or ID of the first container of another service (for `network_mode: service:x` and
   * `volumes_from: x`); undefined when it has none.
   */
  containerOf?: (service: string) => string | undefined;
}

/** The create body and the networks still to connect after create. */
export interface ContainerSpec {
  body: ContainerCreateRequest;
  /** Engine network name → endpoint config, for `network connect` after create (all but the first). */
  extraNetworks: [string, EndpointSettings][];
  platform?: string;
}

/** The image name a service runs: `image:`, else `<project>-<service>` (what `build` tags). */
export function serviceImage(project: Project, service: ServiceConfig, compatibility = false): string {
  return service.image ?? `${project.name}${compatibility ? '_' : '-'}${service.name}`;
}

/** Networks of a service in attach order (priority high first, then key). Never throws. */
export function orderedNetworks(service: ServiceConfig): [string, ServiceNetwork | null][] {
  return Object.entries(service.networks).sort(([ak, a], [bk, b]) => (b?.priority ?? 0) - (a?.priority ?? 0) || (ak < bk ? -1 : ak > bk ? 1 : 0));
}

/** Number of replicas wanted: `--scale` override, else `scale`, else deploy.replicas, else 1. */
export function desiredScale(service: ServiceConfig, override?: number): number {
  return override ?? service.scale ?? service.deploy?.replicas ?? 1;
}

/** `depends_on` as the label value: `db:service_healthy:false,cache:service_started:false`. */
export function dependsOnLabel(service: ServiceConfig): string {
  return Object.entries(service.depends_on).map(([k, d]) => `${k}:${d.condition}:${d.restart}`).join(',');
}

function restartPolicy(s: ServiceConfig): HostConfig['RestartPolicy'] | undefined {
  if (s.restart) {
    const [name, max] = s.restart.split(':');
    if (name === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: max ? Number(max) : 0 };
    if (name === 'always' || name === 'unless-stopped' || name === 'no') return { Name: name };
    return undefined;
  }
  const rp = s.deploy?.restart_policy;
  if (!rp?.condition) return undefined;
  if (rp.condition === 'any') return { Name: 'always' };
  if (rp.condition === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: rp.max_attempts ?? 0 };
  return { Name: 'no' };
}

function portKey(target: number | string, protocol: string): string {
  return `${target}/${protocol}`;
}

function mounts(project: Project, s: ServiceConfig): { mounts: MountSpec[]; binds: string[]; anon: Record<string, object> } {
  const out: MountSpec[] = [];
  const binds: string[] = [];
  const anon: Record<string, object> = {};
  for (const v of s.volumes) {
    if (v.type === 'volume') {
      if (!v.source) {
        anon[v.target] = {};
        continue;
      }
      const name = project.volumes[v.source]?.name ?? v.source;
      out.push({ Type: 'volume', Source: name, Target: v.target, ReadOnly: v.read_only || undefined, VolumeOptions: v.volume?.nocopy ? { NoCopy: true } : undefined });
    } else if (v.type === 'bind') {
      if (v.bind?.create_host_path !== false) {
        const opts = [v.read_only ? 'ro' : 'rw', v.bind?.propagation, v.bind?.selinux].filter(Boolean);
        binds.push(`${v.source}:${v.target}${opts.length ? `:${opts.join(',')}` : ''}`);
      } else out.push({ Type: 'bind', Source: v.source, Target: v.target, ReadOnly: v.read_only || undefined, BindOptions: v.bind?.propagation ? { Propagation: v.bind.propagation } : undefined });
    } else if (v.type === 'tmpfs') {
      out.push({ Type: 'tmpfs', Target: v.target, TmpfsOptions: v.tmpfs ? { SizeBytes: v.tmpfs.size, Mode: v.tmpfs.mode } : undefined });
    }
  }
  for (const [kind, refs] of [['secrets', s.secrets], ['configs', s.configs]] as const) {
    for (const r of refs ?? []) {
      const obj = kind === 'secrets' ? project.secrets[r.source] : project.configs[r.source];
      if (obj?.file) out.push({ Type: 'bind', Source: obj.file, Target: r.target, ReadOnly: true });
    }
  }
  return { mounts: out, binds, anon };
}

function endpoint(project: Project, s: ServiceConfig, name: string, cfg: ServiceNetwork | null, oneoff: boolean): EndpointSettings {
  const aliases = oneoff ? [] : [name, s.name, ...(cfg?.aliases ?? [])];
  const ep: EndpointSettings = { Aliases: [...new Set(aliases)] };
  if (cfg?.ipv4_address || cfg?.ipv6_address) ep.IPAMConfig = { IPv4Address: cfg.ipv4_address, IPv6Address: cfg.ipv6_address };
  void project;
  return ep;
}

function cpusToNano(c: string | number | undefined): number | undefined {
  if (c === undefined) return undefined;
  const n = typeof c === 'number' ? c : Number.parseFloat(c);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1e9) : undefined;
}

/** Builds the create body for one container of a service. Never throws. */
export function containerSpec(input: ContainerSpecInput): ContainerSpec {
  const { project, service: s, name } = input;
  const labels: Record<string, string> = {
    ...s.labels,
    [LABEL.project]: project.name,
    [LABEL.service]: s.name,
    [LABEL.number]: String(input.number),
    [LABEL.oneoff]: input.oneoff ? 'True' : 'False',
    [LABEL.configHash]: input.hash,
    [LABEL.configFiles]: project.configFiles.join(','),
    [LABEL.workingDir]: project.workingDir,
    [LABEL.dependsOn]: dependsOnLabel(s),
    [LABEL.version]: COMPOSE_VERSION,
  };
  if (input.imageId) labels[LABEL.image] = input.imageId;
  const env = Object.entries(s.environment).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
  const exposed: Record<string, object> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const p of s.ports) {
    const key = portKey(p.target, p.protocol);
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  for (const e of s.expose) {
    const [port, proto] = e.split('/');
    exposed[portKey(port!, proto ?? 'tcp')] = {};
  }
  const m = mounts(project, s);
  const hc = s.healthcheck;
  const healthcheck = hc ? (hc.disable ? { Test: ['NONE'] } : { Test: hc.test, Interval: hc.interval, Timeout: hc.timeout, Retries: hc.retries, StartPeriod: hc.start_period, StartInterval: hc.start_interval }) : undefined;
  const limits = s.deploy?.resources?.limits;
  const host: HostConfig = {
    Binds: m.binds.length ? m.binds : undefined,
    Mounts: m.mounts.length ? m.mounts : undefined,
    PortBindings: Object.keys(bindings).length ? bindings : undefined,
    RestartPolicy: restartPolicy(s),
    Init: s.init,
    Privileged: s.privileged,
    ReadonlyRootfs: s.read_only,
    CapAdd: s.cap_add,
    CapDrop: s.cap_drop,
    SecurityOpt: s.security_opt,
    Ulimits: s.ulimits ? Object.entries(s.ulimits).map(([n, u]) => ({ Name: n, Soft: u.soft, Hard: u.hard })) : undefined,
    Sysctls: s.sysctls,
    ShmSize: s.shm_size,
    Tmpfs: s.tmpfs?.length ? Object.fromEntries(s.tmpfs.map((t) => { const i = t.indexOf(':'); return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)]; })) : undefined,
    Dns: s.dns,
    DnsSearch: s.dns_search,
    DnsOptions: s.dns_opt,
    ExtraHosts: s.extra_hosts,
    LogConfig: s.logging?.driver || s.logging?.options ? { Type: s.logging.driver ?? '', Config: s.logging.options ?? {} } : undefined,
    PidMode: s.pid,
    IpcMode: s.ipc,
    GroupAdd: s.group_add,
    Devices: s.devices?.map((d) => {
      const [h, c, p] = d.split(':');
      return { PathOnHost: h!, PathInContainer: c ?? h!, CgroupPermissions: p ?? 'rwm' };
    }),
    Memory: limits?.memory ?? s.mem_limit,
    NanoCpus: cpusToNano(limits?.cpus) ?? cpusToNano(s.cpus),
    PidsLimit: limits?.pids,
    MemoryReservation: s.deploy?.resources?.reservations?.memory,
  };
  const from = (s.volumes_from ?? []).map((v) => {
    if (v.startsWith('container:')) return v.slice('container:'.length);
    const [svc, mode] = v.split(':');
    const c = input.containerOf?.(svc!) ?? svc!;
    return mode ? `${c}:${mode}` : c;
  });
  if (from.length) host.VolumesFrom = from;
  // links: "svc[:alias]" → "<first container of svc>:<alias>"; external_links name containers.
  const links = [
    ...(s.links ?? []).map((l) => {
      const [svc, alias] = l.split(':');
      const c = input.containerOf?.(svc!);
      return c ? `${c}:${alias ?? svc}` : undefined;
    }),
    ...(s.external_links ?? []).map((l) => {
      const [c, alias] = l.split(':');
      return `${c}:${alias ?? c}`;
    }),
  ].filter((l): l is string => !!l);
  if (links.length) host.Links = links;
  let extraNetworks: [string, EndpointSettings][] = [];
  let endpoints: Record<string, EndpointSettings> | undefined;
  if (s.network_mode) {
    if (s.network_mode.startsWith('service:')) {
      const other = s.network_mode.slice('service:'.length);
      host.NetworkMode = `container:${input.containerOf?.(other) ?? other}`;
    } else host.NetworkMode = s.network_mode;
  } else {
    const nets = orderedNetworks(s).map(([key, cfg]) => [project.networks[key]?.name ?? `${project.name}_${key}`, endpoint(project, s, name, cfg, input.oneoff ?? false)] as [string, EndpointSettings]);
    if (nets.length) {
      host.NetworkMode = nets[0]![0];
      endpoints = { [nets[0]![0]]: nets[0]![1] };
      extraNetworks = nets.slice(1);
    }
  }
  for (const k of Object.keys(host)) if (host[k] === undefined) delete host[k];
  const body: ContainerCreateRequest = {
    Image: serviceImage(project, s, input.compatibility),
    Cmd: s.command ?? undefined,
    Entrypoint: s.entrypoint ?? undefined,
    Env: env,
    Labels: labels,
    Hostname: s.hostname,
    Domainname: s.domainname,
    User: s.user,
    WorkingDir: s.working_dir,
    Tty: s.tty,
    OpenStdin: s.stdin_open,
    AttachStdout: !input.oneoff ? true : undefined,
    AttachStderr: !input.oneoff ? true : undefined,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Volumes: Object.keys(m.anon).length ? m.anon : undefined,
    Healthcheck: healthcheck,
    StopSignal: s.stop_signal,
    StopTimeout: s.stop_grace_period !== undefined ? Math.round(s.stop_grace_period / 1e9) : undefined,
    HostConfig: host,
    NetworkingConfig: endpoints ? { EndpointsConfig: endpoints } : undefined,
  };
  // `command: []` / `entrypoint: []` explicitly reset the image's values.
  if (s.command === null) body.Cmd = undefined;
  if (s.entrypoint === null) body.Entrypoint = undefined;
  for (const k of Object.keys(body) as (keyof ContainerCreateRequest)[]) if (body[k] === undefined) delete body[k];
  return { body, extraNetworks, platform: s.platform };
}
