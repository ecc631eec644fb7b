/**
 * The state of a build while it runs: the request, the emitter, the cache, and per stage the
 * current image and config. Helpers here expand words with the stage's variables, write step
 * lines, and commit a step (empty layer or a diff) as Docker's legacy builder does.
 */
import { Readable } from 'node:stream';
import type { ContainerConfig, ProgressMessage } from '../../api/types.js';
import { newId, shortId } from '../../lib/ids.js';
import type { BuildRequest, BuilderDeps } from './index.js';
import type { BuildCache } from './cache.js';
import type { SourceRoot } from './copy-files.js';
import { processWord } from './shell-lex.js';
import { cacheFromHit, type CacheSource } from './cache-from.js';

/** One stage being built. */
export interface Stage {
  index: number;
  name?: string;
  /** Current image id (`sha256:…`), null while FROM scratch has produced nothing. */
  imageId: string | null;
  config: ContainerConfig;
  /** ARGs declared in this stage (value undefined = declared without value). */
  args: Map<string, string | undefined>;
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  author?: string;
}

/** Everything a step needs. */
export interface BuildState {
  deps: BuilderDeps;
  req: BuildRequest;
  cache: BuildCache;
  context: SourceRoot;
  escape: string;
  /** ARGs declared before the first FROM, with their values. */
  metaArgs: Map<string, string | undefined>;
  /** Finished (or running) stages by index; names map to indexes. */
  stages: Stage[];
  stageNames: Map<string, number>;
  write: (msg: ProgressMessage) => Promise<void>;
  /** Build args that some ARG consumed (for the "not consumed" warning). */
  usedArgs: Set<string>;
  /** `<data-root>/builder` (cache mounts live below it). */
  builderDir: string;
  /** `--cache-from` images (see cache-from.ts); when set, only they satisfy cache lookups. */
  cacheFrom?: Promise<CacheSource[]>;
  /** Work left running while later steps go on (intermediate container removals); awaited at the end. */
  background?: Set<Promise<void>>;
}

/** Writes one `{"stream": …}` message. */
export function say(st: BuildState, text: string): Promise<void> {
  return st.write({ stream: text });
}

/** The value of a build arg (request override first), or undefined. */
export function argValue(st: BuildState, name: string, dflt: string | undefined): string | undefined {
  const v = st.req.buildArgs[name];
  if (v !== undefined && v !== null) {
    st.usedArgs.add(name);
    return v;
  }
  return dflt;
}

/** Variable lookup of a stage: its ENV first, then its ARGs. */
export function stageLookup(stage: Stage): (n: string) => string | undefined {
  return (n) => {
    for (const e of [...(stage.config.Env ?? [])].reverse()) {
      const i = e.indexOf('=');
      if ((i < 0 ? e : e.slice(0, i)) === n) return i < 0 ? '' : e.slice(i + 1);
    }
    return stage.args.get(n);
  };
}

/** Expands a word with the stage's variables. Throws InvalidArgument for bad syntax. */
export function expand(st: BuildState, stage: Stage, word: string): string {
  return processWord(word, stageLookup(stage), st.escape).value;
}

/** ARGs of the stage with a value, as `k=v`, sorted (what RUN sees and the cache key uses). */
export function argEnv(stage: Stage): string[] {
  const envKeys = new Set((stage.config.Env ?? []).map((e) => e.split('=')[0]));
  return [...stage.args].filter(([k, v]) => v !== undefined && !envKeys.has(k)).map(([k, v]) => `${k}=${v}`).sort();
}

/** An empty layer tar (1024 zero bytes): committing it records `empty_layer`. */
export function emptyTar(): Readable {
  return Readable.from([Buffer.alloc(1024)]);
}

/** The shell of the stage (SHELL or /bin/sh -c). */
export function shellOf(stage: Stage): string[] {
  return stage.config.Shell && stage.config.Shell.length > 0 ? [...stage.config.Shell] : ['/bin/sh', '-c'];
}

/**
 * Commits a step: a new image = stage image + `diff` (empty for metadata steps) + the stage
 * config, history `created_by` from `cmd`. Updates the stage and records the cache entry
 * (the caller prints ` ---> <id>`). Throws image-service errors.
 */
export async function commitStep(st: BuildState, stage: Stage, cmd: string[], cacheKey: string | undefined, diff?: Readable, containerId?: string): Promise<string> {
  const id = await st.deps.images.createFromDiff({
    parent: stage.imageId,
    diff: diff ?? emptyTar(),
    config: structuredClone(stage.config),
    containerId: containerId ?? '',
    containerConfig: { ...structuredClone(stage.config), Cmd: cmd, Image: stage.imageId ?? '' },
    author: stage.author,
  });
  stage.imageId = id;
  if (cacheKey) await st.cache.put(cacheKey, id);
  return id;
}

/**
 * The `#(nop)` command Docker records for a step that runs nothing, prefixed with the stage's
 * shell: metadata steps keep the text as a separate word (`#(nop) `, `ENV a=b`); COPY/ADD/
 * WORKDIR join it (`#(nop) COPY …`).
 */
export function nopCmd(stage: Stage, text: string, joined = false): string[] {
  const sh = shellOf(stage);
  return joined ? [...sh, `#(nop) ${text}`] : [...sh, '#(nop) ', text];
}

/**
 * Looks the step up in the cache; on a hit, moves the stage to the cached image and writes
 * ` ---> Using cache` / ` ---> <id>`. Returns true on a hit. Never throws for a missing image.
 */
export async function tryCache(st: BuildState, stage: Stage, key: string, cmd?: string[]): Promise<boolean> {
  if (st.req.noCache) return false;
  let id = await st.cache.get(key);
  if (st.cacheFrom && cmd) {
    const parent = stage.imageId ? await st.deps.images.resolve(stage.imageId).catch(() => undefined) : undefined;
    id = cacheFromHit(await st.cacheFrom, id, parent?.config, cmd.join(' '));
  }
  if (!id) return false;
  try {
    const img = await st.deps.images.resolve(id);
    stage.imageId = img.id;
    stage.config = structuredClone(img.config.config ?? {});
  } catch {
    return false;
  }
  await say(st, ' ---> Using cache\n');
  await say(st, ` ---> ${shortId(stage.imageId)}\n`);
  return true;
}

/** A metadata step: cache lookup, then Docker's Running in/Removing lines and an empty-layer commit. */
export async function metaStep(st: BuildState, stage: Stage, text: string, apply: () => void): Promise<void> {
  const before = structuredClone(stage.config);
  apply();
  const cmd = nopCmd(stage, text);
  const key = st.cache.key(stage.imageId, cmd, argEnv(stage));
  const after = stage.config;
  stage.config = before;
  if (await tryCache(st, stage, key, cmd)) return;
  stage.config = after;
  const fake = newId();
  await say(st, ` ---> Running in ${shortId(fake)}\n`);
  await say(st, `Removing intermediate container ${shortId(fake)}\n`);
  const id = await commitStep(st, stage, cmd, key);
  await say(st, ` ---> ${shortId(id)}\n`);
}
