/**
 * The process's standard streams for runCli, created on first use. Node builds
 * `process.stdin`/`stdout`/`stderr` lazily, and building one is not free: a file or /dev/null
 * stdin loads node's fs streams (fs/promises, readline), a pipe loads net, a terminal tty. Most
 * commands never read stdin, and `pier --version` writes only stdout.
 */
import type { CliIO } from '../spec.js';

/** CliIO over the process's streams, plus whether stdout was ever used. */
export interface LazyStdio {
  io: CliIO;
  /** True once something asked for stdout (so exiting may have to wait for it to drain). */
  stdoutUsed(): boolean;
}

/**
 * Creates the lazy streams. On first use, stdout gets the handler that ends the program quietly
 * on a closed pipe (`pier events | head`), like docker; other stdout errors are rethrown.
 * Never throws.
 */
export function lazyStdio(): LazyStdio {
  let used = false;
  const io: CliIO = {
    get stdout() {
      const s = process.stdout;
      if (!used) {
        used = true;
        s.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'EPIPE') process.exit(0);
          throw e;
        });
      }
      return s;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
  };
  return { io, stdoutUsed: () => used };
}
