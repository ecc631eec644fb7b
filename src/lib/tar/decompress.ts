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

/**
 * gunzip of the bytes `head` then `it` (unless `ended`). Input is copied into 1 MiB pieces —
 * zlib does one thread-pool round trip per written chunk, and socket-sized chunks (64 KiB) made
 * those dominate — which are reused once zlib consumed them (no garbage per MiB); output comes
 * in chunks of up to 1 MiB. Errors as for decompress.
 */
function gunzipGathered(it: AsyncIterator<unknown>, head: Buffer[], ended: boolean): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const gz = createGunzip({ chunkSize: GATHER });
  gz.on('error', (e) => out.destroy(asInvalid(e, 'gzip')));
  gz.pipe(out);
  out.on('close', () => {
    if (!gz.destroyed) gz.destroy();
    void it.return?.().catch(() => {});
  });
  const pool: Buffer[] = [];
  let cur: Buffer | undefined;
  let n = 0;
  const send = async (): Promise<void> => {
    const piece = cur!;
    const view = piece.subarray(0, n);
    cur = undefined;
    n = 0;
    const more = gz.write(view, (err) => {
      if (!err && pool.length < 4) pool.push(piece); // zlib is done with it
    });
    if (!more && !gz.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          gz.off('drain', done);
          gz.off('close', done);
          resolve();
        };
        gz.on('drain', done);
        gz.on('close', done);
      });
    }
  };
  const put = async (b: Buffer): Promise<void> => {
    let off = 0;
    while (off < b.length) {
      cur ??= pool.pop() ?? Buffer.allocUnsafeSlow(GATHER);
      const k = b.copy(cur, n, off);
      off += k;
      n += k;
      if (n === GATHER) await send();
    }
  };
  void (async () => {
    try {
      for (const h of head) await put(h);
      while (!ended && !gz.destroyed) {
        const r = await it.next();
        if (r.done) break;
        const v = r.value;
        await put(Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));
      }
      if (gz.destroyed) return;
      if (n > 0) await send();
      gz.end();
    } catch (e) {
      out.destroy(toEngineError(e));
    }
  })();
  return out;
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
  if (kind === 'gzip') return gunzipGathered(it, head, ended);
  const replay = Readable.from(
    (async function* () {
      yield* head;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value as Buffer;
      }
    })(),
    { objectMode: false },
  );
  if (kind === 'none') return replay;
  const out = new PassThrough({ highWaterMark: 1 << 20 });
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
