/**
 * Pulling an image: resolve the manifest (index → platform), fetch and verify the config,
 * report present layers ("Already exists"), download the others in parallel (Docker's limit of
 * 3; "Waiting" beyond it) into the content store — every blob verified against its digest,
 * blobs already stored reused — and hand them, decompressed, to the image service, which
 * extracts them as their bytes arrive (each download feeds its layer's extraction directly;
 * nothing is published before the blob's digest was verified) and publishes them bottom to top.
 * Messages follow Docker's pull stream exactly.
 */
import { Transform, type Readable } from 'node:stream';
import { decompress } from '../../lib/tar/index.js';
import { invalidArgument, isKind, notFound, EngineError } from '../../lib/errors.js';
import { chainIds, isIndexType, isManifestType, MediaType, type Index, type Manifest } from '../../oci/image.js';
import { familiarName, familiarString, parseNormalizedReference, refName, withDefaultTag, type Reference } from '../../oci/reference.js';
import type { ProgressMessage } from '../../api/types.js';
import type { RegistryCredentials } from './index.js';
import { decodeRegistryAuth } from './auth.js';
import type { RepoClient } from './client.js';
import { limiter, repoSession, type DistContext } from './context.js';
import { downloadBlob, partialPath } from './download.js';
import { BlobFeed } from './feed.js';
import { followBlob } from './follow.js';
import { parsePlatform, selectManifest } from './platform.js';
import { MessageQueue, progressMsg, shortId, statusMsg, throttle } from './progress.js';

const layerTypes = new Set<string>([
  MediaType.dockerLayerGzip, MediaType.dockerLayer, MediaType.ociLayer, MediaType.ociLayerGzip, MediaType.ociLayerZstd,
  MediaType.ociLayerNondistributable, 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd', MediaType.dockerForeignLayerGzip,
]);

/** A resolved image manifest ready to download. */
interface Resolved {
  /** Digest of what the tag points to (index or manifest): shown as `Digest:` and recorded. */
  topDigest: string;
  manifest: Manifest;
  manifestBytes: Buffer;
  manifestDigest: string;
  manifestType: string;
}

/** Docker's answer to a pull the registry refuses (NotFound, so clients do not prompt for a login). */
function accessDenied(ref: Reference, e: EngineError): EngineError {
  return new EngineError('NotFound', `pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${e.message}`);
}

function notFoundFor(ref: Reference, e: EngineError): EngineError {
  const shown = familiarString(ref);
  return notFound(`manifest for ${shown} not found: ${e.message}`);
}

async function resolve(client: RepoClient, ref: Reference, platform: string | undefined, signal: AbortSignal): Promise<Resolved> {
  const tagOrDigest = ref.digest ?? ref.tag!;
  let top;
  try {
    top = await client.getManifest(tagOrDigest, signal);
  } catch (e) {
    if (isKind(e, 'NotFound')) throw notFoundFor(ref, e);
    if (isKind(e, 'Unauthenticated') || isKind(e, 'PermissionDenied')) throw accessDenied(ref, e);
    throw e;
  }
  let m = top;
  if (isIndexType(top.mediaType) || (!top.mediaType && (JSON.parse(top.data.toString('utf8')) as Partial<Index>).manifests)) {
    const idx = JSON.parse(top.data.toString('utf8')) as Index;
    const want = parsePlatform(platform);
    const d = selectManifest(idx.manifests ?? [], want);
    m = await client.getManifest(d.digest, signal);
  }
  if (m.mediaType.startsWith('application/vnd.docker.distribution.manifest.v1') || (JSON.parse(m.data.toString('utf8')) as { schemaVersion?: number }).schemaVersion === 1) {
    throw invalidArgument(
      `[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support is disabled by default and will be removed in an upcoming release. Suggest the author of ${familiarString(ref)} to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2.`,
    );
  }
  const manifest = JSON.parse(m.data.toString('utf8')) as Manifest;
  if (!isManifestType(m.mediaType || MediaType.ociManifest) && m.mediaType !== '') throw invalidArgument(`unsupported manifest media type ${m.mediaType}`);
  if (!manifest.config?.digest || !Array.isArray(manifest.layers)) throw invalidArgument('manifest invalid: config or layers missing');
  for (const l of manifest.layers) {
    if (!layerTypes.has(l.mediaType)) throw invalidArgument(`unsupported layer media type ${l.mediaType}`);
  }
  return { topDigest: top.digest, manifest, manifestBytes: m.data, manifestDigest: m.digest, manifestType: m.mediaType || MediaType.ociManifest };
}

/** Pulls one tag or digest of the repository. Throws before the first message when it cannot resolve. */
async function* pullOne(ctx: DistContext, client: RepoClient, ref: Reference, opts: { platform?: string; signal: AbortSignal }): AsyncIterable<ProgressMessage> {
  const { signal } = opts;
  const r = await resolve(client, ref, opts.platform, signal);
  const tagOrDigest = ref.digest ?? ref.tag!;
  const q = new MessageQueue();
  const first: ProgressMessage = { status: `Pulling from ${familiarName(ref)}`, id: tagOrDigest };
  const name = refName(ref);

  const run = async () => {
    await downloadBlob(ctx, client, r.manifest.config, signal);
    const config = await ctx.deps.content.read(r.manifest.config.digest);
    const parsed = JSON.parse(config.toString('utf8')) as { rootfs?: { diff_ids?: string[] } };
    const diffIds = parsed.rootfs?.diff_ids ?? [];
    if (diffIds.length !== r.manifest.layers.length) throw invalidArgument('layers from manifest don\'t match image configuration');
    const chains = chainIds(diffIds);
    const present = await Promise.all(chains.map((c) => ctx.deps.hasLayer(c)));
    for (let i = 0; i < r.manifest.layers.length; i++) {
      q.push(statusMsg(present[i] ? 'Already exists' : 'Pulling fs layer', shortId(r.manifest.layers[i]!.digest)));
    }
    const limit = limiter(ctx.opts.maxConcurrentDownloads ?? 3);
    const downloads = new Map<string, Promise<void>>();
    const settled = new Set<string>();
    // A layer whose extraction is opened before its transfer starts gets the bytes straight
    // from the download (BlobFeed); one opened later follows the partial file.
    const feeds = new Map<string, BlobFeed>();
    const transferring = new Set<string>();
    const take = (digest: string) => (): BlobFeed | undefined => {
      transferring.add(digest);
      const f = feeds.get(digest);
      if (!f || f.started || !f.open) return undefined;
      f.started = true;
      return f;
    };
    const download = (i: number): Promise<void> => {
      const desc = r.manifest.layers[i]!;
      let p = downloads.get(desc.digest);
      if (!p) {
        const id = shortId(desc.digest);
        const tick = throttle(100);
        p = (async () => {
          // The download slot is held until the bytes are verified (as Docker's), not while
          // the blob is stored.
          let fetching: Promise<boolean> | undefined;
          await limit(() => new Promise<void>((resolve) => {
            fetching = downloadBlob(ctx, client, desc, signal, (n) => {
              if (tick(n === desc.size)) q.push(progressMsg('Downloading', id, n, desc.size));
            }, take(desc.digest), resolve);
            fetching.then(() => resolve(), () => resolve());
          }), () => q.push(statusMsg('Waiting', id)));
          const fetched = await fetching!;
          if (fetched) q.push(statusMsg('Verifying Checksum', id));
          q.push(statusMsg('Download complete', id));
          await ctx.metadata.addLayerSource(diffIds[i]!, { digest: desc.digest, mediaType: desc.mediaType, size: desc.size }, name);
        })();
        downloads.set(desc.digest, p);
        p.then(() => settled.add(desc.digest), () => settled.add(desc.digest));
      }
      return p;
    };
    for (let i = 0; i < r.manifest.layers.length; i++) if (!present[i]) void download(i);
    const tagFull = ref.digest === undefined ? `${name}:${ref.tag}` : undefined;
    const result = await ctx.deps.images.registerPulled({
      config,
      tag: tagFull,
      repoDigest: `${name}@${r.topDigest}`,
      signal,
      layers: r.manifest.layers.map((desc, i) => ({
        ready: () => (present[i] ? Promise.resolve() : download(i)),
        open: async () => {
          // A layer still downloading is extracted from the bytes as they arrive: from a feed
          // when its transfer has not started yet, else from its growing partial file
          // (followBlob checks the digest of what it read). Either way the stream ends only
          // once the blob was verified. "Extracting" progress starts once it is complete.
          const dl = present[i] ? Promise.resolve() : download(i);
          let src: Readable | undefined;
          if (!present[i] && !settled.has(desc.digest) && !feeds.has(desc.digest) && !transferring.has(desc.digest)) {
            const feed = new BlobFeed();
            feeds.set(desc.digest, feed);
            dl.then(
              () => (feed.started ? feed.end() : feed.pipeFrom(ctx.deps.content.readStream(desc.digest))), // end: a no-op by now
              (e: unknown) => feed.fail(e),
            );
            src = feed.stream;
          } else if (!present[i] && !settled.has(desc.digest)) {
            src = followBlob({ file: partialPath(ctx, desc.digest), digest: desc.digest, size: desc.size, done: dl, signal });
          } else {
            await dl;
            src = ctx.deps.content.readStream(desc.digest);
          }
          const id = shortId(desc.digest);
          const tick = throttle(100);
          let n = 0;
          const counter = new Transform({
            transform(c: Buffer, _e, cb) {
              n += c.length;
              if (tick(n === desc.size) && settled.has(desc.digest)) q.push(progressMsg('Extracting', id, n, desc.size));
              cb(null, c);
            },
          });
          src.on('error', (e) => counter.destroy(e));
          return decompress(src.pipe(counter));
        },
      })),
      onLayerDone: (i) => {
        ctx.deps.log.debug('layer applied', { digest: r.manifest.layers[i]!.digest });
        // After the layer's "Download complete" (its extraction may finish first, from the
        // verified bytes, while the blob is still being stored).
        if (!present[i]) download(i).then(() => q.push(statusMsg('Pull complete', shortId(r.manifest.layers[i]!.digest))), () => {});
      },
    });
    ctx.deps.log.debug('image registered', { id: result.id });
    // Two independent durable writes: their fsyncs overlap instead of following each other.
    await Promise.all([
      ctx.metadata.addImageManifest(result.id, { digest: r.manifestDigest, mediaType: r.manifestType, repo: name }),
      ctx.deps.content.put(r.manifestBytes),
    ]);
    q.push({ status: `Digest: ${r.topDigest}` });
    const shown = familiarString(ref);
    q.push({ status: result.upToDate ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}` });
  };
  run().then(() => q.end(), (e: unknown) => q.fail(e));
  yield first;
  yield* q.drain();
}

/**
 * The pull operation (see DistributionService.pull). Throws before the first message for bad
 * references, unreachable registries and unknown manifests.
 */
export async function* pull(ctx: DistContext, refStr: string, opts: { platform?: string; auth?: string; allTags?: boolean; signal: AbortSignal }): AsyncIterable<ProgressMessage> {
  const parsed = parseNormalizedReference(refStr);
  if (opts.platform) parsePlatform(opts.platform);
  const creds: RegistryCredentials | undefined = decodeRegistryAuth(opts.auth);
  const client = await repoSession(ctx, parsed.domain, parsed.path, creds, 'pull', opts.signal).catch((e: unknown) => {
    if (isKind(e, 'Unauthenticated')) throw accessDenied(withDefaultTag(parsed), e);
    throw e;
  });
  if (!opts.allTags || parsed.tag !== undefined || parsed.digest !== undefined) {
    if (opts.allTags) throw invalidArgument('tag can\'t be used with --all-tags/-a');
    yield* pullOne(ctx, client, withDefaultTag(parsed), opts);
    return;
  }
  const tags = await client.listTags(opts.signal);
  if (tags.length === 0) throw notFound(`no tags found for ${familiarName(parsed)}`);
  for (const tag of tags) yield* pullOne(ctx, client, { ...parsed, tag }, opts);
  yield { status: `Status: Downloaded newer images for ${familiarName(parsed)}` };
}
