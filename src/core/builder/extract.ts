/**
 * Tar extraction confined to a directory, for build contexts and ADD archives: names are
 * cleaned, `..` escapes and device nodes skipped, symlinks created as written (they are only
 * read back through resolveInRoot), hardlinks only to entries inside. Modes and mtimes are
 * kept. Small files are written by a pool of parallel writers while the tar keeps streaming
 * (a 100k-file context must not cost a syscall round trip per step), big ones are streamed.
 */
import { chmod, lchown, link, lstat, mkdir, open, rm, symlink, utimes } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { errnoCode } from '../../lib/errors.js';
import type { TarHeader } from '../../lib/tar/index.js';
import { readContextTar } from './context-tar.js';
import { cleanPath } from '../../lib/dockerignore.js';
import { resolveInRoot } from './paths.js';
import { MemoDigest, type ContentMemo, type KeptFile } from './content-memo.js';
import { dropDeferred, HELD_OVERHEAD, holdFile, materializeOne, type DeferredBodies } from './deferred.js';

/** Options of extractTarInto. */
export interface ExtractOptions {
  /** Keep the tar's uid/gid (needs root); otherwise files belong to the daemon. */
  keepOwnership: boolean;
  /** Overrides owner of every entry (ADD --chown). */
  owner?: { uid: number; gid: number };
  /** `dir` is new and empty: nothing needs replacing (skips a remove per entry). */
  fresh?: boolean;
  signal?: AbortSignal;
  /** Filled with host path → sha256 hex of every regular file written (hashed while streaming). */
  hashes?: Map<string, string>;
  /**
   * When given, file mtimes are recorded here (host path → mtime) instead of being set on
   * disk — one syscall less per file; readers take the mtime from the map.
   */
  mtimes?: Map<string, Date>;
  /**
   * When given (with `hashes` and `mtimes`, without an owner), regular files are kept in memory
   * within its budget and not created on disk (see deferred.ts).
   */
  defer?: DeferredBodies;
  /**
   * Top-level names whose content the caller wants without reading it back (the Dockerfile,
   * ignore files): `files` gets name → content for a small regular file, null for an entry of
   * another kind (read it from disk); a name without any entry is left out.
   */
  capture?: { names: ReadonlySet<string>; files: Map<string, Buffer | null> };
  /** Big files of the last context: a held file equal to its namesake there is compared, not hashed. */
  memo?: ContentMemo;
  /** Filled with the big held files of this context (name → chunks, digest), for the next memo. */
  memoOut?: Map<string, KeptFile>;
}

const SMALL = 1 << 20;
const WRITERS = 32;
const UMASKED = 0o022;

async function readBody(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** The rest of an iteration whose first step was already asked for; closes it when left early. */
async function* resumed<T>(it: AsyncIterator<T>, first: Promise<IteratorResult<T>>): AsyncGenerator<T> {
  try {
    for (let r = await first; !r.done; r = await it.next()) yield r.value;
  } finally {
    await it.return?.(undefined);
  }
}

/** The body, each chunk also given to `hash`. */
async function* tee(body: AsyncIterable<Buffer>, hash: Hash | undefined): AsyncGenerator<Buffer> {
  for await (const c of body) {
    hash?.update(c);
    yield c;
  }
}

/**
 * Extracts a (possibly compressed) tar into `dir` (see the module comment). Throws
 * InvalidArgument for a malformed archive, fs errors otherwise.
 */
export async function extractTarInto(source: Readable, dir: string, opts: ExtractOptions): Promise<void> {
  const dirTimes: [string, Date][] = [];
  // Reading starts at once (a client blocked on a full socket waits for nobody); the first
  // entry is only handled once the directory exists.
  const made = mkdir(dir, { recursive: true });
  const tar = readContextTar(source)[Symbol.asyncIterator]();
  const first = tar.next();
  first.catch(() => {});
  try {
    await made;
  } catch (e) {
    void tar.return(undefined).catch(() => {});
    throw e;
  }
  const dirs = new Map<string, string>([['.', dir]]);
  const seen = new Set<string>();
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const drain = async () => {
    await Promise.all(pending);
    if (failure) throw failure;
  };
  const spawn = async (job: Promise<void>) => {
    const p = job.catch((e: unknown) => {
      failure ??= e;
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
    if (pending.size >= WRITERS) await Promise.race(pending);
    if (failure) throw failure;
  };
  const parentOf = async (name: string): Promise<string> => {
    const rel = path.posix.dirname(name);
    const known = dirs.get(rel);
    if (known) return known;
    const abs = await resolveInRoot(dir, rel);
    // A held file where a directory is wanted goes to disk first (mkdir then fails as it would).
    for (let a = abs; opts.defer && a.startsWith(dir + '/'); a = path.dirname(a)) {
      if (opts.defer.bodies.has(a)) await materializeOne(opts.defer, a, opts.mtimes);
    }
    await mkdir(abs, { recursive: true });
    dirs.set(rel, abs);
    return abs;
  };
  const ownerOf = (h: TarHeader) => opts.owner ?? (opts.keepOwnership ? { uid: h.uid, gid: h.gid } : undefined);

  for await (const e of resumed(tar, first)) {
    opts.signal?.throwIfAborted();
    const h = e.header;
    const name = cleanPath(h.name.replace(/^\/+/, ''));
    if (name === '.' || name === '..' || name.startsWith('../')) {
      if (name === '.' && h.type === 'directory') dirTimes.push([dir, h.mtime]);
      continue;
    }
    const parent = await parentOf(name);
    const target = path.join(parent, path.posix.basename(name));
    const owner = ownerOf(h);
    const mode = h.mode & 0o7777;
    const replace = !opts.fresh || seen.has(name);
    seen.add(name);
    // Whatever this entry is, an earlier capture of the name is stale (set again below for a file).
    if (opts.capture?.names.has(name)) opts.capture.files.set(name, null);
    if (replace) await drain();
    if (h.type === 'directory') {
      if (replace) {
        const st = await lstat(target).catch(() => undefined);
        if (st && !st.isDirectory()) await rm(target, { recursive: true, force: true });
        if (!st?.isDirectory() && opts.defer) dropDeferred(opts.defer, target);
      }
      await mkdir(target, { recursive: true });
      if (replace || (mode & UMASKED) !== 0 || mode !== 0o755) await chmod(target, mode);
      if (owner) await lchown(target, owner.uid, owner.gid);
      dirs.set(name, target);
      dirTimes.push([target, h.mtime]);
      continue;
    }
    if (replace) {
      await rm(target, { recursive: true, force: true });
      if (opts.defer) dropDeferred(opts.defer, target);
    }
    if (h.type === 'file' && opts.defer && opts.hashes && opts.mtimes && !owner && h.size + HELD_OVERHEAD <= opts.defer.budget) {
      // Held in memory, nothing on disk (deferred.ts); hashed while it arrives.
      const hashes = opts.hashes;
      let chunks: Buffer[];
      if (h.size <= SMALL) {
        // A copy: a subarray would pin the whole socket chunk it came in.
        const data = Buffer.from(await readBody(e.body));
        if (opts.capture?.names.has(name)) opts.capture.files.set(name, data);
        hashes.set(target, createHash('sha256').update(data).digest('hex'));
        chunks = [data];
      } else if (opts.memo?.get(name, h.size)) {
        // The last context had a file of this name and size: compare instead of hashing.
        const digest = new MemoDigest(opts.memo.get(name, h.size)!);
        for await (const c of e.body) digest.update(c);
        const hex = digest.digest();
        chunks = digest.body();
        hashes.set(target, hex);
        opts.memoOut?.set(name, { chunks, size: h.size, digest: hex });
      } else {
        const hash = createHash('sha256');
        chunks = [];
        for await (const c of e.body) {
          hash.update(c);
          chunks.push(c);
        }
        const hex = hash.digest('hex');
        hashes.set(target, hex);
        opts.memoOut?.set(name, { chunks, size: h.size, digest: hex });
      }
      opts.mtimes.set(target, h.mtime);
      holdFile(opts.defer, target, chunks, mode, h.size);
    } else if (h.type === 'file' && h.size <= SMALL) {
      const data = await readBody(e.body);
      if (opts.capture?.names.has(name)) opts.capture.files.set(name, data);
      if (opts.hashes) opts.hashes.set(target, createHash('sha256').update(data).digest('hex'));
      await spawn(
        (async () => {
          const fh = await open(target, 'w', mode);
          try {
            await fh.writeFile(data);
            if ((mode & UMASKED) !== 0 || mode > 0o777) await fh.chmod(mode);
            if (owner) await fh.chown(owner.uid, owner.gid);
            if (opts.mtimes) opts.mtimes.set(target, h.mtime);
            else await fh.utimes(h.mtime, h.mtime);
          } finally {
            await fh.close();
          }
        })(),
      );
    } else if (h.type === 'file') {
      const hash = opts.hashes ? createHash('sha256') : undefined;
      await pipeline(tee(e.body, hash), createWriteStream(target, { mode }));
      if (hash) opts.hashes!.set(target, hash.digest('hex'));
      await chmod(target, mode);
      if (owner) await lchown(target, owner.uid, owner.gid);
      await utimes(target, h.mtime, h.mtime);
    } else if (h.type === 'symlink') {
      await symlink(h.linkname ?? '', target);
      if (owner) await lchown(target, owner.uid, owner.gid);
      // A symlink may now stand where a cached directory path led.
      dirs.clear();
      dirs.set('.', dir);
    } else if (h.type === 'link') {
      await drain();
      const from = await resolveInRoot(dir, cleanPath(String(h.linkname).replace(/^\/+/, '')), false);
      // A second name for a held file: the file must exist now.
      if (opts.defer?.bodies.has(from)) await materializeOne(opts.defer, from, opts.mtimes);
      try {
        await link(from, target);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
    }
  }
  await drain();
  if (opts.defer) opts.defer.dirTimes.push(...dirTimes);
  // Setting a directory's times changes no other directory's: all at once, by a pool of writers.
  const times = dirTimes.reverse();
  const pool = Array.from({ length: Math.min(WRITERS, times.length) }, async () => {
    for (let e = times.pop(); e; e = times.pop()) await utimes(e[0], e[1], e[1]).catch(() => {});
  });
  await Promise.all(pool);
}
