/**
 * `docker logs`: reads the container's k8s-file log — the rotated files (`<log>.N`, `.N.gz`)
 * oldest first, then the live one — with stream, since/until, tail, timestamps and details
 * options, and follows it until the container stops. Following survives rotation: the open
 * file is read to its end before the new one at the path is opened (conmon creates the new
 * file only after closing the old one), so no byte is lost. Files are read straight into the
 * scanner's buffer (1 MiB reads) and output comes in large frames, views of that buffer when
 * possible, whose `release()` lets the buffer be reused once written (logs-scan.ts,
 * logs-pool.ts).
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { errnoCode } from '../../lib/errors.js';
import { isCountedLine, LogScanner, type LogChunk } from './logs-scan.js';
import { logFiles } from './logs-rotate.js';
import { follow, type FollowHooks } from './logs-follow.js';
import type { ContainerRecord } from './types.js';
import type { LogsOptions } from './index.js';

export type { FollowHooks } from './logs-follow.js';

const READ = 1024 * 1024;
const NL = 0x0a;

/**
 * Joins consecutive chunks of the same stream (up to 64 KiB) so a large log is sent in few
 * frames; clients demultiplex by stream, not by frame. Never throws.
 */
export function* coalesce(chunks: readonly { stream: 1 | 2; data: Buffer }[]): Generator<{ stream: 1 | 2; data: Buffer }> {
  let cur: { stream: 1 | 2; parts: Buffer[]; size: number } | undefined;
  for (const c of chunks) {
    if (cur && (cur.stream !== c.stream || cur.size + c.data.length > 64 * 1024)) {
      yield { stream: cur.stream, data: Buffer.concat(cur.parts) };
      cur = undefined;
    }
    cur ??= { stream: c.stream, parts: [], size: 0 };
    cur.parts.push(c.data);
    cur.size += c.data.length;
  }
  if (cur) yield { stream: cur.stream, data: Buffer.concat(cur.parts) };
}

/** Docker's `--details` prefix: the container's log attributes as `k=v,k=v` plus a space. Pure. */
export function detailsPrefix(rec: ContainerRecord): string {
  const c = rec.hostConfig.LogConfig?.Config ?? {};
  const attrs: Record<string, string> = {};
  const labels = rec.config.Labels ?? {};
  const env = new Map<string, string>();
  for (const kv of rec.config.Env ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
  }
  for (const k of (c.labels ?? '').split(',').filter(Boolean)) if (k in labels) attrs[k] = labels[k]!;
  if (c['labels-regex']) {
    const re = new RegExp(c['labels-regex']);
    for (const [k, v] of Object.entries(labels)) if (re.test(k)) attrs[k] = v;
  }
  for (const k of (c.env ?? '').split(',').filter(Boolean)) if (env.has(k)) attrs[k] = env.get(k)!;
  if (c['env-regex']) {
    const re = new RegExp(c['env-regex']);
    for (const [k, v] of env) if (re.test(k)) attrs[k] = v;
  }
  const parts = Object.keys(attrs)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(attrs[k]!)}`);
  return parts.join(',') + ' ';
}

/** A log file's content source: a plain file read by offset, or a gzip file read whole. */
type Source = { kind: 'plain'; fh: FileHandle; size: number } | { kind: 'gz'; data: Buffer };

async function openSources(files: string[]): Promise<Source[]> {
  const out: Source[] = [];
  for (const f of files) {
    try {
      if (f.endsWith('.gz')) out.push({ kind: 'gz', data: gunzipSync(await readFile(f)) });
      else {
        const fh = await open(f, 'r');
        out.push({ kind: 'plain', fh, size: (await fh.stat()).size });
      }
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
    }
  }
  return out;
}

/** Reads up to `len` bytes of `s` at `pos` into `buf` at `off`; returns the count. */
async function readAt(s: Source, buf: Buffer, pos: number, len: number, off = 0): Promise<number> {
  if (s.kind === 'gz') return s.data.copy(buf, off, pos, Math.min(s.data.length, pos + len));
  const { bytesRead } = await s.fh.read(buf, off, len, pos);
  return bytesRead;
}

function sizeOf(s: Source): number {
  return s.kind === 'gz' ? s.data.length : s.size;
}

/**
 * Finds where the last `n` counted lines of `s` (up to `end`) begin, scanning backwards.
 * Returns that offset (0 when the file holds fewer) and how many counted lines were found.
 */
async function tailStart(s: Source, end: number, n: number, o: { stdout: boolean; stderr: boolean }, newest: boolean): Promise<{ offset: number; count: number }> {
  let count = 0;
  let carry = Buffer.alloc(0);
  let first = true;
  let hi = end;
  while (hi > 0) {
    const lo = Math.max(0, hi - READ);
    const chunk = Buffer.allocUnsafe(hi - lo);
    const got = await readAt(s, chunk, lo, hi - lo);
    const data = carry.length ? Buffer.concat([chunk.subarray(0, got), carry]) : chunk.subarray(0, got);
    let nl = first ? data.lastIndexOf(NL) : data.length - 1;
    if (first && nl < 0) {
      hi = lo; // an unfinished last line: not counted
      continue;
    }
    first = false;
    carry = Buffer.alloc(0);
    while (nl >= 0) {
      const lastRecord = newest && count === 0 && hi === end && nl === data.lastIndexOf(NL);
      const prev = nl > 0 ? data.lastIndexOf(NL, nl - 1) : -1;
      if (prev < 0 && lo > 0) {
        carry = Buffer.from(data.subarray(0, nl + 1));
        break;
      }
      // The last record of the newest file counts even when partial (a final line without "\n").
      if (isCountedLine(data, prev + 1, nl, o) || (lastRecord && isCountedLine(data, prev + 1, nl, o, true))) {
        count++;
        if (count > n) return { offset: lo + nl + 1, count: n };
      }
      nl = prev;
    }
    hi = lo;
  }
  return { offset: 0, count };
}

/**
 * Yields the log of `rec` as `{stream, data}` frames. With `follow`, keeps yielding until the
 * container stops, `until` passes or the signal aborts. Never throws for a missing log file.
 */
export async function* readLogs(rec: ContainerRecord, o: LogsOptions, hooks: FollowHooks): AsyncGenerator<LogChunk> {
  const scanner = new LogScanner({
    stdout: o.stdout,
    stderr: o.stderr,
    since: o.since,
    until: o.until,
    timestamps: o.timestamps,
    prefix: o.details ? detailsPrefix(rec) : undefined,
  });
  // A follower joins the rotation chain before it opens the live file: a rotation during the
  // initial read must not drop the files that come after it (logs-chain.ts).
  const chain = o.follow ? hooks.chain?.() : undefined;
  const token = {};
  chain?.join(token);
  let sources: Source[] = [];
  try {
    sources = await openSources(await logFiles(rec.paths.log));
  } catch (e) {
    chain?.leave(token);
    throw e;
  }
  const live = sources.length > 0 && sources[sources.length - 1]!.kind === 'plain' ? (sources[sources.length - 1] as { fh: FileHandle; size: number }) : undefined;
  let liveOffset = 0;
  try {
    if (live && chain) chain.at(token, (await live.fh.stat()).ino);
    // Where to begin: everything, or the last `tail` lines across the files.
    let startIndex = 0;
    let startOffset = 0;
    const tail = o.tail !== undefined && o.tail >= 0 ? o.tail : undefined;
    if (tail !== undefined) {
      startIndex = sources.length;
      let need = tail;
      for (let i = sources.length - 1; i >= 0 && need > 0; i--) {
        const r = await tailStart(sources[i]!, sizeOf(sources[i]!), need, o, i === sources.length - 1);
        startIndex = i;
        startOffset = r.offset;
        need -= r.count;
        if (r.offset > 0) break;
      }
      if (tail === 0) {
        startIndex = sources.length;
        liveOffset = live?.size ?? 0;
      }
    }
    for (let i = startIndex; i < sources.length; i++) {
      const s = sources[i]!;
      let pos = i === startIndex ? startOffset : 0;
      const end = sizeOf(s);
      while (pos < end) {
        const { buf, off } = scanner.space();
        const got = await readAt(s, buf, pos, Math.min(buf.length - off, end - pos), off);
        if (got === 0) break;
        pos += got;
        scanner.commit(got);
        for (const c of scanner.take()) yield c;
      }
      if (s === live) liveOffset = pos;
    }
    // Even when the container has just stopped: follow() reads on to the end of the files
    // (what was written after the sizes above were taken) before it returns.
    if (!o.follow || o.signal.aborted) return;
    yield* follow(rec, o, hooks, scanner, live?.fh, liveOffset, chain, token);
  } finally {
    chain?.leave(token);
    for (const s of sources) if (s.kind === 'plain') await s.fh.close().catch(() => {});
  }
}
