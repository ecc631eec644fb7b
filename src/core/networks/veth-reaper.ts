/**
 * Host veths of containers whose process is gone: the kernel deletes a pair with its network
 * namespace, but asynchronously, so a leftover is checked for once after a grace period and
 * only then deleted by us — `run --rm` spawns nothing for it; or, for a namespace kept by a file
 * whose teardown the kernel defers longer, deleted at once in the background.
 */
import { access } from 'node:fs/promises';
import type { NetKernel } from './parts.js';

/**
 * How long the kernel gets to delete a dead container's veth with its namespace (it takes a
 * few ms; asynchronous) before a leftover is deleted by us.
 */
const VETH_GRACE_MS = 150;

/** Background deletion of host veths left by dead containers. */
export interface VethReaper {
  /** Checks `name` after the grace period and deletes it if it is still there. Never throws. */
  later(name: string): void;
  /**
   * Deletes `name` now, in the background (flush waits for it): for a pair whose namespace the
   * kernel would only tear down later. Never throws.
   */
  now(name: string): void;
  /** Runs every pending check now and waits for them (daemon shutdown). Never throws. */
  flush(): Promise<void>;
}

/** Builds the reaper on `kernel`. */
export function createVethReaper(kernel: Pick<NetKernel, 'deleteLink'>): VethReaper {
  /** name → the check to run (once). */
  const pending = new Map<string, () => Promise<void>>();
  const exists = (p: string) => access(p).then(() => true, () => false);
  return {
    later(v) {
      schedule(v, VETH_GRACE_MS);
    },
    now(v) {
      void schedule(v, 0)?.();
    },
    async flush() {
      await Promise.all([...pending.values()].map((check) => check()));
    },
  };

  /** Registers the check of `v`, run after `ms` (at once when 0); returns it (undefined when one is pending). */
  function schedule(v: string, ms: number): (() => Promise<void>) | undefined {
    if (pending.has(v)) return undefined;
    let started: Promise<void> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const check = () =>
      (started ??= (async () => {
        clearTimeout(timer);
        if (await exists(`/sys/class/net/${v}`)) await kernel.deleteLink(v);
      })()
        .catch(() => undefined)
        .finally(() => {
          if (pending.get(v) === check) pending.delete(v);
        }));
    pending.set(v, check);
    if (ms > 0) {
      timer = setTimeout(() => void check(), ms);
      timer.unref();
    }
    return check;
  }
}
