/**
 * Contract of the builder: Dockerfile builds from a tar context, as Docker's legacy builder
 * answers `POST /build` — step lines (`Step N/M : …`, ` ---> Running in …`, ` ---> <id>`,
 * `Using cache`, `Removing intermediate container …`), the aux `{ID}`, `Successfully built` /
 * `Successfully tagged`, and failures as an in-band error with Docker's code and message.
 *
 * How steps run: FROM resolves the base through the image service; RUN creates, attaches,
 * starts and waits a real container through the container service, then turns its rw layer
 * (snapshotter `rwDiff`) into a new image with the stage's config; COPY/ADD write into a
 * temporary rw layer of the snapshotter and commit its diff; metadata instructions commit an
 * empty layer (`empty_layer` history, as Docker). Every step result is an intermediate image
 * whose parent is the previous step's, and is recorded in the build cache (keyed by parent,
 * the step's expanded command and the content hash of copied files), which survives restarts.
 *
 * Metadata steps create no container: their ` ---> Running in <id>` / `Removing intermediate
 * container <id>` lines carry a fresh random id so the stream keeps Docker's shape. Independent
 * stages run in parallel; their output is buffered so the log stays in Docker's step order.
 *
 * Layout: `<data-root>/builder/cache/<key>` (image id), `<data-root>/builder/cache-mounts/`
 * (RUN --mount=type=cache), `<data-root>/builder/tmp/<build>/` (extracted contexts, removed
 * when a build ends and at daemon start).
 */
import type { Readable } from 'node:stream';
import type { ProgressMessage } from '../../api/types.js';
import type { ContainerService } from '../containers/index.js';
import type { ImageService } from '../images/index.js';
import type { Snapshotter } from '../snapshots/index.js';
import type { Logger } from '../../lib/log.js';

/** One build request (the query of `POST /build`, decoded). */
export interface BuildRequest {
  /** The context: a tar, possibly compressed (gzip, bzip2, xz, zstd). */
  context: Readable;
  /** Path of the Dockerfile inside the context (default "Dockerfile"). */
  dockerfile?: string;
  /** References to tag the result with (`x`, `x:1`, `reg:5000/x:y`). */
  tags: string[];
  /** --build-arg values; null means "take it from the client's environment" and was unset. */
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  quiet: boolean;
  /** Remove intermediate containers after a successful step (default true). */
  rm: boolean;
  /** Always remove intermediate containers, even after failures. */
  forceRm: boolean;
  /** NetworkMode for RUN containers ("default", "host", "none", …). */
  networkMode?: string;
  extraHosts: string[];
  /** `--platform`: only images of this platform are used (Pier builds for the host's platform). */
  platform?: string;
  /** `--pull`: always pull FROM images first; a failed pull fails the build. */
  pull: boolean;
  /** X-Registry-Config, decoded: registry → auth config, for FROM pulls. */
  registryConfig?: Record<string, unknown>;
  /**
   * `--cache-from`: images whose history may satisfy cache lookups. When given, a local cache
   * hit counts only if it is one of these images or an ancestor of one (Docker's legacy builder).
   */
  cacheFrom?: string[];
  /**
   * Build secrets by id (`pier build --secret id=x,src=file`, sent in the `X-Pier-Build-Secrets`
   * header — a Pier extension; docker's legacy client has no way to send them). Mounted by
   * `RUN --mount=type=secret,id=x` as a read-only file, never stored in a layer or the cache key.
   */
  secrets?: Record<string, Buffer>;
  /** Aborted when the client goes away: the running step's container is removed, nothing is tagged. */
  signal: AbortSignal;
}

/** Receives the build's JSON stream messages in order; resolves when the message was written. */
export type BuildEmit = (msg: ProgressMessage) => Promise<void>;

/** The builder service. */
export interface Builder {
  /**
   * Runs one build, emitting Docker's progress messages. Resolves with the image id
   * (`sha256:…`). Throws before emitting anything for bad requests (invalid tag → InvalidArgument);
   * later failures are thrown as BuildFailure (the HTTP layer sends them in-band).
   */
  build(req: BuildRequest, emit: BuildEmit): Promise<string>;
  /** `POST /build/prune`: forgets cache records (the images stay until pruned). */
  prune(): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>;
}

/** What the builder needs from the engine. */
export interface BuilderDeps {
  containers: ContainerService;
  images: ImageService;
  snapshots: Snapshotter;
  log: Logger;
  /**
   * Pulls an image (the distribution service's pull). Without it, FROM uses local images only
   * and `--pull` is ignored.
   */
  pull?: (ref: string, opts: { platform?: string; auth?: string; signal: AbortSignal }) => AsyncIterable<ProgressMessage>;
}

/** Options of createBuilder. */
export interface BuilderOptions {
  /** `<data-root>`; the builder keeps its files under `<root>/builder`. */
  root: string;
}

export { BuildFailure } from './failure.js';
export { createBuilder } from './service.js';
