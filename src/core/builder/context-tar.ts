/**
 * A lean tar reader for build contexts and ADD archives. The generic reader (lib/tar) hands
 * every body out as a Readable fed through a byte source: for a 50 MB context that is a few
 * thousand socket chunks each crossing four stream hops, which cost more than hashing them. Here
 * the source's chunks (taken through 'data' events) are read with lib/tar's ByteSource and a
 * body is an async iterable of subarrays of them (no copies). Compressed input goes through
 * lib/tar's decompress first. Headers are built as the generic reader builds them (its
 * TarMetaRecords: ustar, GNU long names, PAX local and global records).
 *
 * Unlike the generic reader, input may end right after an entry's body without padding or
 * end-of-archive blocks (the docker CLI sends such a tar for `build -f -`; Go's reader, so
 * dockerd, accepts it).
 */
import { Readable } from 'node:stream';
import { invalidArgument } from '../../lib/errors.js';
import { BLOCK, decodeHeader, padLen } from '../../lib/tar/header.js';
import { decompress, type TarHeader } from '../../lib/tar/index.js';
import { sniffCompression } from '../../lib/tar/decompress.js';
import { META_MAX, TarMetaRecords } from '../../lib/tar/reader.js';
import { ByteSource } from '../../lib/tar/byte-source.js';

/** One entry: its header and its content (iterate it, or leave it: the reader skips it). */
export interface ContextEntry {
  header: TarHeader;
  body: AsyncIterable<Buffer>;
}

const eof = () => invalidArgument('unexpected EOF');
const badHeader = () => invalidArgument('archive/tar: invalid tar header');

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

async function* bodyOf(src: ByteSource, state: { left: number }): AsyncGenerator<Buffer> {
  while (state.left > 0) {
    const c = await src.readSome(state.left);
    state.left -= c.length;
    yield c;
  }
}

/** Bytes a flowing source may queue ahead of the reader before it is paused. */
const QUEUE_HIGH = 4 << 20;

/**
 * The source's chunks through 'data' events (flowing mode), paused while more than
 * QUEUE_HIGH bytes wait: the cheapest way through Node's streams, where a Readable's own async
 * iterator costs a 'readable' event, a read() and several ticks per chunk. return() destroys
 * the source. A source closed before its end gives "unexpected EOF".
 */
function flowingChunks(source: Readable): AsyncIterator<unknown> {
  const queue: unknown[] = [];
  let head = 0;
  let queued = 0;
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (c: unknown) => {
    queue.push(c);
    queued += (c as { length?: number }).length ?? 0;
    if (queued >= QUEUE_HIGH) source.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (e: unknown) => {
    failure ??= e;
    notify();
  };
  const onClose = () => {
    if (!ended) failure ??= eof();
    notify();
  };
  const detach = () => {
    source.off('data', onData);
    source.off('end', onEnd);
    source.off('error', onError);
    source.off('close', onClose);
  };
  source.on('data', onData);
  source.on('end', onEnd);
  source.on('error', onError);
  source.on('close', onClose);
  return {
    async next(): Promise<IteratorResult<unknown>> {
      for (;;) {
        if (head < queue.length) {
          const c = queue[head];
          queue[head++] = undefined;
          if (head === queue.length) {
            queue.length = 0;
            head = 0;
          }
          queued -= (c as { length?: number }).length ?? 0;
          if (queued < QUEUE_HIGH / 2 && source.isPaused()) source.resume();
          return { value: c, done: false };
        }
        if (failure !== undefined) {
          detach();
          source.on('error', () => {});
          throw failure;
        }
        if (ended) {
          detach();
          return { value: undefined, done: true };
        }
        await new Promise<void>((r) => (wake = r));
      }
    },
    async return(): Promise<IteratorResult<unknown>> {
      detach();
      source.on('error', () => {});
      if (!ended) source.destroy();
      return { value: undefined, done: true };
    },
  };
}

/** The source's bytes, decompressed when they start with a compression magic. */
async function plainBytes(source: Readable): Promise<ByteSource> {
  const src = new ByteSource(flowingChunks(source));
  if (sniffCompression(await src.peek(6)) === 'none') return src;
  const replay = Readable.from(src.rest(), { objectMode: false });
  return new ByteSource(flowingChunks(await decompress(replay)));
}

/**
 * Reads a (possibly compressed) tar entry by entry (see the module comment). A body not
 * iterated to its end is skipped when the next entry is asked for. Input after the end of the
 * archive is drained. Throws (from the iteration) InvalidArgument "unexpected EOF" for truncated
 * input and "archive/tar: invalid tar header" for malformed headers; source errors as they are.
 */
export async function* readContextTar(source: Readable): AsyncGenerator<ContextEntry> {
  const src = await plainBytes(source);
  let finished = false;
  try {
    const meta = new TarMetaRecords();
    for (;;) {
      const block = await src.readExact(BLOCK, true);
      if (block === null) break;
      if (isZero(block)) {
        const next = await src.readExact(BLOCK, true);
        if (next === null || isZero(next)) break;
        throw badHeader();
      }
      const raw = decodeHeader(block);
      if (TarMetaRecords.isMeta(raw.typeflag)) {
        if (raw.size > META_MAX) throw badHeader();
        const data = Buffer.from((await src.readExact(raw.size, false))!);
        await src.skip(padLen(raw.size));
        meta.add(raw.typeflag, data);
        continue;
      }
      const header = meta.header(raw);
      const state = { left: header.size };
      yield { header, body: bodyOf(src, state) };
      if (state.left > 0) await src.skip(state.left);
      const pad = padLen(header.size);
      if (pad > 0 && (await src.readExact(pad, true)) === null) break;
    }
    for await (const _ of src.rest()); // bytes after the archive are drained and ignored
    finished = true;
  } finally {
    if (!finished) await src.close().catch(() => {});
  }
}
