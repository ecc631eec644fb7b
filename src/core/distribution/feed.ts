/**
 * Handing a blob's bytes to its extraction as they arrive from the registry, so a layer is
 * downloaded, verified and extracted in one pass (no second read of the partial file). The
 * download writes into the feed with back-pressure; the puller ends the feed only once the
 * download finished and the blob's digest was verified, and fails it otherwise — the
 * extraction (which publishes nothing before its stream ended) never keeps unverified data.
 */
import { Readable } from 'node:stream';

/** Bytes buffered for a reader that is behind before the download waits. */
const HIGH_WATER = 8 << 20;

/** A readable fed by a download (see module comment). */
export class BlobFeed {
  /** What the extraction reads. */
  readonly stream: Readable;
  /** Set when a download took the feed: from then on only that download writes into it. */
  started = false;
  private wake: (() => void) | null = null;

  /** Creates an idle feed. */
  constructor() {
    this.stream = new Readable({ highWaterMark: HIGH_WATER, read: () => this.resume() });
    this.stream.once('close', () => this.resume());
  }

  private resume(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** True while the reader may still want bytes. */
  get open(): boolean {
    return !this.stream.destroyed && !this.stream.readableEnded;
  }

  /**
   * Adds bytes (in order). Returns a promise to wait for when the reader is behind, else
   * undefined. Bytes are dropped once the reader went away. Never throws.
   */
  write(chunk: Buffer): Promise<void> | undefined {
    if (this.stream.destroyed) return undefined;
    if (this.stream.push(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  /** Ends the stream (every byte written and verified). */
  end(): void {
    if (!this.stream.destroyed) this.stream.push(null);
  }

  /** Fails the stream with `e`. */
  fail(e: unknown): void {
    if (!this.stream.destroyed) this.stream.destroy(e instanceof Error ? e : new Error(String(e)));
  }

  /** Feeds a whole stream (the blob read back from the store), then ends; fails on its errors. */
  async pipeFrom(src: Readable): Promise<void> {
    try {
      for await (const c of src) {
        if (this.stream.destroyed) break;
        const wait = this.write(c as Buffer);
        if (wait) await wait;
      }
      this.end();
    } catch (e) {
      this.fail(e);
    } finally {
      if (!src.destroyed) src.destroy();
    }
  }
}
