/**
 * The output side shared by container attach and exec attach: chunks read from conmon's
 * attach socket (a session's stdout and stderr) into the client's queue, pausing the socket
 * while the client lags behind.
 */
import type { Readable } from 'node:stream';
import type { AsyncQueue } from './queue.js';

/** One output chunk for the client; stream 1 is stdout, 2 stderr. */
export type OutputChunk = { stream: 1 | 2; data: Buffer };

/** Output chunks buffered per client before conmon's socket is paused. */
const HIGH_WATER = 256;

/** The output streams of an attach session. */
export interface SessionStreams {
  stdout: Readable;
  stderr: Readable;
}

/** What `pumpOutput` reports while it runs. */
export interface OutputPump {
  /** True while the session's streams are paused for a lagging client. */
  readonly paused: boolean;
  /** When the last chunk arrived from the session (ms since the epoch; set at start). */
  readonly lastData: number;
}

/**
 * Copies the wanted streams of `s` into `queue` (unwanted data is read and dropped). When the
 * queue holds HIGH_WATER chunks both streams pause until the client drained it. Never throws.
 */
export function pumpOutput(s: SessionStreams, queue: AsyncQueue<OutputChunk>, want: { stdout: boolean; stderr: boolean }): OutputPump {
  const state = { paused: false, lastData: Date.now() };
  const pushFrom = (stream: 1 | 2, wanted: boolean) => (d: Buffer) => {
    state.lastData = Date.now();
    if (!wanted) return;
    if (!queue.push({ stream, data: d }, HIGH_WATER) && !state.paused) {
      state.paused = true;
      s.stdout.pause();
      s.stderr.pause();
      queue.onDrain(() => {
        state.paused = false;
        s.stdout.resume();
        s.stderr.resume();
      });
    }
  };
  s.stdout.on('data', pushFrom(1, want.stdout));
  s.stderr.on('data', pushFrom(2, want.stderr));
  return state;
}

/** Resolves once both output streams of `s` ended, closed or failed. Never rejects. */
export function outputEnded(s: SessionStreams): Promise<void> {
  return Promise.all([ended(s.stdout), ended(s.stderr)]).then(() => undefined);
}

function ended(s: Readable): Promise<void> {
  return new Promise((r) => {
    if (s.readableEnded || s.destroyed) return r();
    s.once('end', r);
    s.once('close', r);
    s.once('error', () => r());
  });
}
