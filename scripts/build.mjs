#!/usr/bin/env node
// Builds Pier: type-checks and compiles every TypeScript file to dist/ (tests run from there),
// then bundles the two entry points into single files for fast start-up:
//   dist/pier.cjs  (the CLI launcher bin/pier runs; dist/pier.mjs imports it) and dist/pier-cli.cjs (the CLI)
//   dist/pierd.mjs (the daemon)
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';

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
// The CLI is one CommonJS bundle, dist/pier-cli.cjs, run by a small launcher, dist/pier.cjs
// (src/cli/startup/entry.ts), through vm.Script with a V8 code cache per command word: a later
// `pier ps` neither parses nor compiles what it ran before, and CommonJS skips the ESM loader's
// per-module work. Command modules are still evaluated lazily (esbuild wraps dynamically
// imported modules in init functions). The launcher names caches after the bundle's content
// hash, so a rebuilt CLI never runs an earlier build's cached code; caches next to it are
// dropped here too. dist/pier.mjs stays as an ESM entry for callers that still run it.
await rm(path.join(root, 'dist', 'chunks'), { recursive: true, force: true });
await rm(path.join(root, 'dist', 'cache'), { recursive: true, force: true });
const cli = await build({
  ...common,
  banner: {},
  format: 'cjs',
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/pier-cli.cjs',
  // registry.ts reads import.meta.url only in the ESM tree (dist/src); bundled it uses __filename.
  logOverride: { 'empty-import-meta': 'silent' },
  // Less source to read at every start (the launcher reads it whole; V8 needs it beside the cache).
  minifyWhitespace: true,
  minifySyntax: true,
  write: false,
});
// Pure ASCII, so the launcher can read it as latin1 (no UTF-8 decoding of ~650 KB per start):
// the few non-ASCII characters left (in regular expressions) become \u escapes, which mean the
// same in strings, templates and regular expressions.
const cliText = cli.outputFiles[0].text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const buildId = createHash('sha256').update(cliText).digest('hex').slice(0, 16);
// The bundle starts with its build id, which the launcher checks before using a cache; the
// bundle is renamed into place before the launcher is written, so a pier started during a build
// never pairs one build's launcher with another's cache.
const cliFile = path.join(root, 'dist', 'pier-cli.cjs');
await writeFile(`${cliFile}.tmp`, Buffer.from(`/*pier-cli ${buildId}*/${cliText}`, 'latin1'));
await rename(`${cliFile}.tmp`, cliFile);
await build({
  ...common,
  banner: {},
  format: 'cjs',
  entryPoints: ['src/cli/startup/entry.ts'],
  outfile: 'dist/pier.cjs',
  define: { PIER_CLI_BUILD_ID: JSON.stringify(buildId) },
});
await writeFile(path.join(root, 'dist', 'pier.mjs'), "// The pier CLI as an ESM entry; bin/pier runs dist/pier.cjs directly (no ESM loader).\nimport './pier.cjs';\n");
// pierd does many parallel fs operations (fsyncs, layer files): a larger libuv pool keeps
// create requests from queueing behind them. Set before anything touches the pool.
await build({
  ...common,
  entryPoints: ['src/daemon/main.ts'],
  outfile: 'dist/pierd.mjs',
  banner: { js: "process.env.UV_THREADPOOL_SIZE ??= '16'; " + common.banner.js },
});
