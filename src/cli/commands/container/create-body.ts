/**
 * Turns parsed run/create flags into the POST /containers/create body, field by field as docker
 * 28 sends it (same keys, same order, same defaults), plus the query (name, platform) and the
 * client-side choices (pull policy, cidfile).
 */
import type { ContainerCreateRequest, HealthConfig, HostConfig } from '../../../api/types.js';
import type { ParsedOpts } from '../../spec.js';
import { CliError, UsageError } from '../../errors.js';
import { parseDurationNs } from '../../../lib/units.js';
import { list, str } from '../common.js';
import {
  expandEnvFlag, kvToMap, normalizeCap, parseBytesFlag, parseCpus, parseDevice, parseDeviceRate, parseGpus, parseKVFile, parseMount, parsePorts, parseRestart, parseUlimit, sorted,
} from './create-parsers.js';
import { networkConfig } from './create-network.js';
import { parseExpose } from './create-ports.js';
import { validDns, validDnsSearch, validExtraHosts, validLinks } from './create-dns.js';

/** What the builder needs besides the flags. */
export interface BodyInput {
  opts: ParsedOpts;
  image: string;
  cmd: string[];
  /** Environment lookup for bare `-e KEY` and file entries. */
  lookupEnv: (k: string) => string | undefined;
  /** Reads a local file (env-file, label-file, seccomp profile). Throws with the OS message. */
  readFile: (path: string) => string;
  /** True for `run -d`. */
  detach: boolean;
  /** Terminal size [rows, cols] for -t, when known. */
  consoleSize?: [number, number];
}

/** The create request plus the client-side options. */
export interface CreatePlan {
  body: ContainerCreateRequest;
  name?: string;
  platform?: string;
  pull: 'missing' | 'never' | 'always';
  cidfile?: string;
  quiet: boolean;
}

function intOpt(o: ParsedOpts, long: string, title: string): number | undefined {
  const v = str(o[long]);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`invalid argument "${v}" for "${title}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return n;
}

function durOpt(o: ParsedOpts, long: string): number | undefined {
  const v = str(o[long]);
  if (v === undefined) return undefined;
  try {
    return parseDurationNs(v);
  } catch (e) {
    throw new UsageError(`invalid argument "${v}" for "--${long}" flag: ${(e as Error).message}`);
  }
}

function healthcheck(o: ParsedOpts): HealthConfig | undefined {
  const cmd = str(o['health-cmd']);
  const h: HealthConfig = {};
  if (o['no-healthcheck'] === true) {
    if (cmd !== undefined || o['health-interval'] || o['health-timeout'] || o['health-retries']) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (cmd !== undefined) h.Test = cmd === '' ? [] : ['CMD-SHELL', cmd];
  const interval = durOpt(o, 'health-interval');
  const timeout = durOpt(o, 'health-timeout');
  const start = durOpt(o, 'health-start-period');
  const startInt = durOpt(o, 'health-start-interval');
  const retries = intOpt(o, 'health-retries', '--health-retries');
  if (interval) h.Interval = interval;
  if (timeout) h.Timeout = timeout;
  if (start) h.StartPeriod = start;
  if (startInt) h.StartInterval = startInt;
  if (retries) h.Retries = retries;
  return Object.keys(h).length ? h : undefined;
}

function securityOpts(o: ParsedOpts, readFile: (p: string) => string): string[] | null {
  const out = list(o['security-opt']).map((s) => {
    const m = /^seccomp[=:](.*)$/.exec(s);
    if (!m || m[1] === 'unconfined' || m[1] === 'builtin') return s;
    let text: string;
    try {
      text = readFile(m[1]!);
    } catch (e) {
      throw new UsageError(`opening seccomp profile (${m[1]}) failed: ${(e as Error).message}`);
    }
    try {
      return `seccomp=${JSON.stringify(JSON.parse(text))}`;
    } catch (e) {
      throw new UsageError(`compacting json for seccomp profile (${m[1]}) failed: ${(e as Error).message}`);
    }
  });
  return out.length ? out : null;
}

function attachFlags(o: ParsedOpts, detach: boolean): { stdin: boolean; stdout: boolean; stderr: boolean } {
  const a = list(o.attach).map((x) => x.toLowerCase());
  for (const x of a) if (!['stdin', 'stdout', 'stderr'].includes(x)) throw new UsageError(`invalid argument "${x}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  if (detach) {
    if (a.length) throw new UsageError('Conflicting options: -a and -d');
    return { stdin: false, stdout: false, stderr: false };
  }
  const interactive = o.interactive === true;
  if (a.length) return { stdin: a.includes('stdin') || interactive, stdout: a.includes('stdout'), stderr: a.includes('stderr') };
  return { stdin: interactive, stdout: true, stderr: true };
}

/** Flags docker accepts only against a Windows daemon. */
const WINDOWS_ONLY = ['cpu-count', 'cpu-percent', 'io-maxbandwidth', 'io-maxiops'];

/**
 * Builds the create request. Throws UsageError for bad flag values (docker's texts), CliError
 * (exit 1) for Windows-only flags.
 */
export function buildCreatePlan(inp: BodyInput): CreatePlan {
  const { opts: o, lookupEnv, readFile } = inp;
  // Flag-value checks docker's option parser makes before anything else.
  const names = {
    dns: validDns(list(o.dns)), dnsSearch: validDnsSearch(list(o['dns-search'])),
    extraHosts: validExtraHosts(list(o['add-host'])), links: validLinks(list(o.link)),
  };
  const windowsOnly = WINDOWS_ONLY.filter((f) => o[f] !== undefined);
  if (windowsOnly.length) {
    throw new CliError(windowsOnly.map((f) => `"--${f}" is only supported on a Docker daemon running on windows, but the Docker daemon is running on linux`).join('\n'), 1);
  }
  const readOrFail = (p: string) => {
    try {
      return readFile(p);
    } catch (e) {
      throw new UsageError(`open ${p}: ${(e as Error).message.replace(/^.*?: /, '').replace(/, open '.*'$/, '')}`);
    }
  };
  const env = [...list(o['env-file']).flatMap((f) => parseKVFile(readOrFail(f), lookupEnv, f)), ...list(o.env).map((e) => expandEnvFlag(e, lookupEnv))];
  const labels = sorted({ ...kvToMap(list(o['label-file']).flatMap((f) => parseKVFile(readOrFail(f), lookupEnv, f))), ...kvToMap(list(o.label)) });
  const { exposed, bindings } = parsePorts(list(o.publish));
  for (const e of parseExpose(list(o.expose))) exposed[e] = {};
  const att = attachFlags(o, inp.detach);
  const tty = o.tty === true;
  const interactive = o.interactive === true;
  const entrypoint = str(o.entrypoint);
  const net = networkConfig(o);
  const pull = (str(o.pull) ?? 'missing') as CreatePlan['pull'];
  if (!['missing', 'never', 'always'].includes(pull)) throw new UsageError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
  const restart = parseRestart(str(o.restart));
  if (o.rm === true && restart.Name !== 'no' && restart.Name !== '') throw new UsageError('Conflicting options: --restart and --rm');
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const v of list(o.volume)) {
    const parts = v.split(':');
    if (parts.length === 1) volumes[v] = {};
    else binds.push(v);
  }
  const tmpfs: Record<string, string> = {};
  for (const t of list(o.tmpfs)) {
    const i = t.indexOf(':');
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? '' : t.slice(i + 1);
  }
  const logOpts = sorted(kvToMap(list(o['log-opt'])));
  const mounts = list(o.mount).map(parseMount);
  const hc = healthcheck(o);
  const memory = str(o.memory) !== undefined ? parseBytesFlag('-m, --memory', str(o.memory)!) : 0;
  const swap = str(o['memory-swap']) !== undefined ? parseBytesFlag('--memory-swap', str(o['memory-swap'])!, true) : 0;
  const reservation = str(o['memory-reservation']) !== undefined ? parseBytesFlag('--memory-reservation', str(o['memory-reservation'])!) : 0;
  const shm = str(o['shm-size']) !== undefined ? parseBytesFlag('--shm-size', str(o['shm-size'])!) : 0;
  const stopTimeout = intOpt(o, 'stop-timeout', '--stop-timeout');
  const sysctls = list(o.sysctl);
  const storageOpt = list(o['storage-opt']);
  const caps = (l: string[]) => (l.length ? l.map(normalizeCap) : null);
  const consoleSize: [number, number] = tty && inp.consoleSize ? inp.consoleSize : [0, 0];

  const hostConfig: HostConfig & Record<string, unknown> = {
    Binds: binds.length ? binds : null,
    ContainerIDFile: str(o.cidfile) ?? '',
    LogConfig: { Type: str(o['log-driver']) ?? '', Config: logOpts },
    NetworkMode: net.mode,
    PortBindings: bindings,
    RestartPolicy: restart,
    AutoRemove: o.rm === true,
    VolumeDriver: str(o['volume-driver']) ?? '',
    VolumesFrom: list(o['volumes-from']).length ? list(o['volumes-from']) : null,
    ConsoleSize: consoleSize,
    CapAdd: caps(list(o['cap-add'])),
    CapDrop: caps(list(o['cap-drop'])),
    CgroupnsMode: str(o.cgroupns) ?? '',
    Dns: names.dns,
    DnsOptions: [...list(o['dns-option']), ...list(o['dns-opt'])],
    DnsSearch: names.dnsSearch,
    ExtraHosts: names.extraHosts.length ? names.extraHosts : null,
    GroupAdd: list(o['group-add']).length ? list(o['group-add']) : null,
    IpcMode: str(o.ipc) ?? '',
    Cgroup: '',
    Links: names.links.length ? names.links : null,
    OomScoreAdj: intOpt(o, 'oom-score-adj', '--oom-score-adj') ?? 0,
    PidMode: str(o.pid) ?? '',
    Privileged: o.privileged === true,
    PublishAllPorts: o['publish-all'] === true,
    ReadonlyRootfs: o['read-only'] === true,
    SecurityOpt: securityOpts(o, readFile),
  };
  if (storageOpt.length) hostConfig.StorageOpt = kvToMap(storageOpt);
  if (Object.keys(tmpfs).length) hostConfig.Tmpfs = tmpfs;
  Object.assign(hostConfig, { UTSMode: str(o.uts) ?? '', UsernsMode: str(o.userns) ?? '', ShmSize: shm });
  if (sysctls.length) hostConfig.Sysctls = sorted(kvToMap(sysctls));
  if (str(o.runtime)) hostConfig.Runtime = str(o.runtime);
  Object.assign(hostConfig, {
    Isolation: str(o.isolation) ?? '',
    CpuShares: intOpt(o, 'cpu-shares', '-c, --cpu-shares') ?? 0,
    Memory: memory,
    NanoCpus: str(o.cpus) !== undefined ? parseCpus(str(o.cpus)!) : 0,
    CgroupParent: str(o['cgroup-parent']) ?? '',
    BlkioWeight: intOpt(o, 'blkio-weight', '--blkio-weight') ?? 0,
    BlkioWeightDevice: list(o['blkio-weight-device']).map((v) => parseDeviceRate(v, '--blkio-weight-device', 'Weight')),
    BlkioDeviceReadBps: list(o['device-read-bps']).map((v) => parseDeviceRate(v, '--device-read-bps', 'Rate', true)),
    BlkioDeviceWriteBps: list(o['device-write-bps']).map((v) => parseDeviceRate(v, '--device-write-bps', 'Rate', true)),
    BlkioDeviceReadIOps: list(o['device-read-iops']).map((v) => parseDeviceRate(v, '--device-read-iops', 'Rate')),
    BlkioDeviceWriteIOps: list(o['device-write-iops']).map((v) => parseDeviceRate(v, '--device-write-iops', 'Rate')),
    CpuPeriod: intOpt(o, 'cpu-period', '--cpu-period') ?? 0,
    CpuQuota: intOpt(o, 'cpu-quota', '--cpu-quota') ?? 0,
    CpuRealtimePeriod: intOpt(o, 'cpu-rt-period', '--cpu-rt-period') ?? 0,
    CpuRealtimeRuntime: intOpt(o, 'cpu-rt-runtime', '--cpu-rt-runtime') ?? 0,
    CpusetCpus: str(o['cpuset-cpus']) ?? '',
    CpusetMems: str(o['cpuset-mems']) ?? '',
    Devices: list(o.device).map(parseDevice),
    DeviceCgroupRules: list(o['device-cgroup-rule']).length ? list(o['device-cgroup-rule']) : null,
    DeviceRequests: str(o.gpus) !== undefined ? [parseGpus(str(o.gpus)!)] : null,
    MemoryReservation: reservation,
    MemorySwap: swap,
    MemorySwappiness: intOpt(o, 'memory-swappiness', '--memory-swappiness') ?? -1,
    OomKillDisable: o['oom-kill-disable'] === true,
    PidsLimit: intOpt(o, 'pids-limit', '--pids-limit') ?? 0,
    Ulimits: list(o.ulimit).map(parseUlimit),
    CpuCount: intOpt(o, 'cpu-count', '--cpu-count') ?? 0,
    CpuPercent: intOpt(o, 'cpu-percent', '--cpu-percent') ?? 0,
    IOMaximumIOps: intOpt(o, 'io-maxiops', '--io-maxiops') ?? 0,
    IOMaximumBandwidth: str(o['io-maxbandwidth']) !== undefined ? parseBytesFlag('--io-maxbandwidth', str(o['io-maxbandwidth'])!) : 0,
  });
  const annotations = list(o.annotation);
  if (annotations.length) (hostConfig as Record<string, unknown>).Annotations = kvToMap(annotations);
  if (mounts.length) hostConfig.Mounts = mounts;
  Object.assign(hostConfig, { MaskedPaths: null, ReadonlyPaths: null });
  if (o.init === true) hostConfig.Init = true;

  const body: ContainerCreateRequest & Record<string, unknown> = {
    Hostname: str(o.hostname) ?? '',
    Domainname: str(o.domainname) ?? '',
    User: str(o.user) ?? '',
    AttachStdin: att.stdin,
    AttachStdout: att.stdout,
    AttachStderr: att.stderr,
  };
  if (Object.keys(exposed).length) body.ExposedPorts = sorted(exposed);
  Object.assign(body, {
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive && att.stdin,
    Env: env.length ? env : null,
    Cmd: inp.cmd.length ? inp.cmd : null,
  });
  if (hc) body.Healthcheck = hc;
  Object.assign(body, {
    Image: inp.image,
    Volumes: volumes,
    WorkingDir: str(o.workdir) ?? '',
    Entrypoint: entrypoint === undefined ? null : [entrypoint],
    OnBuild: null,
    Labels: labels,
  });
  if (str(o['stop-signal'])) body.StopSignal = str(o['stop-signal']);
  if (stopTimeout !== undefined) body.StopTimeout = stopTimeout;
  body.HostConfig = hostConfig;
  // API 1.44+: the MAC address travels in the first network's endpoint (no Config.MacAddress).
  body.NetworkingConfig = { EndpointsConfig: net.endpoints };
  return { body, name: str(o.name), platform: str(o.platform), pull, cidfile: str(o.cidfile), quiet: o.quiet === true };
}
