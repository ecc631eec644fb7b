/**
 * Read buffers of one log read, recycled once the consumer has written every frame cut from
 * them: a 100 MiB read-back then allocates a handful of buffers instead of a hundred (large
 * short-lived buffers are what made the daemon's garbage collector busy).
 *
 * Recycling is opt-in and safe by default: a frame carries `release()`, which a consumer calls
 * when the frame's bytes were handed to the kernel (e.g. in a socket write's callback). A
 * buffer returns to the pool only when the scanner has moved past it and every frame cut from
 * it was released; frames nobody releases (a consumer that keeps them) just leave their buffer
 * to the garbage collector.
 */

interface Slot {
  /** Frames cut from the buffer and not released yet. */
  open: number;
  /** The scanner moved on to another buffer. */
  retired: boolean;
}

/** A per-read pool of equal-size buffers with per-buffer frame counts. */
export class ReadBufferPool {
  private readonly free: Buffer[] = [];
  private readonly slots = new WeakMap<Buffer, Slot>();

  /**
   * @param size the size of pooled buffers
   * @param keep how many free buffers to hold at most
   */
  constructor(
    private readonly size: number,
    private readonly keep = 4,
  ) {}

  /** A buffer of at least `min` bytes: a recycled one when `min` fits the pool size. Never throws. */
  get(min: number): Buffer {
    if (min > this.size) return Buffer.allocUnsafe(min);
    const buf = this.free.pop() ?? Buffer.allocUnsafe(this.size);
    this.slots.set(buf, { open: 0, retired: false });
    return buf;
  }

  /**
   * Counts a frame cut from `buf` and returns its release function (idempotent), or undefined
   * when `buf` is not a pooled buffer. Never throws.
   */
  frame(buf: Buffer): (() => void) | undefined {
    const slot = this.slots.get(buf);
    if (!slot) return undefined;
    slot.open++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      slot.open--;
      this.maybeFree(buf, slot);
    };
  }

  /** The scanner is done with `buf` (no more frames will be cut from it). Never throws. */
  retire(buf: Buffer): void {
    const slot = this.slots.get(buf);
    if (!slot) return;
    slot.retired = true;
    this.maybeFree(buf, slot);
  }

  private maybeFree(buf: Buffer, slot: Slot): void {
    if (!slot.retired || slot.open > 0) return;
    this.slots.delete(buf);
    if (this.free.length < this.keep) this.free.push(buf);
  }
}
