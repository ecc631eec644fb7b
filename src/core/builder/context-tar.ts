/**
 * A lean tar reader for build contexts and ADD archives. The generic reader (lib/tar) hands
 * every body out as a Readable fed through a byte source: for a 50 MB context that is a few
 * thousand socket chunks each crossing four stream hops, which cost more than hashing them. Here
 * the source's chunks are parsed in place and a body is an async iterable of subarrays of
 * them (no copies). Compressed input goes through lib/tar's decompress first. Headers mean what
 * they mean to the generic reader (ustar, GNU long names, PAX local and global records).
 *
 * Unlike the generic reader, input may end right after an entry's body without padding or
 * end-of-archive blocks (the docker CLI sends such a tar for `build -f -`; Go's reader, so
 * dockerd, accepts it).
 */
import { Readable } from 'node:stream';
import { invalidArgument } from '../../lib/errors.js';
import { BLOCK, decodeHeader, padLen, parsePax } from '../../lib/tar/header.js';
import { decompress, type TarHeader } from '../../lib/tar/index.js';
import { sniffCompression } from '../../lib/tar/decompress.js';
import { buildHeader } from '../../lib/tar/reader.js';

/** One entry: its header and its content (iterate it, or leave it: the reader skips it). */
export interface ContextEntry {
  header: TarHeader;
  body: AsyncIterable<Buffer>;
}

const META_MAX = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const eof = () => invalidArgument('unexpected EOF');
const badHeader = () => invalidArgument('archive/tar: invalid tar header');

/** The source's chunks with a read position. Not safe for concurrent reads. */
class Chunks {
  buf: Buffer = EMPTY;
  ended = false;
  constructor(private readonly it: AsyncIterator<unknown>) {}

  /** Appends one more chunk; false at end of input. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const v = r.value;
    const c = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v as Uint8Array);
    this.buf = this.buf.length === 0 ? c : Buffer.concat([this.buf, c]);
    return true;
  }

  /** Exactly n bytes; null when the input ended before any (when allowEof). Throws "unexpected EOF". */
  async exact(n: number, allowEof: boolean): Promise<Buffer | null> {
    while (this.buf.length < n) {
      if (!(await this.more())) {
        if (allowEof && this.buf.length === 0) return null;
        throw eof();
      }
    }
    return this.take(n);
  }

  /** Up to `max` bytes of what is buffered (sync). */
  take(max: number): Buffer {
    const n = Math.min(max, this.buf.length);
    const out = this.buf.subarray(0, n);
    this.buf = n === this.buf.length ? EMPTY : this.buf.subarray(n);
    return out;
  }

  async skip(n: number): Promise<void> {
    while (n > 0) {
      if (this.buf.length === 0 && !(await this.more())) throw eof();
      n -= this.take(n).length;
    }
  }

  async drain(): Promise<void> {
    this.buf = EMPTY;
    while (await this.more()) this.buf = EMPTY;
  }

  async close(): Promise<void> {
    this.ended = true;
    await this.it.return?.();
  }
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

async function* bodyOf(ch: Chunks, state: { left: number }): AsyncGenerator<Buffer> {
  while (state.left > 0) {
    if (ch.buf.length === 0 && !(await ch.more())) throw eof();
    const c = ch.take(state.left);
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
async function plainChunks(source: Readable): Promise<Chunks> {
  const ch = new Chunks(flowingChunks(source));
  while (ch.buf.length < 6 && (await ch.more()));
  if (sniffCompression(ch.buf) === 'none') return ch;
  const replay = Readable.from(
    (async function* () {
      yield ch.take(ch.buf.length);
      while (await ch.more()) yield ch.take(ch.buf.length);
    })(),
    { objectMode: false },
  );
  return new Chunks(flowingChunks(await decompress(replay)));
}

/**
 * Reads a (possibly compressed) tar entry by entry (see the module comment). A body not
 * iterated to its end is skipped when the next entry is asked for. Input after the end of the
 * archive is drained. Throws (from the iteration) InvalidArgument "unexpected EOF" for truncated
 * input and "archive/tar: invalid tar header" for malformed headers; source errors as they are.
 */
export async function* readContextTar(source: Readable): AsyncGenerator<ContextEntry> {
  const ch = await plainChunks(source);
  let finished = false;
  try {
    let globalPax = new Map<string, Buffer>();
    let pax = new Map<string, Buffer>();
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const block = await ch.exact(BLOCK, true);
      if (block === null) break;
      if (isZero(block)) {
        const next = await ch.exact(BLOCK, true);
        if (next === null || isZero(next)) break;
        throw badHeader();
      }
      const raw = decodeHeader(block);
      if ('xgLK'.includes(raw.typeflag)) {
        if (raw.size > META_MAX) throw badHeader();
        const data = Buffer.from((await ch.exact(raw.size, false))!);
        await ch.skip(padLen(raw.size));
        if (raw.typeflag === 'x') for (const [k, v] of parsePax(data)) pax.set(k, v);
        else if (raw.typeflag === 'g') {
          globalPax = new Map(globalPax);
          for (const [k, v] of parsePax(data)) globalPax.set(k, v);
        } else {
          const z = data.indexOf(0);
          const s = (z === -1 ? data : data.subarray(0, z)).toString('utf8');
          if (raw.typeflag === 'L') longName = s;
          else longLink = s;
        }
        continue;
      }
      const merged = globalPax.size === 0 ? pax : new Map([...globalPax, ...pax]);
      const header = buildHeader(raw, merged, longName, longLink);
      pax = new Map();
      longName = longLink = undefined;
      const state = { left: header.size };
      yield { header, body: bodyOf(ch, state) };
      if (state.left > 0) await ch.skip(state.left);
      const pad = padLen(header.size);
      if (pad > 0 && (await ch.exact(pad, true)) === null) break;
    }
    await ch.drain();
    finished = true;
  } finally {
    if (!finished) await ch.close().catch(() => {});
  }
}
