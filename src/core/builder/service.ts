/** The builder service: wires the cache and the temp area, and runs builds (see index.ts). */
import path from 'node:path';
import type { Builder, BuilderDeps, BuilderOptions } from './index.js';
import { createBuildCache } from './cache.js';
import { runBuild } from './build.js';
import { createContentMemo } from './content-memo.js';
import { removeTree } from './remove-tree.js';
import { createHeapTrimmer } from '../../lib/heap-trim.js';

/** Creates the builder. Clears leftovers of builds interrupted by a daemon stop. Never throws. */
export async function createBuilder(deps: BuilderDeps, opts: BuilderOptions): Promise<Builder> {
  const base = path.join(opts.root, 'builder');
  const tmp = path.join(base, 'tmp');
  // A few requests at a time: a huge interrupted context would otherwise start one per file.
  await removeTree(tmp).catch(() => {});
  const cache = createBuildCache(path.join(base, 'cache'));
  const memo = createContentMemo();
  const trimmer = createHeapTrimmer();
  return {
    build: (req, emit) => {
      const done = runBuild(deps, cache, base, req, emit, { memo });
      // A context passes through Buffers in malloc's heap: give the pages back afterwards.
      void done.finally(() => trimmer.soon()).catch(() => {});
      return done;
    },
    async prune() {
      const keys = await cache.clear();
      return { CachesDeleted: keys.length ? keys : null, SpaceReclaimed: 0 };
    },
  };
}
