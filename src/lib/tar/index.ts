/**
 * Contract of Pier's tar reader/writer (written for layers: PAX, GNU long names, binary-safe
 * xattrs such as file capabilities, hardlinks, devices, whiteouts, uids above 262143), plus
 * decompression sniffing. Tested against GNU tar.
 */
import type { Readable } from 'node:stream';

/** The kinds of entries the reader produces and the writer accepts. */
export type TarEntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';

/** One entry's metadata, after PAX/GNU extensions were applied. */
export interface TarHeader {
  /** Path as stored (no leading "./" normalisation applied by the reader). */
  name: string;
  type: TarEntryType;
  /** File size in bytes (0 for non-files). */
  size: number;
  /** Permission bits incl. setuid/setgid/sticky (no type bits). */
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  mtime: Date;
  /** Target of a symlink or hardlink. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes (from PAX SCHILY.xattr.*), values as raw bytes. */
  xattrs?: Map<string, Buffer>;
  /** Other PAX records, raw. */
  pax?: Record<string, string>;
}

/** An entry produced by readTar. */
export interface TarEntry {
  header: TarHeader;
  /** The entry's content; must be consumed (or resumed) before the next entry is produced. */
  body: Readable;
}

export { readTar } from './reader.js';
export { TarWriter } from './writer.js';
export { decompress } from './decompress.js';
export { filterTar } from './filter.js';
export { FileSink, writeToFile } from './file-sink.js';
export { HashWorker, type StreamHash } from './hash-worker.js';
export { major, minor, statType } from './stat.js';
