#!/usr/bin/env node
// Builds Pier: type-checks and compiles every TypeScript file to dist/ (tests run from there),
// then bundles the two entry points into single files for fast start-up:
//   dist/pier.mjs  (the CLI, with its lazily loaded chunks in dist/chunks/)
//   dist/pierd.mjs (the daemon)
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { rm } from 'node:fs/promises';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
execFileSync(tsc, ['-p', 'tsconfig.json'], { stdio: 'inherit' });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  // createRequire shim so CommonJS dependencies bundled into ESM can require builtins.
  banner: { js: "import { createRequire as __pierCreateRequire } from 'node:module'; const require = __pierCreateRequire(import.meta.url);" },
  external: ['koffi'],
  logLevel: 'warning',
};
// The CLI is split: each command's module (and what only it uses: compose, YAML, the JSON
// schema, …) is a chunk loaded on demand, so `pier ps` does not parse compose's code.
await rm(path.join(root, 'dist', 'chunks'), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { pier: 'src/cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
});
// pierd does many parallel fs operations (fsyncs, layer files): a larger libuv pool keeps
// create requests from queueing behind them. Set before anything touches the pool.
await build({
  ...common,
  entryPoints: ['src/daemon/main.ts'],
  outfile: 'dist/pierd.mjs',
  banner: { js: "process.env.UV_THREADPOOL_SIZE ??= '16'; " + common.banner.js },
});
