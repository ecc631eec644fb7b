/**
 * Streaming tar reader: ustar, GNU (long names 'L'/'K', base-256 numbers), PAX ('x' local and
 * 'g' global records; SCHILY.xattr.* values kept as raw bytes). Entries are produced one at a
 * time; each body streams straight from the source.
 */
import { Readable } from 'node:stream';
import { invalidArgument } from '../errors.js';
import { ByteSource } from './byte-source.js';
import { BLOCK, decodeHeader, entryType, padLen, parsePax } from './header.js';
import type { TarEntry, TarHeader } from './index.js';

/** Options of readTar. */
export interface ReadTarOptions {
  /**
   * Receives, in stream order, every byte that is not the body of a produced entry: header
   * blocks, PAX/GNU meta entries with their data, padding, the end-of-archive blocks and any
   * trailing bytes. Together with the bodies this is the whole input (used for tar-split).
   */
  onRaw?: (bytes: Buffer) => void;
}

const CHUNK = 256 * 1024;
/** Largest PAX/GNU metadata record accepted (a bigger one is an invalid header). */
export const META_MAX = 16 * 1024 * 1024;

/** Entry types whose size field never describes data (as Go's archive/tar). */
const headerOnly = new Set(['link', 'symlink', 'character-device', 'block-device', 'directory', 'fifo']);

function cstr(b: Buffer): string {
  const z = b.indexOf(0);
  return (z === -1 ? b : b.subarray(0, z)).toString('utf8');
}

function paxNumber(v: Buffer | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const s = v.toString('latin1');
  if (!/^-?[0-9]+(\.[0-9]*)?$/.test(s)) throw invalidArgument(`archive/tar: invalid PAX ${what}: ${s}`);
  return Number(s);
}

/** PAX keys that become header fields (the others are kept in `pax`). */
const KNOWN_PAX = new Set(['path', 'linkpath', 'size', 'uid', 'gid', 'uname', 'gname', 'mtime']);

/**
 * Builds the public header from the raw block and the PAX/GNU overrides. Throws
 * InvalidArgument for an unsupported type or a bad size.
 */
function buildHeader(
  raw: ReturnType<typeof decodeHeader>,
  pax: Map<string, Buffer>,
  longName?: string,
  longLink?: string,
): TarHeader {
  const name = pax.get('path')?.toString('utf8') ?? longName ?? raw.name;
  const type = entryType(raw.typeflag, name);
  if (type === undefined) throw invalidArgument(`archive/tar: unsupported entry type ${JSON.stringify(raw.typeflag)} for ${name}`);
  const linkname = pax.get('linkpath')?.toString('utf8') ?? longLink ?? raw.linkname;
  const mtime = paxNumber(pax.get('mtime'), 'mtime') ?? raw.mtime;
  const size = headerOnly.has(type) ? 0 : paxNumber(pax.get('size'), 'size') ?? raw.size;
  if (!Number.isSafeInteger(size) || size < 0) throw invalidArgument('archive/tar: invalid tar header');
  const h: TarHeader = {
    name,
    type,
    size,
    mode: raw.mode & 0o7777,
    uid: paxNumber(pax.get('uid'), 'uid') ?? raw.uid,
    gid: paxNumber(pax.get('gid'), 'gid') ?? raw.gid,
    mtime: new Date(Math.floor(mtime * 1000)),
  };
  const uname = pax.get('uname')?.toString('utf8') ?? raw.uname;
  const gname = pax.get('gname')?.toString('utf8') ?? raw.gname;
  if (uname) h.uname = uname;
  if (gname) h.gname = gname;
  if (linkname && (type === 'link' || type === 'symlink')) h.linkname = linkname;
  if (type === 'character-device' || type === 'block-device') {
    h.devmajor = raw.devmajor;
    h.devminor = raw.devminor;
  }
  for (const [k, v] of pax) {
    if (k.startsWith('SCHILY.xattr.')) {
      (h.xattrs ??= new Map()).set(k.slice('SCHILY.xattr.'.length), v);
    } else if (!KNOWN_PAX.has(k)) {
      (h.pax ??= {})[k] = v.toString('utf8');
    }
  }
  return h;
}

/**
 * The PAX (local 'x', global 'g') and GNU long name/link ('L'/'K') records read between
 * entries, applied to the next entry's header (global PAX records to every later one). Used by
 * readTar and the builder's lean context reader.
 */
export class TarMetaRecords {
  private readonly globalPax = new Map<string, Buffer>();
  private pax = new Map<string, Buffer>();
  private longName: string | undefined;
  private longLink: string | undefined;

  /** Whether a header block with this typeflag is a metadata record rather than an entry. */
  static isMeta(typeflag: string): boolean {
    return 'xgLK'.includes(typeflag);
  }

  /** Takes in the data of one metadata record. Throws InvalidArgument for malformed PAX data. */
  add(typeflag: string, data: Buffer): void {
    if (typeflag === 'x') for (const [k, v] of parsePax(data)) this.pax.set(k, v);
    else if (typeflag === 'g') for (const [k, v] of parsePax(data)) this.globalPax.set(k, v);
    else if (typeflag === 'L') this.longName = cstr(data);
    else this.longLink = cstr(data);
  }

  /** The header of entry `raw` with the pending records applied; the local ones are spent. Throws as buildHeader. */
  header(raw: ReturnType<typeof decodeHeader>): TarHeader {
    const merged = this.globalPax.size === 0 ? this.pax : new Map([...this.globalPax, ...this.pax]);
    const h = buildHeader(raw, merged, this.longName, this.longLink);
    this.pax = new Map();
    this.longName = this.longLink = undefined;
    return h;
  }
}

/**
 * Reads a tar stream entry by entry. Each entry's body must be consumed (or left alone: it is
 * skipped) before asking for the next entry. Two zero blocks (or end of input at a header
 * boundary) end the archive; bytes after that are drained and ignored. Throws (from the
 * iteration) InvalidArgument "unexpected EOF" for truncated input and "archive/tar: invalid
 * tar header" for malformed headers; errors of the source stream are rethrown as they are.
 */
export async function* readTar(source: Readable, opts: ReadTarOptions = {}): AsyncGenerator<TarEntry> {
  const src = new ByteSource(source);
  const raw = opts.onRaw ?? (() => {});
  const meta = new TarMetaRecords();
  let finished = false;
  try {
    for (;;) {
      const block = await src.readExact(BLOCK, true);
      if (block === null) break;
      raw(block);
      if (block.every((c) => c === 0)) {
        const next = await src.readExact(BLOCK, true);
        if (next === null) break;
        raw(next);
        if (next.every((c) => c === 0)) break;
        throw invalidArgument('archive/tar: invalid tar header');
      }
      const h = decodeHeader(block);
      if (TarMetaRecords.isMeta(h.typeflag)) {
        if (h.size > META_MAX) throw invalidArgument('archive/tar: invalid tar header');
        const data = (await src.readExact(h.size))!;
        raw(data);
        const pad = padLen(h.size);
        if (pad > 0) raw((await src.readExact(pad))!);
        meta.add(h.typeflag, data);
        continue;
      }
      const header = meta.header(h);

      let remaining = header.size;
      let pending: Promise<void> | null = null;
      let detached = false;
      const body = new Readable({
        highWaterMark: CHUNK,
        read() {
          if (pending || detached) return;
          if (remaining === 0) {
            this.push(null);
            return;
          }
          pending = (async () => {
            try {
              const chunk = await src.readSome(Math.min(remaining, CHUNK));
              remaining -= chunk.length;
              pending = null;
              this.push(chunk);
              if (remaining === 0) this.push(null);
            } catch (e) {
              pending = null;
              this.destroy(e as Error);
            }
          })();
        },
      });
      yield { header, body };
      detached = true; // from here on the generator owns the source; the body gets no more reads
      while (pending) await pending;
      while (remaining > 0) {
        const c = await src.readSome(Math.min(remaining, CHUNK));
        remaining -= c.length;
      }
      if (!body.readableEnded && !body.destroyed) body.push(null);
      const pad = padLen(header.size);
      if (pad > 0) raw((await src.readExact(pad))!);
    }
    for await (const b of src.rest()) raw(b);
    finished = true;
  } finally {
    if (!finished) await src.close().catch(() => {});
  }
}
