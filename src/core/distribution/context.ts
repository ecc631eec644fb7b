/**
 * State shared by the distribution service's operation modules, created once per service.
 */
import { HashWorker } from '../../lib/tar/index.js';
import type { Readable } from 'node:stream';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { DistributionDeps, DistributionOptions, RegistryCredentials } from './index.js';
import type { Transport } from './transport.js';
import type { DistributionMetadata } from './metadata.js';
import { endpointsFor } from './endpoints.js';
import type { RepoClient } from './client.js';
import { openRepoWithMirrors } from './mirrors.js';

/** Everything pull/push/login need. */
export interface DistContext {
  deps: DistributionDeps;
  opts: DistributionOptions;
  transport: Transport;
  metadata: DistributionMetadata;
  /** Serialises downloads of one blob (keyed by digest). */
  locks: KeyedLock;
  /** Pulls and pushes in progress (garbage collection waits for none). */
  active: { count: number };
  /** The last garbage collection started (settled when none runs); transfers wait for it. */
  gc: { tail: Promise<unknown> };
  /** sha256 of big downloads off the event loop. */
  hashes: HashWorker;
}

/**
 * Runs an async iteration while counting it as an active transfer. A garbage collection under
 * way is waited for first (seeing the transfer, it stops before its next deletion), so no blob
 * a transfer found present is deleted under it.
 */
export async function* tracked<T>(ctx: DistContext, it: AsyncIterable<T>): AsyncIterable<T> {
  ctx.active.count++;
  try {
    await ctx.gc.tail;
    yield* it;
  } finally {
    ctx.active.count--;
  }
}

/** Opens a repository session on registry `domain` for `actions` (`pull` or `pull,push`; mirrors as mirrors.ts says). Throws like openRepo. */
export async function repoSession(ctx: DistContext, domain: string, repoPath: string, creds: RegistryCredentials | undefined, actions: string, signal?: AbortSignal): Promise<RepoClient> {
  const eps = await endpointsFor(domain, ctx.opts);
  return openRepoWithMirrors({ transport: ctx.transport }, eps, repoPath, { creds, actions, signal });
}

/** A counting semaphore for parallel transfers. */
export function limiter(n: number): <T>(fn: () => Promise<T>, onWait?: () => void) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (fn, onWait) => {
    if (active >= n) {
      onWait?.();
      await new Promise<void>((r) => queue.push(r));
    }
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** Counts bytes flowing through a stream, calling `onBytes(total)`. Returns the same stream. */
export function countBytes(src: Readable, onBytes: (total: number) => void): Readable {
  let n = 0;
  src.on('data', (c: Buffer) => {
    n += c.length;
    onBytes(n);
  });
  return src;
}
