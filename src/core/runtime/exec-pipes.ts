/**
 * Real pipes for a directly run exec's stdio. Node's `stdio: 'pipe'` gives the child unix
 * socket pairs, on which a process inside the container behaves unlike under Docker (e.g.
 * `echo hi > /dev/stdout` fails with ENXIO: a socket cannot be opened through /proc). These
 * come from libc's pipe2 (through koffi), close-on-exec, so only the child they are handed to
 * (as fd 0/1/2, which spawn dup2s) holds them. Our ends become libuv-driven net.Sockets.
 */
import koffi from 'koffi';
import { closeSync } from 'node:fs';
import net from 'node:net';
import { internal } from '../../lib/errors.js';
import { errnoName } from '../../lib/errno-name.js';

const O_CLOEXEC = 0o2000000;

/** A pipe: the descriptor to read from and the one to write to. */
export interface PipeFds {
  read: number;
  write: number;
}

/** Makes pipes. */
export interface PipeMaker {
  /** A new close-on-exec pipe. Throws Internal with the errno when pipe2 fails (e.g. EMFILE). */
  pipe(): PipeFds;
}

/** Binds libc's pipe2. Throws Internal when libc cannot be loaded. */
export function createPipeMaker(): PipeMaker {
  let pipe2: (fds: Int32Array, flags: number) => number;
  try {
    pipe2 = koffi.load('libc.so.6').func('int pipe2(_Out_ int *fds, int flags)') as typeof pipe2;
  } catch (e) {
    throw internal(`cannot load libc: ${(e as Error).message}`, e);
  }
  return {
    pipe() {
      const fds = new Int32Array(2);
      if (pipe2(fds, O_CLOEXEC) !== 0) {
        throw internal(`pipe2: ${errnoName(koffi.errno())}`);
      }
      return { read: fds[0]!, write: fds[1]! };
    },
  };
}

/** Closes descriptors, ignoring errors (already closed). Never throws. */
export function closeFds(...fds: (number | undefined)[]): void {
  for (const fd of fds) {
    if (fd === undefined) continue;
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
  }
}

/**
 * Wraps our end of a pipe as a non-blocking net.Socket (libuv sets O_NONBLOCK on it; the
 * child's end stays blocking). The socket owns the descriptor from then on. Throws what
 * net.Socket throws for a bad descriptor.
 */
export function pipeSocket(fd: number, dir: 'read' | 'write'): net.Socket {
  const s = new net.Socket({ fd, readable: dir === 'read', writable: dir === 'write' });
  s.on('error', () => {});
  return s;
}
