/** The builder service: wires the cache and the temp area, and runs builds (see index.ts). */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Builder, BuilderDeps, BuilderOptions } from './index.js';
import { createBuildCache } from './cache.js';
import { runBuild } from './build.js';
import { createHashOffload } from './hash-worker.js';
import { createContentMemo } from './content-memo.js';
import { availableParallelism } from 'node:os';

/** Creates the builder. Clears leftovers of builds interrupted by a daemon stop. Never throws. */
export async function createBuilder(deps: BuilderDeps, opts: BuilderOptions): Promise<Builder> {
  const base = path.join(opts.root, 'builder');
  const tmp = path.join(base, 'tmp');
  await rm(tmp, { recursive: true, force: true }).catch(() => {});
  const cache = createBuildCache(path.join(base, 'cache'));
  // A hashing thread pays off only with a core for it besides the client sending the context
  // and the thread receiving it; started by the first build that receives a big file.
  const hashOffload = availableParallelism() >= 3 ? createHashOffload() : undefined;
  const memo = createContentMemo();
  return {
    build: (req, emit) => runBuild(deps, cache, base, req, emit, { hashOffload, memo }),
    async prune() {
      const keys = await cache.clear();
      return { CachesDeleted: keys.length ? keys : null, SpaceReclaimed: 0 };
    },
  };
}
