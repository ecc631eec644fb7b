/**
 * Leftover removal for a test daemon's private directory: processes whose command line names
 * it (conmon, shims, containerd started for it), mounts below it, then the files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). Never throws. */
export function mountsUnder(dir: string): string[] {
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const p = mp.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (p === dir || p.startsWith(prefix)) out.push(p);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Lazily unmounts everything at or below `dir`. Never throws. */
export function unmountUnder(dir: string): void {
  for (let round = 0; round < 3; round++) {
    const mps = mountsUnder(dir);
    if (mps.length === 0) return;
    for (const mp of mps) spawnSync('umount', ['-l', mp], { stdio: 'ignore' });
  }
}

/**
 * PIDs (other than ours) whose command line mentions `dir` (conmon, shims, containerd) or whose
 * root directory lies below it (processes inside containers of that daemon). Never throws.
 */
export function pidsMentioning(dir: string): number[] {
  const out: number[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes(dir)) {
        out.push(Number(name));
        continue;
      }
      if (fs.readlinkSync(`/proc/${name}/root`).startsWith(`${dir}/`) || rootMountBelow(name, dir)) out.push(Number(name));
    } catch { /* gone */ }
  }
  return out;
}

/**
 * Whether the root mount of process `pid` (its mount namespace's "/" line in mountinfo) names a
 * path below `dir` — a container's overlay rootfs after pivot_root, whose /proc/<pid>/root
 * reads as "/". Throws when the process is gone.
 */
function rootMountBelow(pid: string, dir: string): boolean {
  for (const line of fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[4] === '/') return line.includes(`${dir}/`);
  }
  return false;
}

/** Sends SIGKILL to each process (by id) whose command line mentions `dir`. Never throws. */
export function killProcessesMentioning(dir: string): number {
  const pids = pidsMentioning(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* already gone */ }
  }
  return pids.length;
}

/** Unmounts and removes `dir` entirely, retrying once after busy errors. Never throws. */
export function removeTree(dir: string): void {
  unmountUnder(dir);
  for (let i = 0; i < 3; i++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      return;
    } catch {
      unmountUnder(dir);
    }
  }
}

/** Removes a directory tree of cgroups depth-first (rmdir only: busy cgroups stay). Never throws. */
function rmdirTree(dir: string): void {
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) rmdirTree(path.join(dir, e.name));
  try {
    fs.rmdirSync(dir);
  } catch { /* busy or gone */ }
}

/**
 * `pier-<first 8 hex of the engine id>` of the pier daemon with this data root — the name of
 * both its nftables table and its cgroup parent — or undefined when it has no engine id. Never throws.
 */
export function daemonInstanceName(dataRoot: string): string | undefined {
  try {
    const id = fs.readFileSync(path.join(dataRoot, 'engine-id'), 'utf8').trim().replace(/-/g, '');
    return /^[0-9a-f]{8}/i.test(id) ? `pier-${id.slice(0, 8).toLowerCase()}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the cgroup parent (`daemonInstanceName`) a stopped pier daemon used, in every
 * hierarchy (cgroup v1 controllers, the v2 tree), once nothing runs in it. Never throws.
 */
export function removeDaemonCgroups(dataRoot: string): void {
  const name = daemonInstanceName(dataRoot);
  if (!name) return;
  const root = '/sys/fs/cgroup';
  const candidates = [path.join(root, name)];
  try {
    for (const e of fs.readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) candidates.push(path.join(root, e.name, name));
  } catch {
    return;
  }
  for (const c of candidates) if (fs.existsSync(c)) rmdirTree(c);
}
