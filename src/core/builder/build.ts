/**
 * One build from start to end: extract the context, read the Dockerfile and .dockerignore,
 * parse, split into meta ARGs and stages, keep only the stages the target needs, run their
 * instructions with Docker's step output, then tag and report the result.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProgressMessage } from '../../api/types.js';
import { invalidArgument } from '../../lib/errors.js';
import { newId, shortId } from '../../lib/ids.js';
import { familiarName, familiarString, parseNormalizedReference, withDefaultTag } from '../../oci/reference.js';
import type { BuildEmit, BuildRequest, BuilderDeps } from './index.js';
import type { BuildCache } from './cache.js';
import { parseDockerfile } from './parser.js';
import { toInstruction, type Instruction } from './instructions.js';
import { cleanPath, compilePatterns, isExcluded, readIgnoreFile } from '../../lib/dockerignore.js';
import { resolveInRoot } from './paths.js';
import { extractTarInto } from './extract.js';
import { removeTree } from './remove-tree.js';
import { run } from '../../lib/exec.js';
import { automaticPlatformArgs, parseBuildPlatform } from './platform.js';
import { loadCacheSources } from './cache-from.js';
import { createDeferredBodies, materializeDeferred } from './deferred.js';
import type { ContentMemo, KeptFile } from './content-memo.js';

/** Long-lived helpers the builder service hands to each build. */
export interface BuildHelpers {
  /** Big files of the last context with their digests (content-memo.ts). */
  memo?: ContentMemo;
}
import { processWord } from './shell-lex.js';
import { argValue, say, type BuildState } from './stage.js';
import { neededStages, runStages, type StagePlan } from './stages-run.js';


/** Validates and normalises `-t` values. Throws InvalidArgument (Docker's reference errors). */
export function parseTags(tags: string[]): { repo: string; tag: string; display: string }[] {
  return tags.map((t) => {
    const ref = withDefaultTag(parseNormalizedReference(t));
    if (ref.digest) throw invalidArgument(`invalid reference format`);
    return { repo: familiarName(ref), tag: ref.tag!, display: familiarString(ref) };
  });
}

/** Splits instructions into meta ARGs and stages. Throws InvalidArgument for content before FROM. */
function plan(instrs: Instruction[]): { metaArgs: Extract<Instruction, { kind: 'arg' }>[]; stages: StagePlan[] } {
  const metaArgs: Extract<Instruction, { kind: 'arg' }>[] = [];
  const stages: StagePlan[] = [];
  for (const ins of instrs) {
    if (ins.kind === 'from') stages.push({ from: ins, body: [], name: ins.stageName });
    else if (stages.length === 0) {
      if (ins.kind !== 'arg') throw invalidArgument('no build stage in current context');
      metaArgs.push(ins);
    } else stages[stages.length - 1]!.body.push(ins);
  }
  if (stages.length === 0) throw invalidArgument('no build stage in current context');
  return { metaArgs, stages };
}


/**
 * Runs a build. Emits progress through `emit`; returns the final image id. Throws
 * InvalidArgument/NotFound before the first step for bad requests or Dockerfiles, and any
 * step error afterwards.
 */
export async function runBuild(deps: BuilderDeps, cache: BuildCache, builderDir: string, req: BuildRequest, emit: BuildEmit, helpers: BuildHelpers = {}): Promise<string> {
  const { memo } = helpers;
  const tmpRoot = path.join(builderDir, 'tmp');
  const tags = parseTags(req.tags);
  const platform = req.platform ? parseBuildPlatform(req.platform) : undefined;
  const work = path.join(tmpRoot, newId().slice(0, 24));
  const ctxDir = path.join(work, 'context');
  // extractTarInto creates ctxDir (and so `work`) while the context already streams in.
  const hashes = new Map<string, string>();
  const deferred = createDeferredBodies(HELD_BUDGET);
  try {
    const t0 = Date.now();
    const mtimes = new Map<string, Date>();
    let materialized: Promise<void> | undefined;
    const materialize = () => (materialized ??= materializeDeferred(deferred, mtimes));
    const dfName = req.dockerfile || 'Dockerfile';
    const wanted = [dfName, 'dockerfile', `${dfName}.dockerignore`, '.dockerignore'];
    // The Dockerfile and ignore files are kept from the stream when they are top-level files.
    const capture = { names: new Set(wanted.map(topLevel).filter((n): n is string => n !== undefined)), files: new Map<string, Buffer | null>() };
    const memoOut = memo ? new Map<string, KeptFile>() : undefined;
    await extractTarInto(req.context, ctxDir, { keepOwnership: false, fresh: true, signal: req.signal, hashes, mtimes, defer: deferred, capture, memo, memoOut });
    if (memo && memoOut) memo.publish(memoOut);
    const tx = Date.now();
    deps.log.debug('build context extracted', { ms: tx - t0 });
    /** Whether `name` must be read from disk (not captured; a missing top-level name needs no read). */
    const onDisk = (name: string) => {
      const top = topLevel(name);
      return top === undefined || capture.files.get(top) === null;
    };
    const readContextFile = async (name: string): Promise<string | undefined> => {
      if (!onDisk(name)) return capture.files.get(topLevel(name)!)?.toString('utf8');
      return readFile(await resolveInRoot(ctxDir, name), 'utf8').catch(() => undefined);
    };
    let text: string | undefined;
    // A Dockerfile or ignore file big enough to be held in memory must be on disk to be read.
    if (deferred.bodies.size > 0 && wanted.some(onDisk)) {
      const abs = await Promise.all(wanted.filter(onDisk).map((n) => resolveInRoot(ctxDir, n).catch(() => '')));
      if (abs.some((a) => deferred.bodies.has(a))) await materialize();
    }
    for (const name of dfName === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [dfName]) {
      text = await readContextFile(name);
      if (text !== undefined) break;
    }
    if (text === undefined) throw invalidArgument(`Cannot locate specified Dockerfile: ${dfName}`);
    // BuildKit's `<Dockerfile>.dockerignore` next to the Dockerfile wins over `.dockerignore`.
    const ignore = (await readContextFile(`${dfName}.dockerignore`)) ?? (await readContextFile('.dockerignore')) ?? '';
    const patterns = compilePatterns(readIgnoreFile(ignore));
    if (text.trim() === '') throw invalidArgument(`the Dockerfile (${dfName}) cannot be empty`);
    const parsed = parseDockerfile(text);
    const instrs = parsed.nodes.map((n) => toInstruction(n, parsed.escape));
    const { metaArgs, stages } = plan(instrs);
    let target = stages.length - 1;
    if (req.target) {
      target = stages.findIndex((s) => s.name === req.target!.toLowerCase());
      if (target < 0) throw invalidArgument(`failed to reach build target ${req.target} in Dockerfile`);
    }
    const need = neededStages(stages, target);
    const tp = Date.now();
    if (Object.keys(req.labels).length > 0) {
      const node = { ...stages[target]!.from.node, cmd: 'label', cmdRaw: 'LABEL', flags: [], rest: '', heredocs: [] };
      const pairs = Object.entries(req.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, JSON.stringify(v)] as [string, string]);
      node.original = 'LABEL ' + pairs.map(([k, v]) => `${JSON.stringify(k)}=${v}`).join(' ');
      stages[target]!.body.push({ node, kind: 'label', pairs });
    }

    const buffered: ProgressMessage[] = [];
    const write = async (m: ProgressMessage) => {
      if (req.quiet) buffered.push(m);
      else await emit(m);
    };
    const st: BuildState = {
      deps, req, cache, escape: parsed.escape, metaArgs: new Map(), stages: [], stageNames: new Map(), write, usedArgs: new Set(), builderDir, background: new Set(),
      cacheFrom: req.cacheFrom?.length ? loadCacheSources(deps, req.cacheFrom) : undefined,
      context: { root: ctxDir, excluded: patterns.length ? (rel) => isExcluded(rel, patterns) : undefined, hasExceptions: patterns.some((p) => p.exclusion), hashes, mtimes, deferred, materialize },
    };
    const total = metaArgs.length + [...need].reduce((n, i) => n + 1 + stages[i]!.body.length, 0);
    let step = 0;
    const header = async (ins: Instruction) => {
      step++;
      await say(st, `Step ${step}/${total} : ${ins.node.original}`);
      await say(st, '\n');
    };
    const automatic = new Map(automaticPlatformArgs(platform));
    for (const [k, v] of automatic) st.metaArgs.set(k, v);
    try {
      for (const a of metaArgs) {
        await header(a);
        for (const x of a.args) {
          st.usedArgs.add(x.name);
          const dflt = x.value !== undefined ? processWord(x.value, (n) => st.metaArgs.get(n), st.escape).value : automatic.get(x.name);
          st.metaArgs.set(x.name, argValue(st, x.name, dflt));
        }
      }
      const final = await runStages(st, stages, target, step, total).finally(() => Promise.all(st.background!));
      if (!final?.imageId) throw invalidArgument('No image was generated. Is your Dockerfile empty?');
      const unused = Object.keys(req.buildArgs).filter((k) => !st.usedArgs.has(k) && !PREDEFINED_ARGS.has(k));
      if (unused.length > 0) await say(st, `[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
      const id = final.imageId;
      const ts = Date.now();
      await emit({ aux: { ID: id } });
      if (req.quiet) await emit({ stream: `${id}\n` });
      else await say(st, `Successfully built ${shortId(id)}\n`);
      const tt = Date.now();
      for (const t of tags) {
        await deps.images.tag(id, t.repo, t.tag);
        if (!req.quiet) await say(st, `Successfully tagged ${t.display}\n`);
      }
      deps.log.debug('build done', { ms: Date.now() - t0, extractMs: tx - t0, parseMs: tp - tx, stepsMs: ts - tp, tagMs: Date.now() - tt });
      return id;
    } catch (e) {
      if (req.quiet) for (const m of buffered) await emit(m);
      throw e;
    }
  } finally {
    // Not awaited: the client has its answer sooner; leftovers of a stop are cleared at start.
    removeLater(work, hashes.size - deferred.modes.size);
  }
}

/** Context files on disk from which a work directory is removed by `rm -rf` (see removeLater). */
const MANY_FILES = 2000;

/**
 * Removes a build's work directory, holding `onDisk` context files, in the background. A few
 * files go a few requests at a time (remove-tree.ts: fs.rm would start one per file at once);
 * many go by `rm -rf` in a child process: removing a 1 GB / 100k-file context's ~94k written
 * files from here took seconds of promises and fs requests, and its garbage, arriving before
 * the build's own was collected, added ~50 MB to pierd's peak RSS. Outside runBuild so that no
 * closure of the removal keeps the build's scope (held files, hash maps) alive. Never throws.
 */
function removeLater(work: string, onDisk: number): void {
  if (onDisk < MANY_FILES) {
    void removeTree(work).catch(() => {});
    return;
  }
  void run('rm', ['-rf', '--one-file-system', '--', work]).then(
    (r) => (r.code === 0 ? undefined : removeTree(work)),
    () => removeTree(work),
  ).catch(() => {});
}

/** `name` as a top-level entry name of the context (cleaned), or undefined when it is not one. */
function topLevel(name: string): string | undefined {
  const c = cleanPath(name);
  return c.includes('/') || c === '.' || c === '..' ? undefined : c;
}

/**
 * Bytes of context files a build may hold in memory instead of writing them (deferred.ts); the
 * rest goes to disk as it arrives. 64 MiB holds the benchmark's 50 MB file (a cached rebuild
 * compares it with the memo, content-memo.ts) and keeps a 1 GB / 100k-file context's pierd peak
 * at ~240 MB (bench/context-rss.ts; 256 MiB gave ~440 MB: issue 6 allows 300).
 */
const HELD_BUDGET = 64 * 1024 * 1024;

/** Build args Docker accepts without an ARG instruction (proxy settings). */
const PREDEFINED_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);
