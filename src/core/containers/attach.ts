/**
 * `POST /containers/{id}/attach`: one conmon attach session per client (several at once),
 * stdin only when the container has OpenStdin, `logs` replays the log first. For a container
 * that is not running the request is parked until its next start (see attach-hub.ts).
 */
import { PassThrough } from 'node:stream';
import { conflict } from '../../lib/errors.js';
import type { AttachSession } from '../runtime/index.js';
import type { ContainerAttachment } from './index.js';
import type { Ctx } from './context.js';
import { AsyncQueue } from './queue.js';
import { readLogs } from './logs.js';
import { followHooks } from './lifecycle-hooks.js';
import { detachFilter } from './detach-keys.js';
import { outputEnded, pumpOutput, type OutputChunk } from './session-output.js';

/** Opens an attachment. Throws NotFound, Conflict (paused / restarting / being removed). */
export async function attach(
  ctx: Ctx,
  ref: string,
  opts: { stdin: boolean; stdout: boolean; stderr: boolean; logs: boolean; stream: boolean; detachKeys?: string },
): Promise<ContainerAttachment> {
  const rec = ctx.findActive(ref);
  // Docker names the container as the client did (prefixOrName) in both messages.
  if (rec.state.Paused) throw conflict(`container ${ref} is paused, unpause the container before attach`);
  if (rec.state.Restarting) throw conflict(`container ${ref} is restarting, wait until the container is running`);
  const tty = !!rec.config.Tty;
  const useStdin = opts.stdin && !!rec.config.OpenStdin;
  let session: AttachSession | undefined;
  let closed = false;
  let unpark: (() => void) | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unpark?.();
    session?.close();
    queue.end();
  };
  const queue = new AsyncQueue<OutputChunk>(close);

  if (opts.logs) {
    const ac = new AbortController();
    const logOpts = { stdout: opts.stdout, stderr: opts.stderr, follow: false, timestamps: false, signal: ac.signal };
    for await (const c of readLogs(rec, logOpts, followHooks(ctx, rec.id))) queue.push(c);
  }
  if (!opts.stream) {
    queue.end();
    return { tty, output: queue, close };
  }

  const stdin = useStdin ? new PassThrough() : undefined;
  const connect = (s: AttachSession) => {
    session = s;
    if (closed) return s.close();
    pumpOutput(s, queue, opts);
    if (stdin && s.stdin) {
      const target = s.stdin;
      target.on('error', () => {});
      // Like Docker, detach keys are only recognised on a TTY; without one stdin is copied as is.
      if (tty) {
        const detach = () => {
          ctx.emit(rec, 'detach');
          close();
        };
        stdin.pipe(detachFilter(opts.detachKeys, detach)).pipe(target);
      } else stdin.pipe(target);
    }
    void outputEnded(s).then(close);
    void s.closed.then(() => setTimeout(close, 500).unref());
  };

  ctx.emit(rec, 'attach');
  if (rec.state.Running) {
    connect(await ctx.deps.runtime.attach(rec.id, { stdin: useStdin }));
  } else {
    unpark = ctx.attachHub.add(rec.id, { stdin: useStdin, connect, fail: close });
  }
  return { tty, stdin, output: queue, close };
}
