/**
 * One conmon attach connection per container, shared by every attach client. conmon closes a
 * StdinOnce container's stdin whenever *any* attach connection closes; sharing one connection
 * gives Docker's semantics instead: the container's stdin closes when a client that attached
 * stdin ends it (StdinOnce), and output-only clients come and go freely.
 */
import { PassThrough, Writable } from 'node:stream';
import type { AttachSession } from './index.js';
import type { NativeCalls, PacketSocket } from './native.js';
import { CONMON_STDERR, MAX_STDIN_PACKET, sessionOutputs } from './attach.js';

interface Client {
  stdout: PassThrough;
  stderr: PassThrough;
  end(): void;
}

/** The shared attach connections of one runtime instance. */
export interface AttachMux {
  /**
   * A new session on the container's shared connection (opened on first use). `stdinOnce`:
   * ending this session's stdin closes the container's stdin. Throws what connecting throws.
   */
  attach(id: string, socketPath: string, opts: { stdin: boolean; stdinOnce: boolean; needsStdinOpen: boolean }): AttachSession;
}

/** Creates the multiplexer. */
export function createAttachMux(native: () => NativeCalls): AttachMux {
  const conns = new Map<string, Connection>();

  class Connection {
    readonly clients = new Set<Client>();
    /** Client streams whose buffer is full: the socket is paused while any is (backpressure). */
    private readonly full = new Set<PassThrough>();
    stdinEnded = false;
    ended = false;
    private writing: Promise<void> = Promise.resolve();
    constructor(
      readonly id: string,
      readonly pkt: PacketSocket,
      readonly keepForStdin: boolean,
    ) {
      const sock = pkt.socket;
      sock.on('data', (p: Buffer) => this.onPacket(p));
      sock.on('end', () => {
        for (const p of pkt.drain()) this.onPacket(p);
        this.finish();
      });
      sock.on('close', () => this.finish());
      sock.on('error', () => this.finish());
    }
    onPacket(p: Buffer): void {
      if (p.length < 1) return;
      const data = p.subarray(1);
      for (const c of this.clients) {
        const out = p[0] === CONMON_STDERR ? c.stderr : c.stdout;
        if (out.writableEnded) continue;
        if (!out.write(data) && !this.full.has(out)) {
          if (this.full.size === 0) this.pkt.socket.pause();
          this.full.add(out);
          out.once('drain', () => this.unblock(out));
        }
      }
    }
    /** A stream drained or went away: resume reading once no client is full. */
    unblock(out: PassThrough): void {
      if (this.full.delete(out) && this.full.size === 0 && !this.ended) this.pkt.socket.resume();
    }
    /** Writes stdin bytes in packets conmon can take whole, in order across clients. */
    write(chunk: Buffer): Promise<void> {
      this.writing = this.writing.then(async () => {
        for (let off = 0; off < chunk.length && !this.ended && !this.stdinEnded; off += MAX_STDIN_PACKET) {
          const part = chunk.subarray(off, off + MAX_STDIN_PACKET);
          await new Promise<void>((resolve) => this.pkt.socket.write(part, () => resolve()));
        }
      });
      return this.writing;
    }
    endStdin(): Promise<void> {
      this.writing = this.writing.then(() => {
        if (this.stdinEnded || this.ended) return;
        this.stdinEnded = true;
        this.pkt.socket.end();
      });
      return this.writing;
    }
    remove(c: Client): void {
      this.clients.delete(c);
      this.unblock(c.stdout);
      this.unblock(c.stderr);
      if (this.clients.size === 0 && !this.ended && (!this.keepForStdin || this.stdinEnded)) {
        this.ended = true;
        if (conns.get(this.id) === this) conns.delete(this.id);
        this.pkt.socket.destroy();
      }
    }
    finish(): void {
      if (conns.get(this.id) === this) conns.delete(this.id);
      this.ended = true;
      for (const c of [...this.clients]) c.end();
      this.clients.clear();
      this.pkt.socket.destroy();
    }
  }

  return {
    attach(id, socketPath, opts) {
      let conn = conns.get(id);
      if (!conn || conn.ended) {
        conn = new Connection(id, native().connectSeqpacket(socketPath), opts.needsStdinOpen);
        conns.set(id, conn);
      }
      const c = conn;
      const outputs = sessionOutputs();
      const client: Client = { stdout: outputs.stdout, stderr: outputs.stderr, end: outputs.end };
      c.clients.add(client);
      let stdin: Writable | undefined;
      if (opts.stdin) {
        stdin = new Writable({
          write(chunk: Buffer, _enc, cb) {
            c.write(chunk).then(() => cb(), cb);
          },
          final(cb) {
            if (opts.stdinOnce) c.endStdin().then(() => cb(), cb);
            else cb();
          },
        });
        stdin.on('error', () => {});
      }
      return outputs.session(stdin, () => {
        client.end();
        c.remove(client);
      });
    },
  };
}
