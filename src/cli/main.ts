/**
 * Entry point of `pier` (bundled into dist/pier-cli.cjs, run by dist/pier.cjs). Keeps its top
 * level cheap: commands are loaded on demand by runCli, and the standard streams are created
 * only when used (see startup/stdio.ts).
 */
import { runCli } from './app.js';
import { lazyStdio } from './startup/stdio.js';

const stdio = lazyStdio();

runCli(process.argv.slice(2), { io: stdio.io, env: process.env }).then(
  (code) => {
    process.exitCode = code;
    // Hijacked sockets or stdin listeners may keep the loop alive after the command finished.
    const flush = () => process.exit(code);
    if (stdio.stdoutUsed() && process.stdout.writableNeedDrain) process.stdout.once('drain', flush);
    else setImmediate(flush);
  },
);
