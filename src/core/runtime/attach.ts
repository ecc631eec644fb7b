/**
 * Attach sessions over conmon's attach socket (`<bundle>/attach`, SOCK_SEQPACKET). Each packet
 * conmon sends is one byte of stream id (2 = stdout, 3 = stderr in conmon's numbering) followed
 * by the data. Stdin is written raw, in packets no larger than conmon's 32 KiB read buffer;
 * ending stdin shuts the socket down for writing, which makes conmon close the container's
 * stdin (unless it runs with --leave-stdin-open).
 */
import { PassThrough, Writable } from 'node:stream';
import type net from 'node:net';
import type { AttachSession } from './index.js';
import type { NativeCalls, PacketSocket } from './native.js';

/** conmon's stream id of stdout in attach packets. */
export const CONMON_STDOUT = 2;
/** conmon's stream id of stderr in attach packets. */
export const CONMON_STDERR = 3;
/** conmon reads at most this many bytes per stdin packet (CONN_SOCK_BUF_SIZE). */
export const MAX_STDIN_PACKET = 32768;

/** The output side of one attach session: its two streams and when they are over. */
export interface SessionOutputs {
  stdout: PassThrough;
  stderr: PassThrough;
  /** Resolves once `end` ran. */
  closed: Promise<void>;
  /** Ends both streams (those not ended yet) and resolves `closed`; idempotent. */
  end(): void;
  /** The AttachSession of these outputs with the given stdin and `close`. */
  session(stdin: Writable | undefined, close: () => void): AttachSession;
}

/**
 * New output streams for a session, with large buffers: the socket is paused only when a
 * consumer really falls behind. Never throws.
 */
export function sessionOutputs(): SessionOutputs {
  const stdout = new PassThrough({ highWaterMark: 1024 * 1024 });
  const stderr = new PassThrough({ highWaterMark: 1024 * 1024 });
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const end = () => {
    if (!stdout.writableEnded) stdout.end();
    if (!stderr.writableEnded) stderr.end();
    resolveClosed();
  };
  return { stdout, stderr, closed, end, session: (stdin, close) => ({ stdin, stdout, stderr, closed, close }) };
}

/**
 * Connects to the attach socket at `socketPath` and returns the session. Throws what
 * `connectSeqpacket` throws (Internal, with `code` ENOENT/ECONNREFUSED when conmon is gone).
 */
export function openAttach(native: NativeCalls, socketPath: string, opts: { stdin: boolean }): AttachSession {
  return sessionFromSocket(native.connectSeqpacket(socketPath), opts);
}

/**
 * Builds an AttachSession over a connected packet socket (exported for tests). The socket must
 * not destroy itself on end (allowHalfOpen): on 'end' the packets libuv left unread are drained.
 */
export function sessionFromSocket(packets: PacketSocket | net.Socket, opts: { stdin: boolean }): AttachSession {
  const { socket: sock, drain } = 'drain' in packets ? packets : { socket: packets, drain: (): Buffer[] => [] };
  const outputs = sessionOutputs();
  const { stdout, stderr, end: endAll } = outputs;
  // Backpressure: when a consumer's buffer is full the socket stops being read (conmon then
  // blocks on this client) until every full stream drained.
  const full = new Set<PassThrough>();
  const drained = (out: PassThrough) => () => {
    if (full.delete(out) && full.size === 0 && !sock.destroyed) sock.resume();
  };
  stdout.on('drain', drained(stdout));
  stderr.on('drain', drained(stderr));
  const onPacket = (pkt: Buffer) => {
    if (pkt.length < 1) return;
    const data = pkt.subarray(1);
    const out = pkt[0] === CONMON_STDERR ? stderr : stdout;
    if (out.writableEnded) return;
    if (!out.write(data)) {
      if (full.size === 0) sock.pause();
      full.add(out);
    }
  };
  sock.on('data', onPacket);
  sock.on('end', () => {
    for (const pkt of drain()) onPacket(pkt);
    endAll();
    sock.destroy();
  });
  sock.on('close', endAll);
  sock.on('error', () => {
    endAll();
    sock.destroy();
  });

  // A stdin write fails (EPIPE) when conmon closed the socket meanwhile, e.g. a short exec that
  // finished just as its input arrived. Node then destroys the socket, which would lose the
  // output still queued in the kernel: the write callback runs before that destroy, so collect
  // those packets there and end the output streams. The stdin side itself never errors.
  let stdinBroken = false;
  const salvage = () => {
    stdinBroken = true;
    for (const pkt of drain()) onPacket(pkt);
    endAll();
  };

  let stdin: Writable | undefined;
  if (opts.stdin) {
    stdin = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (sock.destroyed || stdinBroken) return cb();
        let off = 0;
        const next = (err?: Error | null) => {
          if (err) {
            salvage();
            return cb();
          }
          if (off >= chunk.length || sock.destroyed) return cb();
          const part = chunk.subarray(off, off + MAX_STDIN_PACKET);
          off += part.length;
          sock.write(part, next);
        };
        next();
      },
      final(cb) {
        if (!sock.destroyed && !stdinBroken) sock.end();
        cb();
      },
    });
    stdin.on('error', () => {});
  }

  return outputs.session(stdin, () => {
    sock.destroy();
    endAll();
  });
}
