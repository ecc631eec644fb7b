/**
 * `POST /containers/create`: name, image resolution, config merge, HostConfig validation and
 * defaults, the rw layer, the container directory with its etc files, the record, `create`.
 */
import { resolveLogConfig } from './logs-config.js';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContainerConfig, ContainerCreateRequest, ContainerCreateResponse, HostConfig } from '../../api/types.js';
import { invalidArgument, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Ctx } from './context.js';
import type { ContainerPaths, ContainerRecord } from './types.js';
import { ZERO_TIME } from './types.js';
import { normalizeName, randomName } from './names.js';
import { commandOf, mergeConfig } from './merge.js';
import { validateHostConfig } from './validate.js';
import { validateHealthConfig } from './health-rules.js';
import { etcFilesFor, writeNewEtcFiles } from './etc-files.js';
import { nameConflict } from './remove.js';
import { nowNano } from './time.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './spec/index.js';
import { discardMounts, planMounts, resolveMounts, type MountRecord } from './mounts.js';
import { resolveNetworking } from './network-mode.js';
import { withoutDefaultKey } from './network-attach.js';

/** Splits the request into its Config part (everything but HostConfig/NetworkingConfig). */
export function configPart(req: ContainerCreateRequest): ContainerConfig {
  const { HostConfig: _h, NetworkingConfig: _n, ...config } = req;
  return config;
}

/** HostConfig with Docker's defaults filled in (the network mode is checked by network-mode.ts). Never throws. */
export function withHostDefaults(hc: HostConfig, ctx: Ctx): HostConfig {
  const out: HostConfig = { ...hc };
  out.NetworkMode = out.NetworkMode || 'default';
  out.LogConfig = resolveLogConfig(out.LogConfig, ctx.opts.defaultLogDriver, ctx.opts.defaultLogOpts);
  out.RestartPolicy = { Name: out.RestartPolicy?.Name || 'no', MaximumRetryCount: out.RestartPolicy?.MaximumRetryCount ?? 0 };
  out.Runtime = out.Runtime || ctx.opts.defaultRuntime || ctx.deps.runtime.runtimes.default;
  out.ShmSize = out.ShmSize || ctx.opts.defaultShmSize || 64 * 1024 * 1024;
  out.ConsoleSize = out.ConsoleSize ?? [0, 0];
  out.CgroupnsMode = out.CgroupnsMode || ctx.cgroupns;
  out.IpcMode = out.IpcMode || 'private';
  out.Isolation = out.Isolation ?? '';
  out.PortBindings = out.PortBindings ?? {};
  out.Binds = out.Binds ?? null;
  out.AutoRemove = !!out.AutoRemove;
  out.Privileged = !!out.Privileged;
  out.ReadonlyRootfs = !!out.ReadonlyRootfs;
  if (!out.Privileged) {
    out.MaskedPaths = out.MaskedPaths ?? [...DEFAULT_MASKED_PATHS];
    out.ReadonlyPaths = out.ReadonlyPaths ?? [...DEFAULT_READONLY_PATHS];
  }
  for (const k of ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'BlkioWeight', 'OomScoreAdj'] as const) {
    out[k] = out[k] ?? 0;
  }
  // Docker (adaptContainerSettings) records twice the memory limit when no swap limit is given.
  if (out.Memory! > 0 && out.MemorySwap === 0) out.MemorySwap = out.Memory! * 2;
  return out;
}

/** Creates a container. Throws InvalidArgument, NotFound (image), Conflict (name in use). */
export async function create(
  ctx: Ctx,
  name: string | undefined,
  req: ContainerCreateRequest,
  opts: { platform?: string } = {},
): Promise<ContainerCreateResponse> {
  const t0 = performance.now();
  if (!req.Image) throw invalidArgument('Config cannot be empty in order to create a container');
  const storedName = name ? normalizeName(name) : '/' + randomName((n) => ctx.byName.has('/' + n));
  const holder = ctx.byName.get(storedName);
  if (holder) throw nameConflict(storedName, holder);
  const hostConfig = withHostDefaults(req.HostConfig ?? {}, ctx);
  validateHostConfig(hostConfig, { runtimes: ctx.deps.runtime.runtimes.names, cpus: ctx.cpus });
  validateHealthConfig(req.Healthcheck);
  const net = resolveNetworking(ctx, hostConfig, configPart(req), req.NetworkingConfig?.EndpointsConfig, storedName);
  hostConfig.NetworkMode = net.networkMode;
  if (net.links) hostConfig.Links = net.links;

  const id = newId();
  ctx.byName.set(storedName, id); // reserve while the image resolves
  let rwCreated = false;
  let dirCreated = false;
  let mounts: MountRecord[] = [];
  const paths = pathsOf(ctx, id);
  try {
    const image = await ctx.deps.images.resolve(req.Image);
    checkPlatform(req.Image, image.config, opts.platform);
    const config = mergeConfig(configPart(req), image.config.config);
    config.Image = req.Image;
    if (!config.Hostname) config.Hostname = hostConfig.NetworkMode === 'host' ? os.hostname() : id.slice(0, 12);
    else if (config.Hostname.includes('.') && !config.Domainname) {
      const dot = config.Hostname.indexOf('.');
      config.Domainname = config.Hostname.slice(dot + 1);
      config.Hostname = config.Hostname.slice(0, dot);
    }
    config.Domainname = config.Domainname ?? '';
    config.AttachStdin = !!config.AttachStdin;
    config.AttachStdout = !!config.AttachStdout;
    config.AttachStderr = !!config.AttachStderr;
    config.Tty = !!config.Tty;
    config.OpenStdin = !!config.OpenStdin;
    config.StdinOnce = !!config.StdinOnce;
    config.Labels = config.Labels ?? {};
    config.User = config.User ?? '';
    config.WorkingDir = config.WorkingDir ?? '';
    config.Cmd = config.Cmd ?? null;
    config.Entrypoint = config.Entrypoint ?? null;
    config.Volumes = config.Volumes ?? null;
    config.OnBuild = config.OnBuild ?? null;
    const cmd = commandOf(config);
    mounts = await resolveMounts(ctx, id, await planMounts(ctx, hostConfig, config));
    const holderNow = ctx.byName.get(storedName);
    if (holderNow !== id) throw nameConflict(storedName, holderNow ?? '');

    // The container directory first (daemon start removes a directory without a record, and
    // the rw layer of the same id with it: restore.ts), then the rw layer beside the directory's
    // files; the record, written last, is what makes the container exist. config.v2.json is a
    // snapshot for people (nothing reads it back), so it is not synced: the record is.
    const snapshot = { Id: id, Name: storedName, Image: image.id, Config: config, HostConfig: hostConfig, NetworkingConfig: req.NetworkingConfig ?? null };
    const etc = { hostname: config.Hostname, domainname: config.Domainname, hostConfig, hostEtc: ctx.opts.hostEtc, hostGatewayIp: ctx.deps.networks?.defaults.gateway || undefined };
    const t1 = performance.now();
    const etcFiles = etcFilesFor(etc);
    await mkdir(paths.root, { recursive: true, mode: 0o710 });
    dirCreated = true;
    const layer = async () => {
      // An AutoRemove container's layer need not survive a host crash (daemon start removes the
      // container then): it is mounted volatile, no syncs of the data root at its exit.
      await ctx.deps.snapshots.createRw(id, image.topLayer, { volatile: hostConfig.AutoRemove });
      rwCreated = true;
    };
    // A new directory nobody reads yet: plain writes (see writeNewEtcFiles).
    const files = async () => {
      await Promise.all([writeNewEtcFiles(paths, await etcFiles), writeFile(paths.config!, JSON.stringify(snapshot), { mode: 0o644 })]);
    };
    const failed = (await Promise.allSettled([layer(), files()])).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const t2 = performance.now();

    const rec: ContainerRecord = {
      id,
      name: storedName,
      created: nowNano(),
      path: cmd.path,
      args: cmd.args,
      config,
      hostConfig,
      endpoints: withoutDefaultKey(req.NetworkingConfig?.EndpointsConfig),
      imageId: image.id,
      imageTopLayer: image.topLayer,
      state: {
        Status: 'created',
        Running: false,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: 0,
        ExitCode: 0,
        Error: '',
        StartedAt: ZERO_TIME,
        FinishedAt: ZERO_TIME,
      },
      restartCount: 0,
      runtime: hostConfig.Runtime!,
      driver: ctx.deps.snapshots.driver,
      paths,
      manuallyStopped: false,
      hasBeenStarted: false,
      platform: image.config.os || 'linux',
      mounts,
    };
    await ctx.persist(rec);
    ctx.byId.set(id, rec);
    ctx.deps.volumes?.settle(id);
    ctx.emit(rec, 'create');
    const ms = (a: number, b: number) => Math.round((b - a) * 10) / 10;
    ctx.log.debug('container created', { id, resolveMs: ms(t0, t1), filesMs: ms(t1, t2), recordMs: ms(t2, performance.now()) });
    return { Id: id, Warnings: net.warnings };
  } catch (e) {
    if (ctx.byName.get(storedName) === id) ctx.byName.delete(storedName);
    if (rwCreated) await ctx.deps.snapshots.removeRw(id).catch(() => {});
    if (dirCreated) await rm(paths.root, { recursive: true, force: true }).catch(() => {});
    await discardMounts(ctx, id, mounts);
    throw e;
  }
}

/**
 * Refuses an image whose os/architecture differ from the requested `platform` (`os/arch[/variant]`).
 * Throws NotFound with Docker's wording.
 */
export function checkPlatform(ref: string, img: { os: string; architecture: string; variant?: string }, platform?: string): void {
  if (!platform) return;
  const [os_, arch, variant] = platform.toLowerCase().split('/');
  const archOf = (a: string | undefined) => (a === 'x86_64' ? 'amd64' : a === 'aarch64' ? 'arm64' : a);
  const ok = (!os_ || os_ === img.os) && (!arch || archOf(arch) === archOf(img.architecture)) && (!variant || variant === img.variant);
  if (ok) return;
  const have = [img.os, img.architecture, img.variant].filter(Boolean).join('/');
  throw notFound(`image with reference ${ref} was found but its platform (${have}) does not match the specified platform (${platform})`);
}

/** The files of container `id` under the data root. */
export function pathsOf(ctx: Ctx, id: string): ContainerPaths {
  const root = path.join(ctx.opts.root, 'containers', id);
  return {
    root,
    hostname: path.join(root, 'hostname'),
    hosts: path.join(root, 'hosts'),
    resolvConf: path.join(root, 'resolv.conf'),
    log: path.join(root, `${id}-json.log`),
    config: path.join(root, 'config.v2.json'),
  };
}
