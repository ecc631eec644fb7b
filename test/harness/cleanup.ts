/**
 * Leftover removal for a test daemon's private directory: processes whose command line names
 * it (conmon, shims, containerd started for it), mounts below it, then the files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

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
