/**
 * The system service (see index.ts): version, info and disk usage, assembled from the other
 * services' public contracts and the host facts.
 */
import type { ContainerService } from '../containers/index.js';
import type { ImageService } from '../images/index.js';
import type { SystemService } from './index.js';
import type { HostFacts } from './host-facts.js';
import type { VolumeService } from '../volumes/index.js';

export interface SystemServiceDeps {
  containers: ContainerService;
  images: ImageService;
  /** For df's Volumes (sizes and reference counts); none when absent. */
  volumes?: VolumeService;
  host: HostFacts;
  /** Storage driver name ("overlay2" / "vfs"). */
  driver: string;
  runtimes: { names: string[]; default: string };
  initPath: string | undefined;
}

export interface SystemServiceOptions {
  version: string;
  gitCommit: string;
  buildTime: string;
  dataRoot: string;
  daemonId: string;
  liveRestore: boolean;
  loggingDriver: string;
  registryMirrors: string[];
  insecureRegistries: string[];
  componentVersions: { name: string; version: string }[];
}

const API_VERSION = '1.44';
const MIN_API_VERSION = '1.24';

/** Creates the system service. Never throws at creation. */
export function createSystemService(deps: SystemServiceDeps, opts: SystemServiceOptions): SystemService {
  const goArch = deps.host.architecture === 'x86_64' ? 'amd64' : deps.host.architecture;
  const details = {
    ApiVersion: API_VERSION,
    Arch: goArch,
    BuildTime: opts.buildTime,
    Experimental: 'false',
    GitCommit: opts.gitCommit,
    GoVersion: `node${process.versions.node}`,
    KernelVersion: deps.host.kernelVersion,
    MinAPIVersion: MIN_API_VERSION,
    Os: 'linux',
  };

  function version(): Record<string, unknown> {
    return {
      Platform: { Name: 'Pier Engine' },
      Components: [
        { Name: 'Engine', Version: opts.version, Details: details },
        ...opts.componentVersions.map((c) => ({ Name: c.name, Version: c.version, Details: { GitCommit: '' } })),
      ],
      Version: opts.version,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: opts.gitCommit,
      GoVersion: details.GoVersion,
      Os: 'linux',
      Arch: goArch,
      KernelVersion: deps.host.kernelVersion,
      BuildTime: opts.buildTime,
    };
  }

  async function info(): Promise<Record<string, unknown>> {
    const counts = deps.containers.counts();
    const images = await deps.images.list({ all: false });
    const runtimes: Record<string, { path: string }> = {};
    for (const n of deps.runtimes.names) runtimes[n] = { path: n };
    const h = deps.host;
    return {
      ID: opts.daemonId,
      Containers: counts.total,
      ContainersRunning: counts.running,
      ContainersPaused: counts.paused,
      ContainersStopped: counts.stopped,
      Images: images.length,
      Driver: deps.driver,
      DriverStatus: deps.driver === 'overlay2' ? [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']] : [],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'macvlan', 'null'], Authorization: null, Log: ['json-file', 'local', 'none'] },
      MemoryLimit: true,
      SwapLimit: true,
      KernelMemoryTCP: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      BridgeNfIptables: false,
      BridgeNfIp6tables: false,
      Debug: false,
      NFd: 0,
      OomKillDisable: h.cgroupVersion === '1',
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: opts.loggingDriver,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: h.cgroupVersion,
      NEventsListener: 0,
      KernelVersion: h.kernelVersion,
      OperatingSystem: h.operatingSystem,
      OSVersion: h.osVersion,
      OSType: 'linux',
      Architecture: h.architecture,
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: {
        AllowNondistributableArtifactsCIDRs: null,
        AllowNondistributableArtifactsHostnames: null,
        InsecureRegistryCIDRs: ['127.0.0.0/8'],
        IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: opts.registryMirrors, Secure: true, Official: true } },
        Mirrors: opts.registryMirrors,
      },
      NCPU: h.ncpu,
      MemTotal: h.memTotal,
      GenericResources: null,
      DockerRootDir: opts.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
      NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
      Name: h.hostname,
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: opts.version,
      Runtimes: runtimes,
      DefaultRuntime: deps.runtimes.default,
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: opts.liveRestore,
      Isolation: '',
      InitBinary: deps.initPath ? 'docker-init' : '',
      ContainerdCommit: { ID: '', Expected: '' },
      RuncCommit: { ID: '', Expected: '' },
      InitCommit: { ID: '', Expected: '' },
      SecurityOptions: ['name=seccomp,profile=builtin', ...(h.cgroupVersion === '2' ? ['name=cgroupns'] : [])],
      Warnings: [],
    };
  }

  async function df(): Promise<Record<string, unknown>> {
    const usage = await deps.images.usage();
    const containers = await deps.containers.list({ all: true, size: true });
    return {
      LayersSize: usage.layersSize,
      Images: usage.images,
      Containers: containers,
      Volumes: deps.volumes ? await deps.volumes.usage() : [],
      BuildCache: [],
    };
  }

  return { version, info, df };
}
