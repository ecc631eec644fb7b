/**
 * Writing a stream of chunks to a file in big batches: chunks are gathered until about 1 MiB
 * and written with one `writev` on the thread pool while the next batch gathers. Per-chunk
 * asynchronous writes of 64–256 KiB cost several times more CPU than the copy itself (one
 * thread-pool round trip each), which dominated pulls of big layers.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before a batch is written. */
const BATCH = 1 << 20;
/** Chunks per writev (well under IOV_MAX). */
const MAX_IOV = 256;

async function writevAll(fh: FileHandle, bufs: Buffer[]): Promise<void> {
  let rest = bufs;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    let n = bytesWritten;
    let i = 0;
    while (i < rest.length && n >= rest[i]!.length) n -= rest[i++]!.length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = rest[0]!.subarray(n);
  }
}

/** A file written sequentially in batches (see module comment). Not safe for concurrent `write` calls. */
export class FileSink {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private inflight: Promise<void> | null = null;
  private failure: unknown;
  private closed = false;

  private constructor(private readonly fh: FileHandle) {}

  /** Opens `file` with `flags` ('w', 'wx', 'a', …) and `mode`. Throws fs errors. */
  static async open(file: string, flags: string, mode = 0o644): Promise<FileSink> {
    return new FileSink(await open(file, flags, mode));
  }

  /**
   * Queues `chunk` (kept by reference: do not modify it afterwards). Returns a promise when the
   * caller should wait before writing more (a batch is full while the previous one is still
   * being written), else undefined. Throws (or rejects with) the error of an earlier batch.
   */
  write(chunk: Buffer): Promise<void> | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.length === 0) return undefined;
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    if (this.pendingLen < BATCH && this.pending.length < MAX_IOV) return undefined;
    if (!this.inflight) {
      this.start();
      return undefined;
    }
    return this.inflight.then(() => {
      if (this.failure !== undefined) throw this.failure;
      if (!this.inflight && (this.pendingLen >= BATCH || this.pending.length >= MAX_IOV)) this.start();
    });
  }

  private start(): void {
    const bufs = this.pending;
    this.pending = [];
    this.pendingLen = 0;
    this.inflight = writevAll(this.fh, bufs).then(
      () => { this.inflight = null; },
      (e: unknown) => { this.inflight = null; this.failure ??= e; },
    );
  }

  /** Writes what is left and closes the file. Throws the first write error (the file is closed anyway). */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      while (this.inflight) await this.inflight;
      if (this.failure === undefined && this.pending.length > 0) {
        this.start();
        while (this.inflight) await this.inflight;
      }
    } finally {
      this.closed = true;
      await this.fh.close();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Closes the file without reporting errors (after a failure elsewhere); queued bytes may be lost. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inflight) await this.inflight;
    await this.fh.close().catch(() => {});
  }
}

/**
 * Writes every chunk of `source` to `file` (opened with `flags` and `mode`) in batches, then
 * closes it. Returns the number of bytes written. Throws the source's or the file's errors
 * (the file is closed; removing it is the caller's business).
 */
export async function writeToFile(source: AsyncIterable<Buffer>, file: string, flags: string, mode = 0o644): Promise<number> {
  const sink = await FileSink.open(file, flags, mode);
  let n = 0;
  try {
    for await (const c of source) {
      n += c.length;
      const wait = sink.write(c);
      if (wait) await wait;
    }
  } catch (e) {
    await sink.abort();
    throw e;
  }
  await sink.close();
  return n;
}
