/**
 * Start-up of the bundled `pier`: runs the CLI bundle (one CommonJS file, dist/pier-cli.cjs)
 * through `vm.Script` with a V8 code cache, so that a run after the first one skips parsing and
 * compiling the functions it uses (a CommonJS bundle also skips the ESM loader's per-module
 * resolve/link work).
 *
 * One cache file per command word (`ps`, `run`, `container`, …): V8 stores what one run compiled,
 * and each command compiles different functions. Files are named after the bundle's build id
 * (a hash of its content, fixed by scripts/build.mjs, which also writes it at the start of the
 * bundle: a bundle of another build than the launcher's runs uncached), so a rebuilt CLI never
 * runs with the code of an earlier build; V8 itself also rejects caches from another source
 * length, V8 version or flag set, and such a cache is rewritten. Caches live in `<dist>/cache/` (removed by every build)
 * or, when that is not writable, in `$XDG_CACHE_HOME/pier` (`~/.cache/pier`); never in a shared
 * temporary directory, since a cache is code.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

/** Where the bundle is and how to name its caches. */
export interface CodeCacheOptions {
  /** Absolute path of the CommonJS bundle to run (pure ASCII). */
  bundle: string;
  /**
   * Content hash of the bundle (hex), part of every cache file name. scripts/build.mjs starts the
   * bundle with the comment `/*pier-cli <buildId>*\/`; a bundle that does not (another build's,
   * or one edited by hand) runs without any cache.
   */
  buildId: string;
  /** The program's arguments (without node and script): the first one picks the cache. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /**
   * The `require` the bundle gets: the launcher's own (the bundle sits beside it and requires
   * only node builtins), which spares loading node:module for createRequire.
   */
  require: NodeJS.Require;
}

/**
 * The cache file's base name for `argv` and `buildId`: `<command word>-<buildId>.v8`, with
 * `default` when the first argument is not a plain command word (a flag, a path, nothing).
 * `nodeFlags` (node's own options: execArgv, NODE_OPTIONS) change what V8 accepts, so runs with
 * flags get their own files (`<word>.<hash of the flags>-<buildId>.v8`) instead of rejecting and
 * rewriting each other's. Never throws.
 */
export function cacheFileName(argv: readonly string[], buildId: string, nodeFlags = ''): string {
  const first = argv[0] ?? '';
  const word = /^[a-z][a-z0-9-]{0,31}$/.test(first) ? first : 'default';
  const flavor = nodeFlags ? `.${fnv1a(nodeFlags)}` : '';
  return `${word}${flavor}-${buildId.replace(/[^0-9a-zA-Z]/g, '').slice(0, 32)}.v8`;
}

/** 32-bit FNV-1a of a string's UTF-16 units, as 8 hex digits (node:crypto costs a load). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * The directories that may hold caches, in the order writes try them: next to the bundle, then
 * the user's cache directory (none when neither XDG_CACHE_HOME nor HOME is set). Never throws.
 */
export function cacheDirs(bundle: string, env: NodeJS.ProcessEnv): string[] {
  const dirs = [path.join(path.dirname(bundle), 'cache')];
  const base = env.XDG_CACHE_HOME || (env.HOME ? path.join(env.HOME, '.cache') : '');
  if (base && path.isAbsolute(base)) dirs.push(path.join(base, 'pier'));
  return dirs;
}

/**
 * Reads the cache `name`, the user's directory first: a cache lands there only when the bundle's
 * directory refused it (not writable), and then the one beside the bundle, if any, is one V8
 * rejects for this user (another node, other flags); reading it first would recompile each run.
 */
function readCache(dirs: string[], name: string): Buffer | undefined {
  for (const d of [...dirs].reverse()) {
    try {
      return fs.readFileSync(path.join(d, name));
    } catch { /* absent or unreadable: try the next place */ }
  }
  return undefined;
}

/**
 * Writes `data` as `name` in the first directory that accepts it (temporary file, then rename,
 * so a concurrent reader sees a whole cache or none) and drops that directory's caches of other
 * builds. Synchronous: it runs in the process's 'exit' handler. Never throws.
 */
export function writeCache(dirs: string[], name: string, data: Buffer): void {
  const suffix = name.slice(name.lastIndexOf('-'));
  for (const d of dirs) {
    const tmp = path.join(d, `.${name}.${process.pid}.tmp`);
    try {
      fs.mkdirSync(d, { recursive: true, mode: 0o755 });
      fs.writeFileSync(tmp, data, { mode: 0o644 });
      fs.renameSync(tmp, path.join(d, name));
    } catch {
      try { fs.unlinkSync(tmp); } catch { /* never created */ }
      continue;
    }
    try {
      for (const f of fs.readdirSync(d)) if (f.endsWith('.v8') && !f.endsWith(suffix)) fs.unlinkSync(path.join(d, f));
    } catch { /* stale caches are only wasted space */ }
    return;
  }
}

/**
 * Compiles and runs the CommonJS bundle with the cached code for this command when there is
 * one, and saves a fresh cache when the process exits if there was none (or V8 rejected it).
 * Throws what reading the bundle or running its top level throws.
 */
export function runBundle(opts: CodeCacheOptions): void {
  const { bundle } = opts;
  // scripts/build.mjs writes the bundle as pure ASCII: latin1 reads it without UTF-8 decoding.
  const source = fs.readFileSync(bundle, 'latin1');
  const dirs = cacheDirs(bundle, opts.env);
  const name = cacheFileName(opts.argv, opts.buildId, [...process.execArgv, opts.env.NODE_OPTIONS ?? ''].join(' ').trim());
  const ours = source.startsWith(`/*pier-cli ${opts.buildId}*/`);
  const cachedData = ours ? readCache(dirs, name) : undefined;
  // The wrapper shares the bundle's first line, so line numbers in stack traces stay right.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (ours && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', () => {
      try {
        writeCache(dirs, name, script.createCachedData());
      } catch { /* a missing cache only costs time */ }
    });
  }
  const mod = { exports: {} };
  const fn = script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  fn(mod.exports, opts.require, mod, bundle, path.dirname(bundle));
}
