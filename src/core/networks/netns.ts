/**
 * Persistent network namespaces: a container's namespace is created before its process, kept
 * alive by a bind mount on a file (`<exec-root>/netns/<id12>`, Docker's SandboxKey), plumbed
 * while the runtime creates the process, and joined by the runtime through that path.
 *
 * Creation is three system calls on the calling thread through koffi — unshare(CLONE_NEWNET)
 * (only this thread moves: thread-netns.ts), a bind mount of /proc/thread-self/ns/net on the
 * file, setns back to the daemon's namespace — about half a millisecond with nothing else running meanwhile, where
 * `unshare --net=FILE true` costs a spawn (~4 ms). Without koffi it falls back to that spawn.
 * Removal is umount2(MNT_DETACH) and unlink: the kernel destroys the namespace (and the
 * container ends of its veths) once no process is in it any more.
 */
import koffi from 'koffi';
import { closeSync, openSync, constants as fsc } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../lib/exec.js';
import { internal } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { MNT_DETACH, MS_BIND, loadMountCalls, type MountCalls } from '../../lib/mount-calls.js';
import { createThreadNetns, type ThreadNetns } from './thread-netns.js';

/** Creates and removes namespace files. */
export interface NetnsFiles {
  /** Creates a new network namespace bound to `file` (created, parent folders too; an earlier mount there is dropped). Throws Internal. */
  create(file: string): Promise<void>;
  /** Unmounts and deletes `file`. Never throws. */
  remove(file: string): Promise<void>;
}

/** Loads the namespace system calls; undefined when koffi or libc cannot be loaded. */
function loadLibc(log: Logger): { libc: MountCalls; thread: ThreadNetns } | undefined {
  try {
    return { libc: loadMountCalls(), thread: createThreadNetns({ log }) };
  } catch (e) {
    log.warn('network namespaces through koffi unavailable, spawning unshare', { err: (e as Error).message });
    return undefined;
  }
}

/** Builds the namespace file operations (see the file comment). */
export function createNetnsFiles(deps: { log: Logger }): NetnsFiles {
  const log = deps.log;
  let native: { libc: MountCalls; thread: ThreadNetns } | undefined | null = null;
  const sys = () => (native === null ? (native = loadLibc(log)) : native);

  /** Folders known to exist (made once; made again when one was deleted meanwhile). */
  const made = new Set<string>();
  async function createFile(file: string): Promise<void> {
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    const n = sys();
    if (n) n.libc.umount2(file, MNT_DETACH); // a leftover of a crashed daemon; EINVAL when none
    else await run('umount', ['-l', file]).catch(() => undefined);
    try {
      closeSync(openSync(file, fsc.O_WRONLY | fsc.O_CREAT, 0o444));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dir, { recursive: true });
      closeSync(openSync(file, fsc.O_WRONLY | fsc.O_CREAT, 0o444));
    }
  }

  return {
    async create(file) {
      try {
        await createFile(file);
      } catch (e) {
        throw internal(`cannot create network namespace file ${file}: ${(e as Error).message}`, e);
      }
      const n = sys();
      if (!n) {
        const r = await run('unshare', [`--net=${file}`, 'true']);
        if (r.code !== 0) throw internal(`failed to create network namespace ${file}: ${r.stderr.trim() || `unshare exited ${r.code}`}`);
        return;
      }
      const { libc, thread } = n;
      const t0 = performance.now();
      const unshared = thread.unshare();
      if (unshared !== 0) throw internal(`failed to create network namespace ${file}: unshare: errno ${unshared}`);
      const rc = libc.mount('/proc/thread-self/ns/net', file, null, MS_BIND, null);
      const err = rc === 0 ? 0 : koffi.errno();
      thread.leave();
      if (rc !== 0) throw internal(`failed to create network namespace ${file}: mount: errno ${err}`);
      log.debug('network namespace syscalls', { ms: Math.round((performance.now() - t0) * 100) / 100 });
    },

    async remove(file) {
      const n = sys();
      if (n) n.libc.umount2(file, MNT_DETACH);
      else await run('umount', ['-l', file]).catch(() => undefined);
      await rm(file, { force: true }).catch((e: Error) => log.debug('cannot delete network namespace file', { file, err: e.message }));
    },
  };
}
