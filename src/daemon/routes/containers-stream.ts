/**
 * Container routes that stream: attach (hijack), wait (headers flushed as soon as the waiter
 * is registered — `docker run` blocks on them before it calls start), logs (stdcopy unless
 * TTY; follow) and export (a tar).
 */
import type { Handler, RequestContext } from '../context.js';
import { startStream, writeChunk } from '../context.js';
import { hijack, pumpSession, streamContentType, MULTIPLEXED_STREAM, RAW_STREAM } from '../hijack.js';
import type { Router } from '../router.js';
import { boolParam, strParam, timestampParam } from '../../api/query.js';
import { encodeFrame, frameHeader } from '../../api/stdcopy.js';
import { versionLess } from '../../api/version.js';
import type { WaitCondition } from '../../core/containers/index.js';
import { invalidArgument, toEngineError } from '../../lib/errors.js';
import { writeWithDrain } from '../../lib/write-drain.js';
import { adaptWaitCondition } from '../version-adapters.js';
import { pipeToResponse } from './pipe.js';

const attach: Handler = async (ctx) => {
  const q = ctx.query;
  const session = await ctx.backend.containers.attach(ctx.params.id, {
    stdin: boolParam(q, 'stdin'),
    stdout: boolParam(q, 'stdout'),
    stderr: boolParam(q, 'stderr'),
    logs: boolParam(q, 'logs'),
    stream: boolParam(q, 'stream'),
    detachKeys: strParam(q, 'detachKeys'),
  });
  const conn = hijack(ctx, streamContentType(session.tty, ctx.apiVersion));
  await pumpSession(conn, session);
};

const conditions: readonly WaitCondition[] = ['not-running', 'next-exit', 'removed'];

const wait: Handler = async (ctx) => {
  const raw = strParam(ctx.query, 'condition') ?? 'not-running';
  if (!conditions.includes(raw as WaitCondition) && !versionLess(ctx.apiVersion, '1.30')) {
    throw invalidArgument(`invalid condition: ${JSON.stringify(raw)}`);
  }
  const cond = adaptWaitCondition(conditions.includes(raw as WaitCondition) ? (raw as WaitCondition) : 'not-running', ctx.apiVersion);
  const { result } = await ctx.backend.containers.wait(ctx.params.id, cond, ctx.signal);
  startStream(ctx, 200, 'application/json');
  let body: { Error: { Message: string } | null; StatusCode: number };
  try {
    const r = await result;
    body = { Error: r.Error ?? null, StatusCode: r.StatusCode };
  } catch (e) {
    if (ctx.signal.aborted) return;
    body = { Error: { Message: toEngineError(e).message }, StatusCode: -1 };
  }
  ctx.res.end(JSON.stringify(body) + '\n');
};

/** Largest stdcopy payload per frame (sizes are uint32). */
const MAX_FRAME = 0x7fffffff;

const logs: Handler = async (ctx) => {
  const q = ctx.query;
  const stdout = boolParam(q, 'stdout');
  const stderr = boolParam(q, 'stderr');
  if (!stdout && !stderr) throw invalidArgument('Bad parameters: you must choose at least one stream');
  const tailRaw = strParam(q, 'tail');
  const tailNum = tailRaw !== undefined && /^\d+$/.test(tailRaw) ? Number(tailRaw) : undefined;
  const out = await ctx.backend.containers.logs(ctx.params.id, {
    stdout,
    stderr,
    follow: boolParam(q, 'follow'),
    since: timestampParam(q, 'since'),
    until: timestampParam(q, 'until'),
    timestamps: boolParam(q, 'timestamps'),
    tail: tailNum,
    details: boolParam(q, 'details'),
    signal: ctx.signal,
  });
  const ct = versionLess(ctx.apiVersion, '1.42') ? undefined : out.tty ? RAW_STREAM : MULTIPLEXED_STREAM;
  startStream(ctx, 200, ct);
  await streamEntries(ctx, out.tty, out.entries);
};

/**
 * Writes log chunks as they come: raw for a TTY, else each as a stdcopy header and the payload
 * as two writes of the same tick (one writev; the payload is never copied). Frames above the
 * uint32 range are split. A chunk's `release` (pooled read buffers) is called once its bytes
 * went to the socket. An error after the headers is sent in-band (stream 3).
 */
async function streamEntries(ctx: RequestContext, tty: boolean, entries: AsyncIterable<{ stream: 1 | 2; data: Buffer; release?: () => void }>): Promise<void> {
  try {
    for await (const e of entries) {
      const data = e.data;
      if (data.length === 0) continue;
      for (let off = 0; off < data.length; off += MAX_FRAME) {
        const last = off + MAX_FRAME >= data.length;
        const part = off === 0 && last ? data : data.subarray(off, off + MAX_FRAME);
        if (ctx.res.destroyed || ctx.res.writableEnded) return;
        if (!tty) ctx.res.write(frameHeader(e.stream, part.length));
        const flushed = last && e.release ? e.release : undefined;
        if (!(await writeWithDrain(ctx.res, part, flushed))) return;
      }
    }
  } catch (e) {
    if (ctx.signal.aborted) return;
    const msg = `Error running logs job: ${toEngineError(e).message}\n`;
    await writeChunk(ctx, tty ? Buffer.from(msg) : encodeFrame(3, msg));
  }
  if (!ctx.res.writableEnded) ctx.res.end();
}

const exportTar: Handler = async (ctx) => {
  const tar = await ctx.backend.containers.export(ctx.params.id);
  await pipeToResponse(ctx, tar, 'application/x-tar');
};

/** Registers attach, wait, logs and export. */
export function registerContainerStreamRoutes(r: Router<Handler>): void {
  r.add('POST', '/containers/{id}/attach', attach)
    .add('POST', '/containers/{id}/wait', wait)
    .add('GET', '/containers/{id}/logs', logs)
    .add('GET', '/containers/{id}/export', exportTar);
}

