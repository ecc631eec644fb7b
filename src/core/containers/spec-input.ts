/**
 * The bridge from a container record to the OCI spec builder (`./spec/`): resolves the user
 * inside the rootfs and assembles the builder's input (process, etc-file binds, namespaces,
 * cgroup path, daemon defaults).
 */
import type { OciSpec } from '../../oci/runtime-spec.js';
import type { SpecNetwork } from './spec/index.js';
import { buildSpec, resolveUser, resolveDeviceMappings, listHostDevices, hostSpecDefaults } from './spec/index.js';
import type { Ctx } from './context.js';
import type { ContainerRecord } from './types.js';
import { startMounts } from './mounts-start.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Replaces entries of `base` by key with those of `over`, appending new keys (moby's ReplaceOrAppendEnvValues). */
export function replaceOrAppendEnv(base: string[], over: readonly string[]): string[] {
  const out = [...base];
  for (const e of over) {
    const key = e.includes('=') ? e.slice(0, e.indexOf('=')) : e;
    const i = out.findIndex((x) => x === key || x.startsWith(key + '='));
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

/** The process environment Docker gives a container: PATH, HOSTNAME, TERM (tty), the links' variables, then Config.Env. */
export function containerEnv(rec: ContainerRecord, linkEnv: readonly string[] = []): string[] {
  const base = [DEFAULT_PATH, `HOSTNAME=${rec.config.Hostname ?? ''}`];
  if (rec.config.Tty) base.push('TERM=xterm');
  base.push(...linkEnv);
  return replaceOrAppendEnv(base, rec.config.Env ?? []);
}

/** The cgroup path of a container, unique per daemon instance. */
export function cgroupsPathOf(ctx: Ctx, rec: ContainerRecord): string {
  const parent = rec.hostConfig.CgroupParent || `/pier-${ctx.opts.instanceId}`;
  return `${parent.replace(/\/$/, '')}/${rec.id}`;
}

/**
 * Builds the OCI spec of `rec` for the mounted `rootfs`; `net` is the network namespace and
 * the links' variables from network-attach.ts (default: host for host mode, else a new one).
 * Throws what resolveUser throws (e.g. `unable to find user x: no matching entries in passwd
 * file`) and buildSpec's errors.
 */
export async function makeSpec(ctx: Ctx, rec: ContainerRecord, rootfs: string, net?: { network: SpecNetwork; env: readonly string[] }): Promise<OciSpec> {
  const hc = rec.hostConfig;
  const user = await resolveUser(rootfs, rec.config.User ?? '', hc.GroupAdd ?? []);
  const devices = await resolveDeviceMappings(hc.Devices);
  const hostDevices = hc.Privileged ? await listHostDevices() : undefined;
  ctx.memo.hostSpecDefaults ??= hostSpecDefaults().catch(() => ({}));
  const host = await ctx.memo.hostSpecDefaults;
  const userMounts = await startMounts(ctx, rec, rootfs);
  const bind = (destination: string, source: string) => ({
    destination,
    source,
    type: 'bind',
    options: ['rbind', 'rprivate'],
  });
  return buildSpec({
    rootfs,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    args: [rec.path, ...rec.args],
    env: containerEnv(rec, net?.env),
    cwd: rec.config.WorkingDir || '/',
    terminal: !!rec.config.Tty,
    user,
    hostname: rec.config.Hostname ?? '',
    domainname: rec.config.Domainname ?? '',
    hostConfig: hc,
    mounts: [
      ...[
        bind('/etc/resolv.conf', rec.paths.resolvConf),
        bind('/etc/hostname', rec.paths.hostname),
        bind('/etc/hosts', rec.paths.hosts),
      ].filter((b) => !userMounts.some((u) => u.destination === b.destination)),
      ...userMounts,
    ],
    network: net?.network ?? (hc.NetworkMode === 'host' ? { mode: 'host' } : { mode: 'new' }),
    initPath: hc.Init ? ctx.deps.runtime.initPath : undefined,
    cgroupsPath: cgroupsPathOf(ctx, rec),
    devices,
    defaults: {
      ...host,
      ulimits: ctx.opts.defaultUlimits ?? [],
      shmSize: ctx.opts.defaultShmSize ?? 64 * 1024 * 1024,
      hostDevices,
    },
  });
}
