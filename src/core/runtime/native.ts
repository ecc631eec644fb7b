/**
 * Native calls Node lacks, through koffi: connecting a unix SOCK_SEQPACKET socket (conmon's
 * attach socket) and wrapping the fd as a non-blocking net.Socket driven by libuv.
 */
import koffi from 'koffi';
import net from 'node:net';
import { openSync, closeSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { errnoName } from '../../lib/errno-name.js';
import { internal } from '../../lib/errors.js';

const AF_UNIX = 1;
const SOCK_SEQPACKET = 5;
const SOCK_CLOEXEC = 0o2000000;
const SUN_PATH_MAX = 107;

interface Libc {
  socket: (domain: number, type: number, proto: number) => number;
  connect: (fd: number, addr: Buffer, len: number) => number;
  close: (fd: number) => number;
  fcntl: (fd: number, cmd: number, ...rest: unknown[]) => number;
  recv: (fd: number, buf: Buffer, len: number, flags: number) => number;
}

const MSG_DONTWAIT = 0x40;
/** Larger than any packet conmon sends (1 + 8192 bytes). */
const MAX_PACKET = 65536;

/** A connected packet socket: the libuv-driven stream and a synchronous drain of what remains. */
export interface PacketSocket {
  socket: net.Socket;
  /**
   * Reads every packet still queued in the kernel without blocking. libuv reports EOF on
   * POLLHUP after a short read, which for a packet socket can leave packets unread when the
   * peer closes right after sending; call this on 'end' before destroying the socket.
   */
  drain(): Buffer[];
}

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/** Handles to libc functions; created once per runtime instance. */
export interface NativeCalls {
  /**
   * Connects a SOCK_SEQPACKET unix socket to `socketPath` (any length: long paths go through
   * `/proc/self/fd/<dirfd>/name`) and returns it as a net.Socket whose reads keep packet
   * boundaries (one `data` chunk per packet in flowing mode). Throws an Internal EngineError
   * with the errno when the socket cannot be created or connected (`code` set to e.g. ENOENT).
   */
  connectSeqpacket(socketPath: string): PacketSocket;
  /**
   * Marks every descriptor above 2 that this process inherited without close-on-exec as
   * close-on-exec, so long-lived children (conmon) never hold our parent's pipes. Returns how
   * many were changed. Never throws.
   */
  closeInheritedOnExec(): number;
}

/** Loads libc through koffi. Throws Internal when libc cannot be loaded. */
export function createNativeCalls(): NativeCalls {
  let libc: Libc;
  try {
    const lib = koffi.load('libc.so.6');
    libc = {
      socket: lib.func('int socket(int, int, int)') as Libc['socket'],
      connect: lib.func('int connect(int, const void *, uint32_t)') as Libc['connect'],
      close: lib.func('int close(int)') as Libc['close'],
      fcntl: lib.func('int fcntl(int, int, ...)') as Libc['fcntl'],
      recv: lib.func('long recv(int, void *, size_t, int)') as Libc['recv'],
    };
  } catch (e) {
    throw internal(`cannot load libc: ${(e as Error).message}`, e);
  }
  return {
    closeInheritedOnExec(): number {
      let changed = 0;
      let fds: string[];
      try {
        fds = readdirSync('/proc/self/fd');
      } catch {
        return 0;
      }
      for (const name of fds) {
        const fd = Number(name);
        if (!(fd > 2)) continue;
        // F_GETFD answers from the fd table (no /proc read per fd); -1: closed meanwhile.
        const flags = libc.fcntl(fd, F_GETFD);
        if (flags < 0 || (flags & FD_CLOEXEC) !== 0) continue;
        if (libc.fcntl(fd, F_SETFD, 'int', FD_CLOEXEC) === 0) changed++;
      }
      return changed;
    },
    connectSeqpacket(socketPath: string): PacketSocket {
      let dirFd = -1;
      let target = socketPath;
      if (Buffer.byteLength(socketPath) > SUN_PATH_MAX) {
        dirFd = openSync(path.dirname(socketPath), 'r');
        target = `/proc/self/fd/${dirFd}/${path.basename(socketPath)}`;
      }
      const fd = libc.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        if (dirFd >= 0) closeSync(dirFd);
        throw internal(`socket: ${errnoName(koffi.errno())}`);
      }
      const addr = Buffer.alloc(2 + 108);
      addr.writeUInt16LE(AF_UNIX, 0);
      addr.write(target, 2);
      const rc = libc.connect(fd, addr, addr.length);
      const err = rc < 0 ? koffi.errno() : 0;
      if (dirFd >= 0) closeSync(dirFd);
      if (rc < 0) {
        libc.close(fd);
        const name = errnoName(err);
        throw Object.assign(internal(`connect ${socketPath}: ${name}`), { code: name });
      }
      let socket: net.Socket;
      try {
        socket = wrapFd(fd);
      } catch (e) {
        libc.close(fd);
        throw e;
      }
      const drain = (): Buffer[] => {
        const out: Buffer[] = [];
        if (socket.destroyed) return out;
        const buf = Buffer.allocUnsafe(MAX_PACKET);
        for (let i = 0; i < 100_000; i++) {
          const n = libc.recv(fd, buf, buf.length, MSG_DONTWAIT);
          if (n <= 0) break;
          out.push(Buffer.from(buf.subarray(0, n)));
        }
        return out;
      };
      return { socket, drain };
    },
  };
}

interface PipeWrapBinding {
  Pipe: new (type: number) => { open(fd: number): number };
  constants: { SOCKET: number };
}

/** Wraps a connected socket fd in a libuv pipe handle so reads and writes never block a thread. */
function wrapFd(fd: number): net.Socket {
  const binding = (process as unknown as { binding(name: string): PipeWrapBinding }).binding('pipe_wrap');
  const handle = new binding.Pipe(binding.constants.SOCKET);
  const rc = handle.open(fd);
  if (rc !== 0) throw internal(`cannot wrap fd ${fd}: uv error ${rc}`);
  // allowHalfOpen: the owner decides when to destroy (after draining, see PacketSocket.drain).
  return new net.Socket({ handle, readable: true, writable: true, allowHalfOpen: true } as unknown as net.SocketConstructorOpts);
}
