/**
 * sha256 of big streams on a worker thread, so the event loop of the daemon (which also reads
 * the sockets, parses tars and drives the writes of a pull) does not spend a second per
 * 500 MB hashing. Small streams (under 4 MiB) are hashed in place: they never start the worker.
 * Bytes are copied into 1 MiB transfer buffers (a copy costs a tenth of hashing them). The
 * worker is started on first use and stopped once idle for a few seconds.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { internal } from '../errors.js';

/** An incremental sha256 (`digest` gives `sha256:<hex>`). */
export interface StreamHash {
  /** Adds bytes (they are read now or copied; the caller may reuse them afterwards). */
  update(chunk: Buffer): void;
  /** The digest of everything added. Rejects with Internal when the worker failed. */
  digest(): Promise<string>;
  /** Drops the hash (after a failure elsewhere). */
  dispose(): void;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.t === 'u') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(new Uint8Array(m.b, 0, m.n));
    parentPort.postMessage({ r: m.b }, [m.b]);
  } else if (m.t === 'd') {
    const h = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, d: h.digest('hex') });
  } else if (m.t === 'x') hashes.delete(m.id);
});
`;

/** Bytes a stream must reach before it is hashed on the worker. */
const THRESHOLD = 4 << 20;
/** Bytes per message to the worker. */
const PIECE = 1 << 20;
/** Transfer buffers kept for reuse. */
const FREE_MAX = 32;
/** Idle time after which the worker stops. */
const IDLE_MS = 5000;

/** Owner of one (lazily started) hashing worker. */
export class HashWorker {
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (d: string) => void; reject: (e: Error) => void }>();
  private active = 0;
  /** Incremented per started worker: a stream keeps talking only to the worker it began on. */
  private gen = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Transfer buffers the worker gave back. */
  private readonly free: ArrayBuffer[] = [];

  /** @internal A transfer buffer of PIECE bytes (recycled when possible). */
  buffer(): Buffer {
    const ab = this.free.pop();
    return ab ? Buffer.from(ab) : Buffer.allocUnsafeSlow(PIECE); // its own (unpooled, not zeroed) ArrayBuffer
  }

  /** A new stream hash. Never throws. */
  hash(): StreamHash {
    return new WorkerHash(this);
  }

  /** @internal Starts using the worker for one stream; returns its id and the worker's generation. */
  acquire(): { id: number; gen: number } {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (!this.worker) {
      this.failure = undefined;
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      w.on('message', (m: { id: number; d: string; r?: ArrayBuffer }) => {
        if (m.r) {
          if (this.free.length < FREE_MAX) this.free.push(m.r);
          return;
        }
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        p?.resolve('sha256:' + m.d);
      });
      const fail = (e: Error) => {
        this.failure = internal(`hash worker: ${e.message}`, e);
        if (this.worker === w) this.worker = undefined;
        for (const p of this.waiting.values()) p.reject(this.failure);
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => { if (this.worker === w) fail(new Error(`exited with code ${code}`)); });
      this.worker = w;
      this.gen++;
    }
    this.active++;
    return { id: this.nextId++, gen: this.gen };
  }

  private current(gen: number): Worker | undefined {
    return gen === this.gen ? this.worker : undefined;
  }

  /** @internal Posts bytes (the buffer is transferred). */
  post(id: number, gen: number, b: ArrayBuffer, n: number): void {
    this.current(gen)?.postMessage({ t: 'u', id, b, n }, [b]);
  }

  /** @internal Ends stream `id`: resolves with its digest. */
  finish(id: number, gen: number, dispose = false): Promise<string> {
    const w = this.current(gen);
    const p = dispose || !w
      ? Promise.reject(this.failure ?? internal('hash worker stopped'))
      : new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    if (dispose) {
      p.catch(() => {});
      w?.postMessage({ t: 'x', id });
    } else w?.postMessage({ t: 'd', id });
    this.release();
    return p;
  }

  private release(): void {
    if (--this.active > 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.active === 0 && this.waiting.size === 0) {
        const w = this.worker;
        this.worker = undefined;
        void w?.terminate();
        this.free.length = 0;
      }
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  /** Stops the worker now (pending digests reject). */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}

class WorkerHash implements StreamHash {
  private head: Buffer[] = [];
  private headLen = 0;
  private id = 0;
  private gen = 0;
  private piece: Buffer | undefined;
  private pieceLen = 0;
  private done = false;

  constructor(private readonly owner: HashWorker) {}

  update(chunk: Buffer): void {
    if (this.done) throw internal('hash updated after digest');
    if (this.id === 0) {
      this.head.push(Buffer.from(chunk)); // a copy: callers may reuse their buffers
      this.headLen += chunk.length;
      if (this.headLen < THRESHOLD) return;
      ({ id: this.id, gen: this.gen } = this.owner.acquire());
      const head = this.head;
      this.head = [];
      for (const b of head) this.copy(b);
      return;
    }
    this.copy(chunk);
  }

  private copy(src: Buffer): void {
    let off = 0;
    while (off < src.length) {
      this.piece ??= this.owner.buffer();
      const n = src.copy(this.piece, this.pieceLen, off);
      off += n;
      this.pieceLen += n;
      if (this.pieceLen === PIECE) this.flush();
    }
  }

  private flush(): void {
    if (!this.piece || this.pieceLen === 0) return;
    this.owner.post(this.id, this.gen, this.piece.buffer as ArrayBuffer, this.pieceLen);
    this.piece = undefined;
    this.pieceLen = 0;
  }

  digest(): Promise<string> {
    this.done = true;
    if (this.id === 0) {
      const h = createHash('sha256');
      for (const b of this.head) h.update(b);
      this.head = [];
      return Promise.resolve('sha256:' + h.digest('hex'));
    }
    this.flush();
    return this.owner.finish(this.id, this.gen);
  }

  dispose(): void {
    if (this.done) return;
    this.done = true;
    this.head = [];
    if (this.id !== 0) void this.owner.finish(this.id, this.gen, true);
  }
}
