/** Names of errno values returned by libc calls made through koffi. */
import koffi from 'koffi';

/** The symbolic name of errno `n` (e.g. "ENOENT"), or `errno <n>` when it has none. Pure. */
export function errnoName(n: number): string {
  for (const [k, v] of Object.entries(koffi.os.errno)) if (v === n) return k;
  return `errno ${n}`;
}
