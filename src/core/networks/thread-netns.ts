/**
 * Moving the calling thread into a network namespace and back, for the two things the daemon
 * does inside a container's namespace from its own thread: creating the namespace (netns.ts:
 * unshare, then a bind mount of it) and opening a netlink socket in it (rtnl.ts: a socket
 * belongs to the namespace it was created in). Only the calling thread moves, and nothing else
 * runs on it until it is back.
 */
import koffi from 'koffi';
import { openSync, constants as fsc } from 'node:fs';
import type { Logger } from '../../lib/log.js';

const CLONE_NEWNET = 0x40000000;

/** The calling thread's network namespace moves. */
export interface ThreadNetns {
  /** unshare(CLONE_NEWNET): the thread enters a new, empty namespace. Returns 0 or the errno. */
  unshare(): number;
  /** setns into the namespace open at `fd`. Returns 0 or the errno. */
  enter(fd: number): number;
  /**
   * Returns the thread to the daemon's namespace (one retry). When that fails the process
   * aborts: every socket it opened later would be in the container's namespace.
   */
  leave(): void;
}

/**
 * Binds unshare/setns and opens the daemon's own namespace (kept open for the daemon's
 * lifetime, close-on-exec). Throws when koffi, libc or /proc/thread-self is unavailable.
 */
export function createThreadNetns(deps: { log: Logger }): ThreadNetns {
  const lib = koffi.load('libc.so.6');
  const unshare = lib.func('int unshare(int)') as (flags: number) => number;
  const setns = lib.func('int setns(int, int)') as (fd: number, type: number) => number;
  const hostFd = openSync('/proc/thread-self/ns/net', fsc.O_RDONLY);
  const errnoOf = (rc: number): number => (rc === 0 ? 0 : koffi.errno() || -1);
  return {
    unshare: () => errnoOf(unshare(CLONE_NEWNET)),
    enter: (fd) => errnoOf(setns(fd, CLONE_NEWNET)),
    leave() {
      if (setns(hostFd, CLONE_NEWNET) === 0 || setns(hostFd, CLONE_NEWNET) === 0) return;
      deps.log.error('cannot return to the daemon network namespace', { errno: koffi.errno() });
      process.abort();
    },
  };
}
