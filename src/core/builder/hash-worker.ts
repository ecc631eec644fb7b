/**
 * sha256 of big context files on a worker thread, so that hashing a 50 MB COPY source runs on
 * the second core while the main thread keeps receiving the context. The main thread copies
 * each received chunk into a ring buffer shared with the worker (SharedArrayBuffer; a copy
 * into warm memory costs a fraction of hashing it) and the worker hashes from there; the
 * digest comes back as a message. The result is the plain sha256 of the bytes, exactly what
 * hashing them inline gives.
 *
 * Ring records, 8-byte aligned: `[job id: i32][length: i32][payload, padded to 8]`; length -1
 * ends a job. Two BigInt64 counters (bytes written, bytes read, never wrapping) let each side
 * wait for the other (Atomics.wait in the worker, Atomics.waitAsync on the main thread); two
 * flags say who sleeps, so that wake-ups (futex calls) are made only when needed and, while a
 * context streams in, once per batch of chunks rather than per chunk.
 *
 * The worker starts on first use and stays (unref'd) for the life of the daemon; until it
 * has answered that it is ready, and after it failed, jobs are hashed inline.
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** One stream being hashed. */
export interface StreamHash {
  /** Adds bytes (the buffer may be reused once the returned promise, if any, resolved). Throws nothing. */
  update(chunk: Buffer): void | Promise<void>;
  /** The hex sha256 of everything added; call once. Rejects when the worker died meanwhile. */
  digest(): Promise<string>;
}

/** Hashing offloaded to a worker thread. */
export interface HashOffload {
  /** Starts hashing one stream (on the worker when it is up, else inline). Never throws. */
  begin(): StreamHash;
  /** Starts the worker if needed; resolves true once it is up, false when it failed. Never rejects. */
  ready(): Promise<boolean>;
  /** Stops the worker; later jobs are hashed inline. Never throws. */
  close(): Promise<void>;
}

/** Options of createHashOffload. */
export interface HashOffloadOptions {
  /** Bytes of the shared ring (default 8 MiB; a multiple of 8). */
  ringBytes?: number;
}

// The worker's program: a CommonJS script evaluated by the Worker (works bundled or not).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const ctl = new BigInt64Array(workerData.ctl);
const ring = Buffer.from(workerData.ring);
const words = new Int32Array(workerData.ring);
const cap = ring.length;
const bigCap = BigInt(cap);
const jobs = new Map();
let r = 0n;
parentPort.postMessage({ ready: true });
for (;;) {
  let w = Atomics.load(ctl, 0);
  while (w === r) {
    Atomics.store(ctl, 2, 1n);
    Atomics.wait(ctl, 0, w);
    Atomics.store(ctl, 2, 0n);
    w = Atomics.load(ctl, 0);
  }
  while (r < w) {
    const pos = Number(r % bigCap);
    const id = words[pos >> 2];
    const len = words[(pos >> 2) + 1];
    let adv = 8;
    if (len < 0) {
      const h = jobs.get(id) || createHash('sha256');
      jobs.delete(id);
      parentPort.postMessage({ id, hex: h.digest('hex') });
    } else {
      let h = jobs.get(id);
      if (!h) {
        h = createHash('sha256');
        jobs.set(id, h);
      }
      const p = (pos + 8) % cap;
      const first = Math.min(len, cap - p);
      h.update(ring.subarray(p, p + first));
      if (first < len) h.update(ring.subarray(0, len - first));
      adv += (len + 7) & ~7;
    }
    r += BigInt(adv);
    Atomics.store(ctl, 1, r);
    if (Atomics.load(ctl, 3) !== 0n) Atomics.notify(ctl, 1);
  }
}
`;

/** Atomics.waitAsync (in Node 20, missing from the TypeScript lib this project targets). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: BigInt64Array, i: number, v: bigint, timeout: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

// Counters and flags in the control array.
const WRITTEN = 0;
const READ = 1;
/** Set by the worker before it sleeps in Atomics.wait, cleared by the writer that wakes it. */
const WORKER_SLEEPS = 2;
/** How many writers on the main thread wait for room: only then does the worker notify reads. */
const MAIN_WAITS = 3;
/** Unread bytes that make a writer wake a sleeping worker (an end record always does). */
const WAKE_AT = 1 << 20;

/** A hash computed on the calling thread (the fallback). */
function inlineHash(): StreamHash {
  const h: Hash = createHash('sha256');
  return {
    update(chunk) {
      h.update(chunk);
    },
    digest: () => Promise.resolve(h.digest('hex')),
  };
}

/** Creates the offload (the worker starts on the first begin). Never throws. */
export function createHashOffload(options: HashOffloadOptions = {}): HashOffload {
  const cap = Math.max(1 << 16, (options.ringBytes ?? 8 << 20) & ~7);
  const piece = cap >> 2;
  let worker: Worker | undefined;
  let state: 'idle' | 'starting' | 'ready' | 'broken' = 'idle';
  let ctl: BigInt64Array | undefined;
  let ring: Buffer | undefined;
  let words: Int32Array | undefined;
  let written = 0n;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>();

  const readyWaiters: ((ok: boolean) => void)[] = [];
  const fail = (e: Error) => {
    state = 'broken';
    for (const r of readyWaiters.splice(0)) r(false);
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };

  const start = () => {
    state = 'starting';
    try {
      const ctlSab = new SharedArrayBuffer(32);
      const ringSab = new SharedArrayBuffer(cap);
      ctl = new BigInt64Array(ctlSab);
      ring = Buffer.from(ringSab);
      words = new Int32Array(ringSab);
      ring.fill(0); // touch the pages now, not while a context streams in
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { ctl: ctlSab, ring: ringSab } });
      worker = w;
      w.unref();
      w.on('message', (m: { ready?: boolean; id?: number; hex?: string }) => {
        if (m.ready) {
          if (state === 'starting') state = 'ready';
          for (const r of readyWaiters.splice(0)) r(state === 'ready');
          return;
        }
        const job = waiting.get(m.id!);
        waiting.delete(m.id!);
        job?.resolve(m.hex!);
      });
      w.on('error', (e) => fail(e));
      w.on('exit', () => fail(new Error('the hashing worker exited')));
    } catch (e) {
      fail(e instanceof Error ? e : new Error(String(e)));
    }
  };

  /** Appends one record; the ring has room for it. */
  const put = (id: number, data: Buffer | null): void => {
    const pos = Number(written % BigInt(cap));
    words![pos >> 2] = id;
    words![(pos >> 2) + 1] = data ? data.length : -1;
    let adv = 8;
    if (data) {
      const p = (pos + 8) % cap;
      const first = Math.min(data.length, cap - p);
      data.copy(ring!, p, 0, first);
      if (first < data.length) data.copy(ring!, 0, first);
      adv += (data.length + 7) & ~7;
    }
    written += BigInt(adv);
    Atomics.store(ctl!, WRITTEN, written);
    // A futex wake per chunk would cost more than the copy: wake the worker once a batch is in.
    if (!data || Number(written - Atomics.load(ctl!, READ)) >= WAKE_AT) wake();
  };

  /**
   * Wakes the worker if it sleeps. Only the writer that clears the flag calls notify: until
   * the woken worker actually runs, later writes must not pay for more wake-ups.
   */
  const wake = (): void => {
    if (Atomics.compareExchange(ctl!, WORKER_SLEEPS, 1n, 0n) === 1n) Atomics.notify(ctl!, WRITTEN, 1);
  };

  /** True (after writing it) when the record fit into the ring now. Throws when the worker is gone. */
  const tryPut = (id: number, data: Buffer | null): boolean => {
    if (state !== 'ready') throw new Error('the hashing worker is gone');
    const need = 8 + (data ? (data.length + 7) & ~7 : 0);
    if (cap - Number(written - Atomics.load(ctl!, READ)) < need) return false;
    put(id, data);
    return true;
  };

  /** Writes a record once the worker made room (check and write in one synchronous step). */
  const putLater = async (id: number, data: Buffer | null): Promise<void> => {
    if (tryPut(id, data)) return;
    Atomics.add(ctl!, MAIN_WAITS, 1n);
    try {
      for (;;) {
        // The worker may be asleep on a batch below WAKE_AT: make sure it drains the ring.
        wake();
        // Read progress made before the count was seen is checked here, later progress wakes us.
        const seen = Atomics.load(ctl!, READ);
        if (tryPut(id, data)) return;
        const res = waitAsync(ctl!, READ, seen, 1000);
        if (res.async) await res.value;
      }
    } finally {
      Atomics.sub(ctl!, MAIN_WAITS, 1n);
    }
  };

  const offloaded = (): StreamHash => {
    const id = nextId;
    nextId = nextId >= 0x7fffffff ? 1 : nextId + 1;
    let failure: Error | undefined;
    const result = new Promise<string>((resolve, reject) => waiting.set(id, { resolve, reject }));
    result.catch(() => {});
    // The records of one job go out in order: once one had to wait, the next ones queue behind it.
    let tail: Promise<void> | undefined;
    const settle = (p: Promise<void>): Promise<void> => {
      const t: Promise<void> = p.then(
        () => {
          if (tail === t) tail = undefined;
        },
        (e: unknown) => {
          failure ??= e as Error;
          if (tail === t) tail = undefined;
        },
      );
      tail = t;
      return t;
    };
    const queue = (data: Buffer | null): void | Promise<void> => {
      if (failure) return;
      if (tail) return settle(tail.then(() => (failure ? undefined : putLater(id, data))));
      try {
        if (tryPut(id, data)) return;
      } catch (e) {
        failure ??= e as Error;
        return;
      }
      return settle(putLater(id, data));
    };
    return {
      update(chunk) {
        let last: Promise<void> | undefined;
        for (let off = 0; off < chunk.length; off += piece) {
          const r = queue(off === 0 && chunk.length <= piece ? chunk : chunk.subarray(off, off + piece));
          if (r) last = r;
        }
        return last;
      },
      async digest() {
        await queue(null);
        if (failure) {
          waiting.delete(id);
          throw failure;
        }
        return result;
      },
    };
  };

  return {
    begin() {
      if (state === 'idle') start();
      return state === 'ready' ? offloaded() : inlineHash();
    },
    ready() {
      if (state === 'idle') start();
      if (state === 'ready' || state === 'broken') return Promise.resolve(state === 'ready');
      return new Promise<boolean>((r) => readyWaiters.push(r));
    },
    async close() {
      const w = worker;
      worker = undefined;
      state = 'broken';
      if (w) await w.terminate().catch(() => 0);
    },
  };
}
