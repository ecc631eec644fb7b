/**
 * Internal types of the container service: the durable container record, the service's
 * dependencies and options. Records keep Docker-shaped Config/HostConfig/State so that
 * inspect is a projection, not a translation.
 */
import type { ContainerConfig, ContainerState, EndpointSettings, HostConfig, Ulimit } from '../../api/types.js';
import type { ContainerRuntime } from '../runtime/index.js';
import type { ImageService } from '../images/index.js';
import type { Snapshotter } from '../snapshots/index.js';
import type { EventBus } from '../events/index.js';
import type { RecordStore } from '../metadata/index.js';
import type { Logger } from '../../lib/log.js';
import type { VolumeService } from '../volumes/index.js';
import type { NetworkService } from '../networks/index.js';
import type { MountRecord } from './mounts-parse.js';

/** Files of one container under `<root>/containers/<id>/`. */
export interface ContainerPaths {
  root: string;
  hostname: string;
  hosts: string;
  resolvConf: string;
  log: string;
  /** Snapshot of the create-time configuration (config.v2.json). */
  config?: string;
}

/** One container as stored (one JSON record per container). */
export interface ContainerRecord {
  id: string;
  /** With the leading "/". */
  name: string;
  /** RFC3339Nano creation time. */
  created: string;
  /** Process path and args (from Entrypoint + Cmd). */
  path: string;
  args: string[];
  /** Config as merged with the image config (Config in inspect). */
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** Endpoint settings given on create, keyed by network name. */
  endpoints: Record<string, EndpointSettings>;
  /** `sha256:…` id of the image. */
  imageId: string;
  /** Top layer chain id of the image (parent of the rw layer). */
  imageTopLayer: string | null;
  state: ContainerState;
  restartCount: number;
  /** OCI runtime name used (HostConfig.Runtime or the daemon default). */
  runtime: string;
  driver: string;
  paths: ContainerPaths;
  /** Set by stop/kill from a user, cleared by start (restart-policy hook). */
  manuallyStopped: boolean;
  /** True once the container has been started at least once. */
  hasBeenStarted: boolean;
  platform: string;
  /** Volumes, binds and tmpfs mounts (see mounts.ts); absent in records older than volumes. */
  mounts?: MountRecord[];
  /**
   * The NetworkMode's network was disconnected (`network disconnect`): as in Docker it is left
   * out of the container's networks until connected again.
   */
  modeDetached?: boolean;
  /** Network state of the current run: set at start, cleared when the process is gone. */
  net?: RunNetState;
}

/** What a running container's networking needs beside the network service's endpoints. */
export interface RunNetState {
  /** NetworkSettings.SandboxID: 64 hex, new for every start. */
  sandboxId: string;
  /** NetworkSettings.SandboxKey. */
  sandboxKey: string;
  /** Environment variables of the legacy links (exec processes get them too, as in Docker). */
  linkEnv?: string[];
}

/** What the service is built from. */
export interface ContainerServiceDeps {
  runtime: ContainerRuntime;
  images: ImageService;
  snapshots: Snapshotter;
  events: EventBus;
  log: Logger;
  /** Record store for containers; opened under `<root>/metadata/containers` when absent. */
  records?: RecordStore<ContainerRecord>;
  /** The volume service; without it, volume mounts are refused (NotImplemented). */
  volumes?: VolumeService;
  /**
   * The network service; without it, bridge and user network modes get a private network
   * namespace with loopback only (as before networking) and user networks are unknown.
   */
  networks?: NetworkService;
}

/** Daemon-wide settings the service needs. */
export interface ContainerServiceOptions {
  /** Data root (`--data-root`). */
  root: string;
  /** Exec root (`--exec-root`): bundles live under `<execRoot>/containers/<id>`. */
  execRoot: string;
  /** Unique per daemon instance; part of cgroup paths. */
  instanceId: string;
  /** Runtime name used when HostConfig.Runtime is empty (defaults to runtime.runtimes.default). */
  defaultRuntime?: string;
  defaultUlimits?: Ulimit[];
  /** Bytes; 64 MiB when unset. */
  defaultShmSize?: number;
  /** daemon.json `log-driver` (json-file when unset). */
  defaultLogDriver?: string;
  defaultLogOpts?: Record<string, string>;
  /** Host files copied for host networking and as resolv.conf base (tests override). */
  hostEtc?: { hosts?: string; resolvConf?: string };
  /** Number of CPUs for NanoCpus validation (tests override). */
  cpuCount?: number;
}

/** Docker's zero time as printed in inspect. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';
