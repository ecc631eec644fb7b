/**
 * Contract of the container service: the container state machine and everything a container
 * does for its lifetime — create, start, stop, kill, restart, pause, rename, remove, wait,
 * attach, logs, list, inspect, prune, and commit/export support. It decides legality
 * (Docker's messages and kinds: 404 "No such container: x", 409 name in use / removal of a
 * running container / kill of a stopped one, 304 start of a running one), writes records
 * atomically, and re-adopts containers after a daemon restart.
 *
 * Names: stored and returned with a leading "/" in inspect (`Name: "/web"`), without it in the
 * user's input. Lookup of a user string: full id, then exact name, then unique id prefix
 * (ambiguous prefix → InvalidArgument "multiple IDs found with provided prefix: x").
 */
import type { Readable, Writable } from 'node:stream';
import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPathStat,
  ContainerSummary,
  EndpointSettings,
  Filters,
  HostConfig,
} from '../../api/types.js';
import type { ExecAttachment, ExecConfig, ExecInspect, ExecStartOptions } from './exec-types.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface WaitResult {
  StatusCode: number;
  Error?: { Message: string } | null;
}

/** An attach session as the HTTP layer needs it (framing is the HTTP layer's job). */
export interface ContainerAttachment {
  /** Whether the container has a TTY (raw stream) or not (stdcopy framing). */
  tty: boolean;
  /** Present when stdin was requested and the container has OpenStdin. */
  stdin?: Writable;
  /** Output chunks; stream 1 stdout, 2 stderr. Ends when the container exits or detaches. */
  output: AsyncIterable<{ stream: 1 | 2; data: Buffer }>;
  /** Detaches this client. */
  close(): void;
}

/** Options of a log read (`GET /containers/{id}/logs`, also what `readLogs` takes). */
export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Unix seconds (fractional) — only entries at or after. */
  since?: number;
  until?: number;
  timestamps: boolean;
  /** Number of last lines, or undefined for all. */
  tail?: number;
  /** `--details`: the log-opt attributes (labels/env) of the container. */
  details?: boolean;
  signal: AbortSignal;
}

export type { ContainerPathStat } from '../../api/types.js';

export interface ContainerService {
  create(name: string | undefined, req: ContainerCreateRequest, opts?: { platform?: string }): Promise<ContainerCreateResponse>;
  /** Throws NotModified when already running. */
  start(ref: string): Promise<void>;
  /** Sends the stop signal, waits `timeout` seconds (default from config or 10), then SIGKILL. NotModified when not running. */
  stop(ref: string, opts: { timeout?: number; signal?: string }): Promise<void>;
  restart(ref: string, opts: { timeout?: number; signal?: string }): Promise<void>;
  /** Conflict "Container x is not running" when not running. */
  kill(ref: string, signal?: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  rename(ref: string, newName: string): Promise<void>;
  /** Conflict for a running container unless `force`; `volumes` removes anonymous volumes. */
  remove(ref: string, opts: { force?: boolean; volumes?: boolean; link?: boolean }): Promise<void>;
  /**
   * Registers a waiter. The outer promise resolves as soon as the waiter is in place (or rejects
   * with NotFound) — HTTP flushes the 200 headers then, before the container exits, as
   * `docker run` requires; `result` resolves when the condition is met.
   */
  wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<{ result: Promise<WaitResult> }>;
  attach(ref: string, opts: { stdin: boolean; stdout: boolean; stderr: boolean; logs: boolean; stream: boolean; detachKeys?: string }): Promise<ContainerAttachment>;
  resize(ref: string, height: number, width: number): Promise<void>;
  logs(ref: string, opts: LogsOptions): Promise<{ tty: boolean; entries: AsyncIterable<{ stream: 1 | 2; data: Buffer }> }>;
  inspect(ref: string, opts?: { size?: boolean }): Promise<ContainerInspect>;
  list(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Filters }): Promise<ContainerSummary[]>;
  prune(opts: { filters?: Filters }): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>;
  /** GET /containers/{id}/export: the merged filesystem as a tar. */
  export(ref: string): Promise<Readable>;
  /** POST /commit. Returns the new image id. */
  commit(ref: string, opts: { repo?: string; tag?: string; comment?: string; author?: string; changes?: string[]; pause?: boolean; config?: ContainerCreateRequest }): Promise<string>;
  /** GET /containers/{id}/top: the container's processes (host `ps` filtered by its cgroup). */
  top?(ref: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }>;
  /** GET /containers/{id}/changes (docker diff): Kind 0 modified, 1 added, 2 deleted. */
  changes?(ref: string): Promise<{ Path: string; Kind: 0 | 1 | 2 }[]>;
  /**
   * GET /containers/{id}/stats: Docker's StatsJSON samples — one for `stream: false` (two
   * samples a second apart, unless `oneShot`), one per second while streaming until `signal`
   * aborts. Throws NotFound before anything is produced.
   */
  stats?(ref: string, opts: { stream: boolean; oneShot: boolean; signal: AbortSignal }): Promise<AsyncIterable<Record<string, unknown>>>;
  /** HEAD /containers/{id}/archive: stat of a path (NotFound `Could not find the file /x in container y`). */
  archiveStat?(ref: string, path: string): Promise<ContainerPathStat>;
  /** GET /containers/{id}/archive: the path's stat and a tar of it (paths resolved inside the rootfs). */
  archiveGet?(ref: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }>;
  /** PUT /containers/{id}/archive: extracts a tar into the directory `path`, never outside the rootfs. */
  archivePut?(ref: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void>;
  /**
   * POST /containers/{id}/exec: registers an exec instance. Throws InvalidArgument `No exec
   * command specified`, NotFound, Conflict `Container x is not running` / `… is paused, unpause
   * the container before exec`.
   */
  execCreate(ref: string, config: ExecConfig): Promise<{ Id: string }>;
  /**
   * POST /exec/{id}/start: detached → undefined once the process runs (start errors thrown);
   * attached → the session, whose output ends after exec inspect shows the exit (start errors
   * come in-band). Throws NotFound `No such exec instance: x`, Conflict.
   */
  execStart(execId: string, opts: ExecStartOptions): Promise<ExecAttachment | undefined>;
  /** GET /exec/{id}/json. Throws NotFound `No such exec instance: x`. */
  execInspect(execId: string): Promise<ExecInspect>;
  /** POST /exec/{id}/resize. Throws NotFound, Conflict (container not running). */
  execResize(execId: string, height: number, width: number): Promise<void>;
  /**
   * POST /containers/{id}/update: resources (Memory, MemorySwap, MemoryReservation, NanoCpus,
   * CpuShares, CpuQuota, CpuPeriod, CpusetCpus, CpusetMems, PidsLimit, BlkioWeight) applied
   * live, and RestartPolicy. Errors read "Cannot update container <id>: …" as in Docker.
   */
  update?(ref: string, hostConfig: HostConfig): Promise<{ Warnings: string[] }>;
  /**
   * POST /networks/{id}/connect: a stopped container gets the endpoint settings recorded (used
   * at its next start), a running one is connected live. Throws NotFound (container, network),
   * InvalidArgument (Docker's conflicts: host/none/`container:` modes, addresses or aliases
   * on a predefined network), PermissionDenied (already connected), the network service's errors.
   */
  connectNetwork?(ref: string, network: string, config: EndpointSettings): Promise<void>;
  /**
   * POST /networks/{id}/disconnect. Throws NotFound, InvalidArgument (host network), Internal
   * (`container X is not connected to the network Y`).
   */
  disconnectNetwork?(ref: string, network: string, force: boolean): Promise<void>;
  /** Containers that use an image (for rmi). */
  usingImage(imageId: string): { id: string; running: boolean }[];
  /** Ids of the containers whose mounts reference volume `name` (for volume in-use checks). */
  usingVolume?(name: string): string[];
  /** Count and sizes for `system df` and `info`. */
  counts(): { total: number; running: number; paused: number; stopped: number };
  /** Re-adopt running containers and record missed exits (daemon start). */
  restore(): Promise<void>;
  /** Called on daemon shutdown: stops watchers (containers keep running). */
  close(): Promise<void>;
}

export { createContainerService } from './service.js';
/** True for the empty /etc/hosts, /etc/hostname, /etc/resolv.conf files the runtime creates as mount points (kept out of diffs and commits). */
export { isEtcMountpoint } from './diff-filter.js';
export type { ExecAttachment, ExecConfig, ExecInspect, ExecStartOptions } from './exec-types.js';
