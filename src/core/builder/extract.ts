/**
 * Tar extraction confined to a directory, for build contexts and ADD archives: names are
 * cleaned, `..` escapes and device nodes skipped, symlinks created as written (they are only
 * read back through resolveInRoot), hardlinks only to entries inside. Modes and mtimes are
 * kept. Small files are written by a pool of parallel writers while the tar keeps streaming
 * (a 100k-file context must not cost a syscall round trip per step), big ones are streamed.
 */
import { chmod, lchown, link, lstat, mkdir, open, rm, symlink, utimes, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { errnoCode } from '../../lib/errors.js';
import type { TarHeader } from '../../lib/tar/index.js';
import { readContextPush, type BodySink, type Maybe } from './context-push.js';
import { cleanPath } from '../../lib/dockerignore.js';
import { resolveInRoot } from './paths.js';
import type { ContentMemo, KeptFile } from './content-memo.js';
import { dropDeferred, HELD_OVERHEAD, materializeOne, type DeferredBodies } from './deferred.js';
import { fileSink, heldSink, joined, SMALL } from './extract-sinks.js';

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

const WRITERS = 32;
const UMASKED = 0o022;

/**
 * Extracts a (possibly compressed) tar into `dir` (see the module comment). Throws
 * InvalidArgument for a malformed archive, fs errors otherwise.
 */
export async function extractTarInto(source: Readable, dir: string, opts: ExtractOptions): Promise<void> {
  const dirTimes: [string, Date][] = [];
  // Reading starts at once (a client blocked on a full socket waits for nobody); the first
  // entry waits for the directory.
  let made: Promise<unknown> | undefined = mkdir(dir, { recursive: true });
  made.catch(() => {});
  const dirs = new Map<string, string>([['.', dir]]);
  const seen = new Set<string>();
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const drain = async () => {
    await Promise.all(pending);
    if (failure) throw failure;
  };
  /** Starts a write; resolves at once unless the pool is full. */
  const spawn = (job: Promise<void>): Maybe<void> => {
    const p = job.catch((e: unknown) => {
      failure ??= e;
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
    if (failure) throw failure;
    if (pending.size < WRITERS) return undefined;
    return Promise.race(pending).then(() => {
      if (failure) throw failure;
    });
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

  /** The entry's sink, or a promise of it when I/O comes first (see onEntry). */
  const onEntry = (h: TarHeader): Maybe<BodySink | undefined> => {
    opts.signal?.throwIfAborted();
    const name = cleanPath(h.name.replace(/^\/+/, ''));
    if (name === '.' || name === '..' || name.startsWith('../')) {
      if (name === '.' && h.type === 'directory') dirTimes.push([dir, h.mtime]);
      return undefined;
    }
    const replace = !opts.fresh || seen.has(name);
    const known = made === undefined && !replace ? dirs.get(path.posix.dirname(name)) : undefined;
    if (known !== undefined) return entry(h, name, known, false);
    return (async () => {
      if (made) {
        await made;
        made = undefined;
      }
      const parent = await parentOf(name);
      if (replace) await drain();
      return entry(h, name, parent, replace);
    })();
  };

  /** The sink of entry `h` named `name` in host directory `parent` (known to exist). */
  const entry = (h: TarHeader, name: string, parent: string, replace: boolean): Maybe<BodySink | undefined> => {
    const target = path.join(parent, path.posix.basename(name));
    const owner = ownerOf(h);
    const mode = h.mode & 0o7777;
    seen.add(name);
    // Whatever this entry is, an earlier capture of the name is stale (set again below for a file).
    if (opts.capture?.names.has(name)) opts.capture.files.set(name, null);
    const held = h.type === 'file' && opts.defer && opts.hashes && opts.mtimes && !owner && h.size + HELD_OVERHEAD <= opts.defer.budget;
    if (replace || (h.type !== 'file' && h.type !== 'directory') || (h.type === 'file' && !held && h.size > SMALL) || h.type === 'directory') {
      return slowEntry(h, name, target, owner, mode, replace);
    }
    if (held) return heldSink(h, name, target, mode, opts);
    // A small file written by the pool of writers.
    const pieces: Buffer[] = [];
    return {
      data(piece) {
        pieces.push(piece);
      },
      end() {
        const data = joined(pieces);
        if (opts.capture?.names.has(name)) opts.capture.files.set(name, data);
        if (opts.hashes) opts.hashes.set(target, createHash('sha256').update(data).digest('hex'));
        return spawn(
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
      },
    };
  };

  /** Directories, big files on disk, links, and any entry replacing an earlier one. */
  const slowEntry = async (h: TarHeader, name: string, target: string, owner: { uid: number; gid: number } | undefined, mode: number, replace: boolean): Promise<BodySink | undefined> => {
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
      return undefined;
    }
    if (replace) {
      await rm(target, { recursive: true, force: true });
      if (opts.defer) dropDeferred(opts.defer, target);
    }
    if (h.type === 'file') {
      const held = opts.defer && opts.hashes && opts.mtimes && !owner && h.size + HELD_OVERHEAD <= opts.defer.budget;
      if (held || h.size <= SMALL) return entry(h, name, path.dirname(target), false);
      const fh = await open(target, 'w', mode);
      open_.add(fh);
      const hash = opts.hashes ? createHash('sha256') : undefined;
      return fileSink(fh, target, mode, h.mtime, owner, hash, (hex) => {
        open_.delete(fh);
        if (hex !== undefined) opts.hashes!.set(target, hex);
      });
    }
    if (h.type === 'symlink') {
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
    return undefined;
  };

  /** Files being streamed to disk (closed here when the archive fails part way). */
  const open_ = new Set<FileHandle>();
  try {
    await readContextPush(source, onEntry);
    if (made) await made; // an archive without entries
  } catch (e) {
    // Writers still running would write into a directory the caller is about to remove.
    await Promise.allSettled([...pending, ...[...open_].map((fh) => fh.close())]);
    throw e;
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
