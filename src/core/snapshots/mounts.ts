/**
 * Overlay mount helpers: mounting with relative lowerdir paths from a working directory (keeps
 * the option string short), unmounting, and checking /proc/self/mountinfo so mount state
 * survives daemon restarts.
 */
import { readFile } from 'node:fs/promises';
import { run } from '../../lib/exec.js';
import { internal } from '../../lib/errors.js';

/** The kernel's limit for mount data (one page). */
export const MOUNT_DATA_MAX = 4095;

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** True when `target` (absolute, canonical) is a mount point in this mount namespace. */
export async function isMounted(target: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4 && unescapeMountinfo(f[4]!) === target) return true;
  }
  return false;
}

/**
 * Mount options turning off overlay features the kernel enables by default (module parameters)
 * and that would make the upperdir unreadable as a plain layer diff (redirected or
 * metadata-only copy-ups) or tie it to one lower chain (index). Returns e.g. ",index=off";
 * never throws.
 */
export async function featuresOff(): Promise<string> {
  const names = ['redirect_dir', 'metacopy', 'index'];
  const values = await Promise.all(names.map((f) => readFile(`/sys/module/overlay/parameters/${f}`, 'utf8').catch(() => 'N')));
  return names.map((f, i) => (values[i]!.trim() === 'Y' ? `,${f}=off` : '')).join('');
}

/**
 * Mounts an overlay at `target`; `lower`, `upper`, `work` may be relative to `cwd`; `extra` is
 * appended to the options (e.g. ",volatile"). Throws Internal when the option string is too
 * long or mount fails.
 */
export async function mountOverlay(cwd: string, lower: string, upper: string, work: string, target: string, extra = ''): Promise<void> {
  const data = `lowerdir=${lower},upperdir=${upper},workdir=${work}${await featuresOff()}${extra}`;
  if (data.length > MOUNT_DATA_MAX) throw internal(`overlay mount options too long (${data.length} bytes)`);
  const r = await run('mount', ['-t', 'overlay', 'overlay', '-o', data, target], { cwd });
  if (r.code !== 0) throw internal(`mount overlay on ${target}: ${(r.stderr || r.stdout).trim()}`);
}

/** Mounts a read-only overlay of `lower` (no upper layer) at `target`. Throws Internal on failure. */
export async function mountReadOnly(cwd: string, lower: string, target: string): Promise<void> {
  const data = `lowerdir=${lower}`;
  if (data.length > MOUNT_DATA_MAX) throw internal(`overlay mount options too long (${data.length} bytes)`);
  const r = await run('mount', ['-t', 'overlay', 'overlay', '-o', 'ro,' + data, target], { cwd });
  if (r.code !== 0) throw internal(`mount overlay on ${target}: ${(r.stderr || r.stdout).trim()}`);
}

/** Unmounts `target` when mounted (lazily if a plain unmount fails). Throws Internal if it stays mounted. */
export async function unmount(target: string): Promise<void> {
  if (!(await isMounted(target))) return;
  const r = await run('umount', [target]);
  if (r.code === 0 || !(await isMounted(target))) return;
  const l = await run('umount', ['-l', target]);
  if (l.code !== 0 && (await isMounted(target))) throw internal(`umount ${target}: ${(l.stderr || r.stderr).trim()}`);
}
