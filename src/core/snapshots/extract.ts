/**
 * Safe extraction of one layer tar into a fresh directory, recording a tar-split as it goes.
 * Every name is confined to the target (see confine.ts); symlinks are never followed out;
 * hardlinks must point at files already extracted into the same target. Whiteouts become
 * overlay whiteouts (`overlay` mode) or are kept as the plain `.wh.*` files (`keep` mode, used
 * by the vfs driver, which applies them when it copies layers together).
 *
 * Metadata syscalls are synchronous (microseconds each; a thread-pool hop per call tripled the
 * time of big layers); file bodies stream asynchronously.
 */
import {
  lchownSync, chmodSync, linkSync, lstatSync, lutimesSync, mkdirSync, renameSync, rmSync, symlinkSync,
  unlinkSync, utimesSync, writeFileSync, type Stats,
} from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { canceled, errnoCode, invalidArgument } from '../../lib/errors.js';
import { readTar, writeToFile, type TarHeader } from '../../lib/tar/index.js';
import type { NativeFs } from '../../lib/tar/native.js';
import { cleanName, resolveDir } from './confine.js';
import type { TarSplitWriter } from './tar-split.js';

/** How whiteout entries are materialised. */
export type WhiteoutMode = 'overlay' | 'keep';

/** Inputs of extractLayer. */
export interface ExtractOptions {
  /** Empty directory receiving the files. */
  root: string;
  whiteouts: WhiteoutMode;
  native: NativeFs;
  split: TarSplitWriter;
  /** Directory (outside root) where bodies of files later replaced in the same tar are parked. */
  parkDir: string;
  signal?: AbortSignal;
}

/** What extraction produced. */
export interface ExtractResult {
  /** Sum of regular file sizes. */
  size: number;
  /** tar-split file sequence number → parked file name (relative to parkDir). */
  parked: Record<number, string>;
}

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
/** Bodies up to this size are gathered and written with one call. */
const SMALL_FILE = 256 * 1024;

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
}

async function drain(body: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of body) out.push(c as Buffer);
  return Buffer.concat(out);
}

/**
 * Extracts the (uncompressed) tar `tar` into `opts.root`. Throws InvalidArgument for malformed
 * tars and entries that would escape the root, Canceled when the signal fires, fs errors
 * otherwise. The caller owns cleanup of a partial result.
 */
export async function extractLayer(tar: Readable, opts: ExtractOptions): Promise<ExtractResult> {
  const { root, native, split } = opts;
  const refs = new Map<string, number>();
  const parked: Record<number, string> = {};
  const dirTimes = new Map<string, Date>();
  const dirCache = new Map<string, string[]>();
  let size = 0;

  const park = (rel: string) => {
    const seq = refs.get(rel);
    if (seq === undefined) return;
    refs.delete(rel);
    mkdirSync(opts.parkDir, { recursive: true });
    renameSync(path.join(root, rel), path.join(opts.parkDir, String(seq)));
    parked[seq] = String(seq);
  };
  /** Removes whatever is at rel, parking bodies the tar-split still needs. */
  const clear = (rel: string, st: Stats) => {
    dirCache.clear();
    if (st.isDirectory()) {
      const prefix = rel + '/';
      for (const r of [...refs.keys()]) if (r.startsWith(prefix)) park(r);
      for (const d of [...dirTimes.keys()]) if (d === rel || d.startsWith(prefix)) dirTimes.delete(d);
      rmSync(path.join(root, rel), { recursive: true, force: true });
    } else {
      park(rel);
      try {
        unlinkSync(path.join(root, rel));
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
      }
    }
  };
  const applyMeta = (abs: string, rel: string, h: TarHeader) => {
    lchownSync(abs, h.uid, h.gid);
    if (h.type !== 'symlink') chmodSync(abs, h.mode & 0o7777);
    for (const [k, v] of h.xattrs ?? []) {
      if (k.startsWith('trusted.overlay.')) continue; // never let a layer forge overlay metadata
      try {
        native.lsetxattr(abs, k, v);
      } catch (e) {
        if (errnoCode(e) !== 'ENOTSUP') throw e;
      }
    }
    if (h.type === 'directory') dirTimes.set(rel, h.mtime);
    else lutimesSync(abs, h.mtime, h.mtime);
  };

  for await (const { header: h, body } of readTar(tar, { onRaw: (b) => split.raw(b) })) {
    if (opts.signal?.aborted) throw canceled();
    let bodyUsed = false;
    const parts = cleanName(h.name);
    if (parts.length === 0) {
      if (h.type !== 'directory') throw invalidArgument(`archive/tar: invalid entry ${JSON.stringify(h.name)}`);
      applyMeta(root, '', h);
    } else {
      const base = parts[parts.length - 1]!;
      const parent = resolveDir(root, parts.slice(0, -1), true, dirCache);
      const parentAbs = path.join(root, ...parent);
      if (opts.whiteouts === 'overlay' && base.startsWith('.wh.')) {
        if (base === '.wh..wh..opq') {
          native.lsetxattr(parentAbs, 'trusted.overlay.opaque', Buffer.from('y'));
        } else if (!base.startsWith('.wh..wh.')) {
          const victim = base.slice(4);
          if (victim === '' || victim === '.' || victim === '..') throw invalidArgument(`archive/tar: invalid whiteout ${JSON.stringify(h.name)}`);
          const rel = path.posix.join(...parent, victim);
          const abs = path.join(root, rel);
          const st = lstatOrNull(abs);
          if (st) clear(rel, st);
          native.mknod(abs, S_IFCHR, 0, 0);
          lchownSync(abs, h.uid, h.gid);
        }
      } else {
        const rel = path.posix.join(...parent, base);
        const abs = path.join(root, rel);
        const st = lstatOrNull(abs);
        const keepDir = st !== null && st.isDirectory() && h.type === 'directory';
        if (st && !keepDir) clear(rel, st);
        switch (h.type) {
          case 'file':
            if (h.size <= SMALL_FILE) writeFileSync(abs, h.size > 0 ? await drain(body) : Buffer.alloc(0), { flag: 'wx', mode: 0o600 });
            else await writeToFile(body as AsyncIterable<Buffer>, abs, 'wx', 0o600);
            bodyUsed = true;
            refs.set(rel, split.file(rel, h.size));
            size += h.size;
            break;
          case 'directory':
            if (!keepDir) mkdirSync(abs, { mode: 0o700 });
            break;
          case 'symlink':
            symlinkSync(h.linkname ?? '', abs);
            break;
          case 'link': {
            const tparts = cleanName(h.linkname ?? '');
            if (tparts.length === 0) throw invalidArgument(`archive/tar: invalid hardlink ${JSON.stringify(h.name)} -> ${JSON.stringify(h.linkname)}`);
            const tparent = resolveDir(root, tparts.slice(0, -1), false, dirCache);
            const tabs = path.join(root, ...tparent, tparts[tparts.length - 1]!);
            if (tabs === abs) throw invalidArgument(`archive/tar: hardlink ${JSON.stringify(h.name)} points to itself`);
            const tst = lstatOrNull(tabs);
            if (!tst || tst.isDirectory()) {
              throw invalidArgument(`archive/tar: hardlink ${JSON.stringify(h.name)} -> ${JSON.stringify(h.linkname)}: target not in the layer`);
            }
            linkSync(tabs, abs);
            break;
          }
          case 'character-device':
          case 'block-device':
            native.mknod(abs, (h.type === 'character-device' ? S_IFCHR : S_IFBLK) | (h.mode & 0o7777), h.devmajor ?? 0, h.devminor ?? 0);
            break;
          case 'fifo':
            native.mknod(abs, S_IFIFO | (h.mode & 0o7777), 0, 0);
            break;
        }
        if (h.type !== 'link') applyMeta(abs, rel, h);
      }
    }
    if (!bodyUsed && h.size > 0) split.raw(await drain(body));
    await split.flush();
  }
  // Directory times last (children change them), deepest first.
  const dirs = [...dirTimes].sort((a, b) => b[0].split('/').length - a[0].split('/').length);
  for (const [rel, t] of dirs) utimesSync(path.join(root, rel), t, t);
  return { size, parked };
}
