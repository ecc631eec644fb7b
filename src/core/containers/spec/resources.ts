/**
 * Cgroup resources, device rules and rlimits from HostConfig, as dockerd computes them.
 */
import { invalidArgument } from '../../../lib/errors.js';
import type { HostConfig, Ulimit } from '../../../api/types.js';
import type { OciDeviceCgroup, OciResources, OciRlimit } from '../../../oci/runtime-spec.js';

/**
 * RLIMIT_NOFILE containers get when neither the container nor the daemon sets one: what
 * dockerd's containers get under containerd's systemd unit (LimitNOFILE=infinity → nr_open).
 * `hostSpecDefaults` lowers it to the daemon's own hard limit when that is smaller.
 */
export const DEFAULT_NOFILE: Ulimit = { Name: 'nofile', Soft: 1048576, Hard: 1048576 };

/** Docker's default device cgroup rules (deny all, allow the standard character devices, deny 10:229). */
export function defaultDeviceRules(): OciDeviceCgroup[] {
  const allow = (major: number, minor: number): OciDeviceCgroup => ({ allow: true, type: 'c', major, minor, access: 'rwm' });
  return [
    { allow: false, access: 'rwm' },
    allow(1, 5), allow(1, 3), allow(1, 9), allow(1, 8), allow(5, 0), allow(5, 1),
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
}

/**
 * Parses `--device-cgroup-rule` entries ("c 1:3 mr", "a *:* rwm"). Throws InvalidArgument
 * "invalid device cgroup rule format: 'x'" like Docker. Pure.
 */
export function parseDeviceCgroupRule(rule: string): OciDeviceCgroup {
  const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule.trim());
  if (!m) throw invalidArgument(`invalid device cgroup rule format: '${rule}'`);
  const num = (s: string) => (s === '*' ? null : Number(s));
  return { allow: true, type: m[1] as 'a' | 'c' | 'b', major: num(m[2]!), minor: num(m[3]!), access: m[4]! };
}

/**
 * Resources of a container (memory, cpu, pids, blkio) for `runtime update`; undefined parts are
 * left out. PidsLimit ≤ 0 (unlimited) gives `pids.limit: -1`, which runc writes as "max" (the
 * runtime wrapper does the same for crun, which rejects -1). Throws InvalidArgument for negative
 * CpuShares. Pure.
 */
export function buildResources(hc: HostConfig): OciResources {
  const r: OciResources = {};
  const mem: NonNullable<OciResources['memory']> = {};
  if (hc.Memory && hc.Memory > 0) mem.limit = hc.Memory;
  if (hc.MemoryReservation && hc.MemoryReservation > 0) mem.reservation = hc.MemoryReservation;
  if (hc.MemorySwap && hc.MemorySwap > 0) mem.swap = hc.MemorySwap;
  else if (hc.MemorySwap === -1 && mem.limit) mem.swap = -1;
  else if (!hc.MemorySwap && mem.limit) mem.swap = mem.limit * 2;
  if (hc.MemorySwappiness !== undefined && hc.MemorySwappiness !== null && hc.MemorySwappiness >= 0) mem.swappiness = hc.MemorySwappiness;
  if (hc.OomKillDisable !== undefined && hc.OomKillDisable !== null) mem.disableOOMKiller = hc.OomKillDisable;
  if (Object.keys(mem).length) r.memory = mem;

  const cpu: NonNullable<OciResources['cpu']> = {};
  if (hc.CpuShares) {
    if (hc.CpuShares < 0) throw invalidArgument(`invalid CPU shares (${hc.CpuShares}): value must be a positive integer`);
    cpu.shares = hc.CpuShares;
  }
  if (hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) cpu.mems = hc.CpusetMems;
  if (hc.NanoCpus && hc.NanoCpus > 0) {
    cpu.period = 100000;
    cpu.quota = Math.floor((hc.NanoCpus * 100000) / 1e9);
  }
  if (hc.CpuPeriod) cpu.period = hc.CpuPeriod;
  if (hc.CpuQuota) cpu.quota = hc.CpuQuota;
  if (hc.CpuRealtimePeriod) cpu.realtimePeriod = hc.CpuRealtimePeriod;
  if (hc.CpuRealtimeRuntime) cpu.realtimeRuntime = hc.CpuRealtimeRuntime;
  if (Object.keys(cpu).length) r.cpu = cpu;

  if (hc.PidsLimit !== undefined && hc.PidsLimit !== null) r.pids = { limit: hc.PidsLimit > 0 ? hc.PidsLimit : -1 };
  if (hc.BlkioWeight) r.blockIO = { weight: hc.BlkioWeight };
  return r;
}

/**
 * Resources for a new container's config.json: {@link buildResources} without an unlimited
 * `pids` (a fresh cgroup has no limit; crun 1.8.1 fails writing "-1" to pids.max, as Docker
 * leaves it out too). Throws like buildResources. Pure.
 */
export function buildCreateResources(hc: HostConfig): OciResources {
  const r = buildResources(hc);
  if (r.pids && !(r.pids.limit > 0)) delete r.pids;
  return r;
}

/**
 * rlimits: HostConfig.Ulimits, then daemon defaults for names not given, then the default
 * nofile when still absent. Throws InvalidArgument for soft > hard. Pure.
 */
export function buildRlimits(own: readonly Ulimit[] | null | undefined, defaults: readonly Ulimit[] = [], nofile: Ulimit = DEFAULT_NOFILE): OciRlimit[] {
  const list: Ulimit[] = [...(own ?? [])];
  const has = (n: string) => list.some((u) => u.Name.toLowerCase() === n);
  for (const d of defaults) if (!has(d.Name.toLowerCase())) list.push(d);
  if (!has('nofile')) list.push(nofile);
  return list.map((u) => {
    if (u.Soft > u.Hard) throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    // -1 means unlimited; 2^63 is effectively infinite and survives JSON as a valid uint64.
    const toU = (n: number) => (n < 0 ? 2 ** 63 : n);
    return { type: `RLIMIT_${u.Name.toUpperCase()}`, soft: toU(u.Soft), hard: toU(u.Hard) };
  });
}
