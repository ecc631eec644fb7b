/**
 * Host veths of containers whose process is gone: the kernel deletes a pair with its network
 * namespace, but asynchronously, so a leftover is checked for once after a grace period and
 * only then deleted by us — `run --rm` spawns nothing for it.
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
      if (pending.has(v)) return;
      let started: Promise<void> | undefined;
      const check = () =>
        (started ??= (async () => {
          clearTimeout(timer);
          pending.delete(v);
          if (await exists(`/sys/class/net/${v}`)) await kernel.deleteLink(v);
        })().catch(() => undefined));
      const timer = setTimeout(() => void check(), VETH_GRACE_MS);
      timer.unref();
      pending.set(v, check);
    },
    async flush() {
      await Promise.all([...pending.values()].map((check) => check()));
    },
  };
}
