/**
 * Overlay mounts on the hot path (every container start and exit) through the mount(2) and
 * umount2(2) system calls instead of spawning mount(8)/umount(8), which costs a process start
 * each time. Whenever the direct call cannot express the mount (option string too long with
 * absolute paths, a data root whose path would need escaping) or fails, the spawned helpers of
 * mounts.ts take over, so behaviour and error messages stay those of mount(8).
 */
import koffi from 'koffi';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { MOUNT_DATA_MAX, featuresOff, isMounted, mountOverlay, unmount } from './mounts.js';

/** Mount operations of one overlay driver instance (libc is loaded on first use). */
export interface Mounter {
  /**
   * Mounts an overlay at `target`; `lower` (colon-separated), `upper`, `work` may be relative
   * to `cwd`; `extra` is appended to the options (e.g. ",volatile"). Throws Internal when the
   * mount fails (mount(8)'s message).
   */
  mountOverlay(cwd: string, lower: string, upper: string, work: string, target: string, extra?: string): Promise<void>;
  /** Unmounts `target` when mounted (lazily if busy). Throws Internal if it stays mounted. */
  unmount(target: string): Promise<void>;
  /**
   * True when `target` is the root of a different filesystem than its parent directory (an
   * overlay mounted there); falls back to /proc/self/mountinfo when stat fails. Never throws
   * for a missing target (false).
   */
  isMountPoint(target: string): Promise<boolean>;
}

type Callback = (err: unknown, rc: number) => void;

/** The two calls, run on koffi's worker threads (an unmount may wait for the upper fs to sync). */
interface Libc {
  mount: { async(source: string, target: string, fstype: string, flags: number, data: string, cb: Callback): void };
  umount2: { async(target: string, flags: number, cb: Callback): void };
}

/** Resolves with the call's return value (-1 also when koffi itself failed). */
function call(run: (cb: Callback) => void): Promise<number> {
  return new Promise((resolve) => run((err, rc) => resolve(err ? -1 : rc)));
}

/** Creates a mounter. Never throws (a libc that cannot be loaded means the spawned helpers). */
export function createMounter(): Mounter {
  let libc: Libc | null | undefined;
  const lib = (): Libc | null => {
    if (libc !== undefined) return libc;
    try {
      const l = koffi.load('libc.so.6');
      libc = {
        mount: l.func('int mount(const char *, const char *, const char *, unsigned long, const char *)') as unknown as Libc['mount'],
        umount2: l.func('int umount2(const char *, int)') as unknown as Libc['umount2'],
      };
    } catch {
      libc = null;
    }
    return libc;
  };
  const abs = (cwd: string, p: string) => (path.isAbsolute(p) ? p : path.join(cwd, p));
  // The overlay module's parameters are read once per mounter, not at every container start.
  let features: Promise<string> | undefined;
  const isMountPoint = async (target: string): Promise<boolean> => {
    try {
      const [a, b] = await Promise.all([stat(target), stat(path.dirname(target))]);
      return a.dev !== b.dev;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      return isMounted(target);
    }
  };

  return {
    async mountOverlay(cwd, lower, upper, work, target, extra = '') {
      const c = lib();
      if (c && !/[,:\\]/.test(cwd)) {
        const lowers = lower.split(':').map((l) => abs(cwd, l));
        const data = `lowerdir=${lowers.join(':')},upperdir=${abs(cwd, upper)},workdir=${abs(cwd, work)}${await (features ??= featuresOff())}${extra}`;
        if (data.length <= MOUNT_DATA_MAX && (await call((cb) => c.mount.async('overlay', target, 'overlay', 0, data, cb))) === 0) return;
      }
      await mountOverlay(cwd, lower, upper, work, target, extra);
    },
    async unmount(target) {
      if (!(await isMountPoint(target))) return;
      const c = lib();
      // On failure (busy…) mounts.ts decides from /proc/self/mountinfo, lazily if need be.
      if (c && (await call((cb) => c.umount2.async(target, 0, cb))) === 0) return;
      await unmount(target);
    },
    isMountPoint,
  };
}
