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
  /** A named pipe at `file` (mode 0600). Throws Internal with the errno (e.g. EEXIST, ENOENT). */
  fifo(file: string): void;
  /** How many bytes wait unread in the pipe or FIFO open as `fd` (FIONREAD). Throws Internal with the errno. */
  unread(fd: number): number;
}

const FIONREAD = 0x541b;

/** Binds libc's pipe2. Throws Internal when libc cannot be loaded. */
export function createPipeMaker(): PipeMaker {
  let pipe2: (fds: Int32Array, flags: number) => number;
  let mkfifo: (file: string, mode: number) => number;
  let ioctl: (fd: number, req: number, out: Int32Array) => number;
  try {
    const libc = koffi.load('libc.so.6');
    pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)') as typeof pipe2;
    mkfifo = libc.func('int mkfifo(const char *path, uint32_t mode)') as typeof mkfifo;
    ioctl = libc.func('int ioctl(int fd, unsigned long req, _Out_ int *out)') as typeof ioctl;
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
    fifo(file) {
      if (mkfifo(file, 0o600) !== 0) throw internal(`mkfifo ${file}: ${errnoName(koffi.errno())}`);
    },
    unread(fd) {
      const n = new Int32Array(1);
      if (ioctl(fd, FIONREAD, n) !== 0) throw internal(`ioctl FIONREAD: ${errnoName(koffi.errno())}`);
      return n[0]!;
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
