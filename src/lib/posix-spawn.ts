/**
 * Starting programs with libc's posix_spawn, for the daemon's hot paths (the runtime of a
 * direct exec, conmon at every create). Node's child_process forks pierd first: the kernel
 * copies the page tables of the whole daemon (~3 ms at 60 MB resident, ~4.5 ms at 200 MB),
 * and the parent then takes copy-on-write faults until the child has exec'd. glibc's
 * posix_spawn runs the child on a small stack in pierd's memory until its execve (vfork
 * semantics, safe with threads), which costs ~0.3 ms whatever pierd's size.
 *
 * The child gets exactly the descriptors asked for as its 0, 1, 2, …; everything else pierd
 * holds is close-on-exec (libuv opens every descriptor so, and so do pierd's pipe2 calls).
 * Signal dispositions are reset to default and the signal mask cleared, as libuv does for its
 * children (Node ignores SIGPIPE, which a child must not inherit).
 *
 * Children are reaped on SIGCHLD with waitpid(pid, WNOHANG) for each pid this spawner started:
 * libuv reaps only the pids it started itself, by pid, so the two never take each other's.
 * A slow poll backs the signal up while children are outstanding (and, like a ChildProcess,
 * keeps the event loop alive until they are reaped).
 */
import koffi from 'koffi';
import { constants } from 'node:os';
import { closeSync, openSync } from 'node:fs';
import { internal } from './errors.js';
import { errnoName } from './errno-name.js';

/** How a spawned child ended. */
export interface ChildExit {
  /** The exit status, or null when a signal ended it (or the status could not be read). */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: NodeJS.Signals | null;
}

/** A child started by `PosixSpawner.spawn`. */
export interface SpawnedChild {
  readonly pid: number;
  /** Resolves once the child has been reaped. Never rejects. */
  readonly exit: Promise<ChildExit>;
  /** Sends `signal` (default SIGTERM) unless the child was reaped already. Returns whether it was sent. Never throws. */
  kill(signal?: NodeJS.Signals | number): boolean;
}

/** What a child is started with. */
export interface PosixSpawnOptions {
  /**
   * The child's descriptors in order (index i becomes the child's fd i): one of pierd's
   * descriptors to duplicate, or 'ignore' for /dev/null.
   */
  stdio: readonly (number | 'ignore')[];
  /** The child's whole environment. */
  env: Readonly<Record<string, string>>;
  /** Working directory (default: pierd's). */
  cwd?: string;
  /** Starts the child in a session (and process group) of its own, like spawn's `detached`. */
  detached?: boolean;
}

/** Starts programs with posix_spawn and reaps them. */
export interface PosixSpawner {
  /**
   * Starts `file` (an absolute path; no PATH search) with argv `[file, ...args]`. Throws an
   * Internal EngineError `cannot run <file>: <ERRNO>` when the program cannot be started
   * (posix_spawn reports the child's execve error, e.g. ENOENT, EACCES) and the errno in
   * `code`.
   */
  spawn(file: string, args: readonly string[], opts: PosixSpawnOptions): SpawnedChild;
}

const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
const WNOHANG = 1;
const F_DUPFD_CLOEXEC = 1030;
/** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on 64-bit; with room to spare. */
const FILE_ACTIONS_SIZE = 256;
const ATTR_SIZE = 512;
const SIGSET_SIZE = 128;
/** The backup poll of outstanding children (ms). */
const REAP_POLL_MS = 1000;

type Fn = ReturnType<import('koffi').LibraryHandle['func']>;

interface SpawnCalls {
  spawn: Fn;
  faInit: Fn;
  faDestroy: Fn;
  faDup2: Fn;
  faChdir: Fn;
  attrInit: Fn;
  attrDestroy: Fn;
  attrSetFlags: Fn;
  attrSetSigMask: Fn;
  attrSetSigDefault: Fn;
  sigEmptySet: Fn;
  waitpid: Fn;
  fcntl: Fn;
}

function bind(): SpawnCalls {
  const lib = koffi.load('libc.so.6');
  return {
    spawn: lib.func('int posix_spawn(_Out_ int *pid, const char *path, void *actions, void *attr, const char **argv, const char **envp)'),
    faInit: lib.func('int posix_spawn_file_actions_init(void *actions)'),
    faDestroy: lib.func('int posix_spawn_file_actions_destroy(void *actions)'),
    faDup2: lib.func('int posix_spawn_file_actions_adddup2(void *actions, int fd, int newfd)'),
    faChdir: lib.func('int posix_spawn_file_actions_addchdir_np(void *actions, const char *path)'),
    attrInit: lib.func('int posix_spawnattr_init(void *attr)'),
    attrDestroy: lib.func('int posix_spawnattr_destroy(void *attr)'),
    attrSetFlags: lib.func('int posix_spawnattr_setflags(void *attr, short flags)'),
    attrSetSigMask: lib.func('int posix_spawnattr_setsigmask(void *attr, const void *set)'),
    attrSetSigDefault: lib.func('int posix_spawnattr_setsigdefault(void *attr, const void *set)'),
    sigEmptySet: lib.func('int sigemptyset(void *set)'),
    waitpid: lib.func('int waitpid(int pid, _Out_ int *status, int options)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, int arg)'),
  };
}

/** The name of signal number `n`, or null. Pure. */
function signalName(n: number): NodeJS.Signals | null {
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name as NodeJS.Signals;
  return null;
}

/** Decodes a wait status. Pure. */
export function decodeWaitStatus(status: number): ChildExit {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalName(sig) };
}

/** Binds libc's posix_spawn family. Throws Internal when libc cannot be loaded. */
export function createPosixSpawner(): PosixSpawner {
  let c: SpawnCalls;
  try {
    c = bind();
  } catch (e) {
    throw internal(`cannot load libc: ${(e as Error).message}`, e);
  }
  // Attributes shared by every spawn: default signal dispositions, an empty mask. The
  // defaults set has every bit on, not sigfillset's: sigfillset leaves out glibc's two internal
  // signals (32, 33), which the spawn child then sets to SIG_IGN; ignored dispositions survive
  // execve, and crun (whose own reset goes through glibc's sigaction, which refuses those two)
  // would hand them on to the container's processes. Docker's have none ignored.
  const emptySet = Buffer.alloc(SIGSET_SIZE);
  const allSignals = Buffer.alloc(SIGSET_SIZE, 0xff);
  c.sigEmptySet(emptySet);
  let devNull: number | undefined;
  const pending = new Map<number, (e: ChildExit) => void>();
  let listening = false;
  let poll: NodeJS.Timeout | undefined;

  const reap = () => {
    const status = new Int32Array(1);
    for (const [pid, done] of pending) {
      const r = c.waitpid(pid, status, WNOHANG) as number;
      if (r === 0) continue;
      pending.delete(pid);
      // -1: not our child any more (ECHILD); nothing to learn about its end.
      done(r === pid ? decodeWaitStatus(status[0]!) : { code: null, signal: null });
    }
    if (pending.size === 0) stopWatching();
  };
  const startWatching = () => {
    if (listening) return;
    listening = true;
    process.on('SIGCHLD', reap);
    // Referenced: a process with children to reap stays alive, as with Node's ChildProcess.
    poll = setInterval(reap, REAP_POLL_MS);
  };
  const stopWatching = () => {
    if (!listening) return;
    listening = false;
    process.off('SIGCHLD', reap);
    if (poll) clearInterval(poll);
    poll = undefined;
  };

  return {
    spawn(file, args, opts) {
      const actions = Buffer.alloc(FILE_ACTIONS_SIZE);
      const attr = Buffer.alloc(ATTR_SIZE);
      c.faInit(actions);
      c.attrInit(attr);
      // A source below the child's last descriptor could be overwritten by an earlier dup2
      // (3 → 4 after 4 → 3): such sources are first copied above that range.
      const lifted: number[] = [];
      try {
        opts.stdio.forEach((fd, i) => {
          let from = fd === 'ignore' ? (devNull ??= openSync('/dev/null', 'r+')) : fd;
          if (from < opts.stdio.length && from !== i) {
            from = c.fcntl(from, F_DUPFD_CLOEXEC, opts.stdio.length) as number;
            if (from < 0) throw internal(`fcntl F_DUPFD_CLOEXEC: ${errnoName(koffi.errno())}`);
            lifted.push(from);
          }
          c.faDup2(actions, from, i);
        });
        if (opts.cwd !== undefined) c.faChdir(actions, opts.cwd);
        c.attrSetFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (opts.detached ? POSIX_SPAWN_SETSID : 0));
        c.attrSetSigMask(attr, emptySet);
        c.attrSetSigDefault(attr, allSignals);
        const env = Object.entries(opts.env).map(([k, v]) => `${k}=${v}`);
        const pidOut = new Int32Array(1);
        startWatching();
        const rc = c.spawn(pidOut, file, actions, attr, [file, ...args, null], [...env, null]) as number;
        if (rc !== 0) {
          if (pending.size === 0) stopWatching();
          const name = errnoName(rc);
          throw Object.assign(internal(`cannot run ${file}: ${name}`), { code: name });
        }
        const pid = pidOut[0]!;
        let reaped = false;
        const exit = new Promise<ChildExit>((resolve) =>
          pending.set(pid, (e) => {
            reaped = true;
            resolve(e);
          }),
        );
        return {
          pid,
          exit,
          kill(signal: NodeJS.Signals | number = 'SIGTERM') {
            if (reaped) return false;
            try {
              process.kill(pid, signal);
              return true;
            } catch {
              return false;
            }
          },
        };
      } finally {
        c.faDestroy(actions);
        c.attrDestroy(attr);
        for (const fd of lifted) closeSync(fd);
      }
    },
  };
}
