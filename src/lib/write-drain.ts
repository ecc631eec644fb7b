/** Writing to a Node stream with backpressure, for long-lived streaming responses. */
import type { Writable } from 'node:stream';

/**
 * Writes `chunk` to `w`, waiting for 'drain' when its buffer is full; `written` (if given) is
 * called once the chunk was handed to the underlying resource without error. Resolves true
 * once the chunk is accepted (or drained), false when the stream is already destroyed/ended or
 * closes while waiting. Never throws or rejects.
 */
export function writeWithDrain(w: Writable, chunk: string | Buffer, written?: () => void): Promise<boolean> {
  if (w.destroyed || w.writableEnded) return Promise.resolve(false);
  if (w.write(chunk, written ? (err) => (err ? undefined : written()) : undefined)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      w.off('drain', onDrain);
      w.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    w.on('drain', onDrain);
    w.on('close', onClose);
  });
}
