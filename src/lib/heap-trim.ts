/**
 * Giving memory back to the system after a burst. Node's Buffers live in glibc's malloc heap;
 * once a large build's buffers are collected, glibc keeps the freed pages mapped (measured:
 * pierd at 152 MB twenty seconds after a 350 MB / 30k-file build, 71 MB after one
 * `malloc_trim(0)`, its idle size). V8 frees those buffers at its own pace, so the trim runs
 * twice, a few seconds and half a minute after the burst, rescheduled by a newer one.
 */
import koffi from 'koffi';

/** Schedules trims after bursts of allocation. */
export interface HeapTrimmer {
  /** A burst just ended: trims later (see the file comment). Never throws. */
  soon(): void;
  /** Cancels pending trims. Never throws. */
  close(): void;
}

/** When the trims run after a burst (ms). */
const DEFAULT_DELAYS_MS = [5_000, 30_000];

/** libc's malloc_trim(0), bound on first use; a no-op where it cannot be bound. */
function libcTrim(): () => void {
  let fn: ((pad: number) => number) | undefined | null;
  return () => {
    if (fn === undefined) {
      try {
        fn = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
      } catch {
        fn = null;
      }
    }
    fn?.(0);
  };
}

/** Creates a trimmer (`trim` and `delaysMs` replaceable for tests). Never throws. */
export function createHeapTrimmer(deps: { trim?: () => void } = {}, options: { delaysMs?: readonly number[] } = {}): HeapTrimmer {
  const trim = deps.trim ?? libcTrim();
  const delays = options.delaysMs ?? DEFAULT_DELAYS_MS;
  let timers: NodeJS.Timeout[] = [];
  const close = () => {
    for (const t of timers) clearTimeout(t);
    timers = [];
  };
  return {
    soon() {
      close();
      timers = delays.map((ms) => {
        const t = setTimeout(() => {
          try {
            trim();
          } catch {
            /* nothing to give back */
          }
        }, ms);
        t.unref();
        return t;
      });
    },
    close,
  };
}
