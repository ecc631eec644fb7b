/**
 * Entry point of dist/pier.cjs, the file `bin/pier` runs: hands the CLI bundle next to it
 * (dist/pier-cli.cjs, built from src/cli/main.ts) to runBundle with the build id that
 * scripts/build.mjs defines. Only bundled as CommonJS (it uses `__dirname`).
 */
import path from 'node:path';
import { runBundle } from './code-cache.js';

/** Content hash of dist/pier-cli.cjs, replaced by scripts/build.mjs (esbuild `define`). */
declare const PIER_CLI_BUILD_ID: string;

runBundle({
  bundle: path.join(__dirname, 'pier-cli.cjs'),
  buildId: typeof PIER_CLI_BUILD_ID === 'string' ? PIER_CLI_BUILD_ID : 'dev',
  argv: process.argv.slice(2),
  env: process.env,
  require,
});
