/**
 * Decompression by sniffing magic bytes: gzip (node:zlib), zstd, xz and bzip2 (external
 * programs through lib/exec), anything else passes through unchanged.
 */
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { invalidArgument, toEngineError, EngineError } from '../errors.js';
import { start } from '../exec.js';

/** Bytes of gzip input gathered per zlib call, and zlib's output chunk size. */
const GATHER = 1 << 20;

/** The compression a stream starts with. */
export type Compression = 'gzip' | 'zstd' | 'xz' | 'bzip2' | 'none';

/** Detects the compression from the first bytes of a stream. */
export function sniffCompression(head: Buffer): Compression {
  const has = (...b: number[]) => b.every((v, i) => head[i] === v);
  if (has(0x1f, 0x8b)) return 'gzip';
  if (has(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (has(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (has(0x42, 0x5a, 0x68)) return 'bzip2';
  return 'none';
}

/** Converts decoder failures into InvalidArgument (source stream errors stay as they are). */
function asInvalid(e: unknown, what: string): Error {
  if (e instanceof EngineError) return e;
  return invalidArgument(`${what}: ${(e as Error)?.message ?? String(e)}`, e);
}

/**
 * Returns the decompressed form of `source` (or the source's bytes unchanged when they are not
 * compressed). Resolves once the first bytes were seen. Decoder failures (corrupt data, a
 * failing zstd/xz/bzip2 program) surface as InvalidArgument errors on the returned stream;
 * throws Internal when a decompressor program cannot be started.
 */
export async function decompress(source: Readable): Promise<Readable> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < 6) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    head.push(b);
    len += b.length;
  }
  const kind = sniffCompression(Buffer.concat(head));
  // For gzip, input is gathered into ~1 MiB pieces: zlib does one thread-pool round trip per
  // written chunk, and socket-sized chunks (64 KiB) made those dominate.
  const gather = kind === 'gzip' ? GATHER : 0;
  const replay = Readable.from(
    (async function* () {
      let parts: Buffer[] = [...head];
      let len = parts.reduce((a, b) => a + b.length, 0);
      const take = (): Buffer => {
        const b = parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
        parts = [];
        len = 0;
        return b;
      };
      if (!ended) {
        for (;;) {
          if (len >= gather && len > 0) yield take();
          const r = await it.next();
          if (r.done) break;
          const b = r.value as Buffer;
          parts.push(b);
          len += b.length;
        }
      }
      if (len > 0) yield take();
    })(),
    { objectMode: false },
  );
  if (kind === 'none') return replay;
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  if (kind === 'gzip') {
    // Big output chunks: fewer hops through the thread pool and fewer chunks downstream.
    const gz = createGunzip({ chunkSize: GATHER });
    replay.on('error', (e) => out.destroy(toEngineError(e)));
    gz.on('error', (e) => out.destroy(asInvalid(e, 'gzip')));
    replay.pipe(gz).pipe(out);
    out.on('close', () => {
      if (!gz.destroyed) gz.destroy();
      if (!replay.destroyed) replay.destroy();
    });
    return out;
  }
  const prog = kind === 'zstd' ? 'zstd' : kind === 'xz' ? 'xz' : 'bzip2';
  const child = start(prog, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const errs: Buffer[] = [];
  child.stderr!.on('data', (d: Buffer) => errs.push(d));
  child.stdin!.on('error', () => {});
  replay.on('error', (e) => {
    out.destroy(toEngineError(e));
    child.kill();
  });
  replay.pipe(child.stdin!);
  child.stdout!.pipe(out, { end: false });
  child.on('error', (e) => out.destroy(asInvalid(e, prog)));
  child.on('close', (code, signal) => {
    if (out.destroyed) return;
    if (code === 0) out.end();
    else out.destroy(invalidArgument(`${prog}: ${Buffer.concat(errs).toString().trim() || `exit status ${code ?? signal}`}`));
  });
  out.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    if (!replay.destroyed) replay.destroy();
  });
  return out;
}
