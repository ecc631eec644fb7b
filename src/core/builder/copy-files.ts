/**
 * COPY/ADD file work: finding the sources in the context (or another stage's rootfs) with
 * Docker's rules (wildcards, `.dockerignore` exclusions, no escape outside the context),
 * hashing their content for the cache (never mtimes), and copying them into a mounted rootfs
 * with ownership, modes and mtimes as Docker's builder sets them.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, chmod, lchown, lstat, mkdir, readdir, readlink, rm, stat, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument, notFound } from '../../lib/errors.js';
import { cleanPath } from '../../lib/dockerignore.js';
import { goMatchRegex, hasWildcards, resolveInRoot, resolveInRootWithStat } from './paths.js';
import { heldNames, heldStat, writeChunks, type DeferredBodies, type StatLike } from './deferred.js';

/** Where sources come from. */
export interface SourceRoot {
  root: string;
  /** True when a context-relative path is excluded by .dockerignore (context only). */
  excluded?: (rel: string) => boolean;
  /** Excluded directories may still hold re-included files (exception patterns exist). */
  hasExceptions?: boolean;
  /** Content hashes computed when the context was received (host path → sha256 hex). */
  hashes?: Map<string, string>;
  /** File mtimes recorded when the context was received (not set on disk). */
  mtimes?: Map<string, Date>;
  /** Files held in memory, not on disk (see deferred.ts); read through heldStat/heldNames. */
  deferred?: DeferredBodies;
  /** Writes the held bodies to their files (idempotent); for readers other than COPY. */
  materialize?: () => Promise<void>;
}

/** One resolved source. */
export interface SourceItem {
  /** Path relative to the source root (`.` for the root). */
  rel: string;
  abs: string;
  isDir: boolean;
  /** lstat of `abs` when already known (saves a call when hashing). */
  stat?: StatLike;
}

/** Ownership/mode options of a copy. */
export interface CopyOptions {
  owner: { uid: number; gid: number };
  /** --chmod as octal bits, or undefined to keep source modes. */
  mode?: number;
}

/** lstat of `abs` in the context: a held file's recorded stat, else the file system's. Throws fs errors. */
async function lstatIn(src: SourceRoot, abs: string): Promise<StatLike> {
  return heldStat(src.deferred, abs, src.mtimes) ?? (await lstat(abs));
}

const notInContext = (s: string) => notFound(`COPY failed: file not found in build context or excluded by .dockerignore: stat ${s}: file does not exist`);

/** Walks a directory (rel paths), skipping excluded entries (descending when exceptions exist). */
async function* walk(src: SourceRoot, relDir: string): AsyncGenerator<{ rel: string; abs: string; st: StatLike }> {
  const absDir = relDir === '.' ? src.root : path.join(src.root, relDir);
  let names: string[];
  try {
    names = await readdir(absDir);
  } catch {
    return;
  }
  const held = heldNames(src.deferred, absDir);
  // A file being materialized is briefly both on disk and held.
  if (held.length > 0) names = [...new Set(names.concat(held))];
  names.sort();
  for (const n of names) {
    const rel = relDir === '.' ? n : `${relDir}/${n}`;
    const abs = path.join(absDir, n);
    const excluded = src.excluded?.(rel) ?? false;
    const st = await lstatIn(src, abs);
    if (!excluded) yield { rel, abs, st };
    if (st.isDirectory() && (!excluded || src.hasExceptions)) yield* walk(src, rel);
  }
}

/**
 * Resolves COPY sources. Throws InvalidArgument for a path outside the context, NotFound
 * (Docker's "file not found in build context…") when nothing matches.
 */
export async function resolveSources(src: SourceRoot, sources: string[]): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for (const s of sources) {
    const rel = cleanPath(s.replace(/^\/+/, ''));
    if (rel === '..' || rel.startsWith('../')) throw invalidArgument(`COPY failed: forbidden path outside the build context: ${s} ()`);
    if (hasWildcards(rel)) {
      const re = goMatchRegex(rel);
      let any = false;
      for await (const e of walk(src, '.')) {
        if (!re.test(e.rel)) continue;
        any = true;
        const isDir = e.st.isSymbolicLink() ? ((await stat(e.abs).catch(() => undefined))?.isDirectory() ?? false) : e.st.isDirectory();
        out.push({ rel: e.rel, abs: e.abs, isDir });
      }
      if (!any) throw notFound(`COPY failed: no source files were specified`);
      continue;
    }
    if (rel !== '.' && src.excluded?.(rel)) throw notInContext(s);
    const resolved = await resolveInRootWithStat(src.root, rel, true, src.deferred ? (p) => heldStat(src.deferred, p, src.mtimes) : undefined);
    const abs = resolved.path;
    const known = resolved.stat ?? heldStat(src.deferred, abs, src.mtimes);
    const st = known ?? (await stat(abs).catch(() => undefined));
    if (!st) throw notInContext(s);
    out.push({ rel, abs, isDir: st.isDirectory(), stat: known });
  }
  return out;
}

async function hashFile(h: ReturnType<typeof createHash>, abs: string): Promise<void> {
  const fh = createHash('sha256');
  for await (const chunk of createReadStream(abs)) fh.update(chunk as Buffer);
  h.update(fh.digest('hex'));
}

/** A digest of the sources' names, types, modes, link targets and contents (not mtimes). Throws fs errors. */
export async function hashSources(src: SourceRoot, items: SourceItem[]): Promise<string> {
  const h = createHash('sha256');
  const one = async (rel: string, abs: string, known?: StatLike) => {
    const st = known ?? (await lstatIn(src, abs));
    h.update(`\0${rel}\0${st.mode}\0${st.uid}:${st.gid}\0`);
    if (st.isSymbolicLink()) h.update(await readlink(abs));
    else if (st.isFile()) {
      const known = src.hashes?.get(abs);
      if (known) h.update(known);
      else await hashFile(h, abs);
    }
  };
  for (const it of items) {
    h.update(`\u0001${it.rel}`);
    if (!it.isDir) {
      await one(path.basename(it.abs), it.abs, it.stat);
      continue;
    }
    const sub: SourceRoot = { ...src, root: it.abs, excluded: src.excluded && ((r: string) => src.excluded!(it.rel === '.' ? r : `${it.rel}/${r}`)) };
    await one('.', it.abs, it.stat);
    for await (const e of walk(sub, '.')) await one(e.rel, e.abs, e.st);
  }
  return h.digest('hex');
}

/** Creates missing directories of `absDir`, 0755 and owned by `owner` (Docker's MkdirAllAndChownNew). */
async function ensureDir(absDir: string, owner: { uid: number; gid: number }): Promise<void> {
  const st = await stat(absDir).catch(() => undefined);
  if (st?.isDirectory()) return;
  if (st) await rm(absDir, { force: true });
  else await ensureDir(path.dirname(absDir), owner);
  await mkdir(absDir, { mode: 0o755 });
  await chmod(absDir, 0o755);
  await lchown(absDir, owner.uid, owner.gid);
}

async function copyEntry(src: SourceRoot, abs: string, target: string, opts: CopyOptions, known?: StatLike): Promise<void> {
  const st = known ?? (await lstatIn(src, abs));
  if (st.isDirectory()) {
    const existing = await lstat(target).catch(() => undefined);
    if (!existing?.isDirectory()) {
      if (existing) await rm(target, { force: true });
      await mkdir(target);
    }
    await chmod(target, opts.mode ?? st.mode & 0o7777);
    await lchown(target, opts.owner.uid, opts.owner.gid);
    return;
  }
  await rm(target, { recursive: true, force: true });
  if (st.isSymbolicLink()) {
    await symlink(await readlink(abs), target);
    await lchown(target, opts.owner.uid, opts.owner.gid);
    return;
  }
  if (!st.isFile()) return;
  const held = src.deferred?.bodies.get(abs);
  if (held) await writeChunks(target, held, 'w');
  else await copyFile(abs, target);
  await chmod(target, opts.mode ?? st.mode & 0o7777);
  await lchown(target, opts.owner.uid, opts.owner.gid);
  const mtime = src.mtimes?.get(abs) ?? st.mtime;
  await utimes(target, mtime, mtime);
}

/**
 * Copies the sources into the rootfs at `rootfs` following Docker's destination rules: a dest
 * ending in `/` (or an existing directory, or several sources) receives files by name; a
 * directory source copies its contents. Throws InvalidArgument when several sources target a
 * non-directory, fs errors otherwise.
 */
export async function copyIntoRootfs(src: SourceRoot, items: SourceItem[], rootfs: string, dest: string, opts: CopyOptions): Promise<void> {
  const destIsDirSyntax = dest.endsWith('/') || dest.endsWith('/.') || dest === '.';
  const destAbs = await resolveInRoot(rootfs, dest);
  const destStat = await stat(destAbs).catch(() => undefined);
  const destIsDir = destIsDirSyntax || destStat?.isDirectory() === true;
  if (items.length > 1 && !destIsDirSyntax) {
    throw invalidArgument('When using COPY with more than one source file, the destination must be a directory and end with a /');
  }
  const dirTargets = new Map<string, string>();
  for (const it of items) {
    if (it.isDir) {
      dirTargets.clear();
      await ensureDir(destAbs, opts.owner);
      const sub: SourceRoot = { ...src, root: it.abs, excluded: src.excluded && ((r: string) => src.excluded!(it.rel === '.' ? r : `${it.rel}/${r}`)) };
      // Directories in walk order (parents first); files by a pool of parallel copies.
      const pending = new Set<Promise<void>>();
      let failure: unknown;
      for await (const e of walk(sub, '.')) {
        if (failure) break;
        const parentRel = path.posix.dirname(e.rel);
        const parentTarget = parentRel === '.' ? destAbs : dirTargets.get(parentRel);
        let target: string;
        if (parentTarget !== undefined) target = path.join(parentTarget, path.posix.basename(e.rel));
        else {
          target = await resolveInRoot(rootfs, path.posix.join(dest, e.rel), false);
          await ensureDir(path.dirname(target), opts.owner);
        }
        if (e.st.isDirectory()) {
          await copyEntry(src, e.abs, target, opts, e.st);
          dirTargets.set(e.rel, target);
          continue;
        }
        const p = copyEntry(src, e.abs, target, opts, e.st).catch((err: unknown) => {
          failure ??= err;
        });
        pending.add(p);
        void p.finally(() => pending.delete(p));
        if (pending.size >= 32) await Promise.race(pending);
      }
      await Promise.all(pending);
      if (failure) throw failure;
      continue;
    }
    const target = destIsDir ? path.join(destAbs, path.basename(it.rel)) : destAbs;
    await ensureDir(path.dirname(target), opts.owner);
    await copyEntry(src, it.abs, target, opts);
  }
}
