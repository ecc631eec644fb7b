/** Process facts from /proc: resident memory, children, processes mentioning a directory. */
import fs from 'node:fs';

/** Resident set size of `pid` in bytes (VmRSS), or 0 when it is gone. Never throws. */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A live process: pid, parent, short name (comm) and command line. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

/** All live processes (zombies excluded). Never throws. */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const rest = stat.slice(close + 2).split(' ');
      if (rest[0] === 'Z') continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), ppid: Number(rest[1]), comm, cmdline });
    } catch { /* gone */ }
  }
  return out;
}

/** Processes whose short name starts with `commPrefix` and whose command line mentions `dir`. Never throws. */
export function findProcesses(commPrefix: string, dir: string): ProcInfo[] {
  return listProcesses().filter((p) => p.comm.startsWith(commPrefix) && p.cmdline.includes(dir));
}

/**
 * How this host's cgroups are mounted, for the report: v1/hybrid/v2 and whether the cgroup2
 * tree has `favordynmods` (cheap task migration; scripts/setup.sh sets it). Never throws.
 */
export function cgroupTuning(): string {
  let mounts = '';
  try {
    mounts = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return 'unknown';
  }
  const lines = mounts.split('\n').map((l) => l.split(' '));
  const v2 = lines.find((f) => f[2] === 'cgroup2');
  const v1 = lines.some((f) => f[2] === 'cgroup');
  const layout = v2 && v1 ? 'cgroups v1 (hybrid, cgroup2 at ' + v2[1] + ')' : v2 ? 'cgroups v2' : v1 ? 'cgroups v1' : 'no cgroups';
  if (!v2) return layout;
  const favor = (v2[3] ?? '').split(',').includes('favordynmods');
  return `${layout}, cgroup2 ${favor ? 'with' : 'without'} favordynmods`;
}
