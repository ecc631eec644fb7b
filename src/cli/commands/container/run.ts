/**
 * `pier run`: create (pulling when needed) → attach (hijack) → wait → start → resize/stream →
 * exit with the container's status, exactly in docker's order.
 */
import { readFileSync } from 'node:fs';
import type { CliContext, CommandSpec, ParsedOpts } from '../../spec.js';
import { ApiError } from '../../../client/index.js';
import { CliError, StatusError } from '../../errors.js';
import { describeError } from '../../describe.js';
import { str } from '../common.js';
import { CONTAINER_FLAGS, RUN_ONLY_FLAGS } from './create-flags.js';
import { buildCreatePlan } from './create-body.js';
import { RunOptionError } from './create-ports.js';
import { createContainer } from './create-flow.js';
import { exitAfterStream, startSession } from './attach-session.js';

/** Error for run/create failures: "pier: <msg>" + hint, exit 125/126/127. */
export function runFailure(ctx: CliContext, e: unknown, code = 125): StatusError {
  if (e instanceof StatusError) return e;
  const msg = describeError(e);
  return new StatusError(e instanceof CliError && e.code !== 1 ? e.code : code, `${ctx.prog}: ${msg}\n\nRun '${ctx.path} --help' for more information`);
}

/** Builds the create plan from flags, reading files and the environment of `ctx`. */
export function planFromArgs(ctx: CliContext, args: string[], o: ParsedOpts, detach: boolean) {
  const [image, ...cmd] = args;
  const out = ctx.io.stdout;
  try {
    return buildCreatePlan({
      opts: o,
      image: image!,
      cmd,
      detach,
      lookupEnv: (k) => ctx.env[k],
      readFile: (p) => readFileSync(p, 'utf8'),
      consoleSize: out.isTTY && out.rows && out.columns ? [out.rows, out.columns] : undefined,
    });
  } catch (e) {
    // Option errors docker reports like a failed create: "docker: …" plus the help hint.
    if (e instanceof RunOptionError) throw runFailure(ctx, e);
    throw e;
  }
}

async function run(ctx: CliContext, args: string[], o: ParsedOpts): Promise<number> {
  const detach = o.detach === true;
  const tty = o.tty === true;
  if (tty && o.interactive === true && !ctx.io.stdin.isTTY) throw new CliError('the input device is not a TTY', 1);
  const plan = planFromArgs(ctx, args, o, detach);
  const c = ctx.client().containers;
  let id: string;
  try {
    id = await createContainer(ctx, plan);
  } catch (e) {
    throw runFailure(ctx, e);
  }
  if (detach) {
    try {
      await c.start(id);
    } catch (e) {
      throw runFailure(ctx, e, e instanceof ApiError ? exitForStart(e.message) : 125);
    }
    ctx.out(`${id}\n`);
    return 0;
  }
  const b = plan.body;
  const wantsIo = b.AttachStdin || b.AttachStdout || b.AttachStderr;
  // Attach and wait are independent: open both at once (one round trip less than in sequence);
  // both are established before start, as docker requires.
  const attaching = wantsIo
    ? c.attach(id, { stream: true, stdin: b.AttachStdin, stdout: b.AttachStdout, stderr: b.AttachStderr, detachKeys: str(o['detach-keys']) })
    : undefined;
  const waiting = c.wait(id, b.HostConfig?.AutoRemove ? 'removed' : 'next-exit');
  attaching?.catch(() => {});
  waiting.catch(() => {});
  const conn = await attaching;
  const waiter = await waiting;
  const session = conn ? await startSession(ctx, conn, { containerId: id, tty, stdin: !!b.AttachStdin, sigProxy: o['sig-proxy'] !== false }) : undefined;
  try {
    await c.start(id);
  } catch (e) {
    session?.close();
    conn?.socket.destroy();
    if (b.HostConfig?.AutoRemove) await c.remove(id, { force: true }).catch(() => {});
    throw runFailure(ctx, e, e instanceof ApiError ? exitForStart(e.message) : 125);
  }
  session?.startResize();
  if (session) await session.done;
  if (conn && !b.HostConfig?.AutoRemove) {
    // The stream may end because the user detached (Ctrl-P Ctrl-Q): then the container still runs.
    const code = await exitAfterStream(() => c.inspect(id).then((i) => i.State.Running === true), waiter.result);
    if (code === undefined) return 0;
  }
  const r = await waiter.result;
  if (r.Error?.Message) ctx.err(`${ctx.prog}: ${r.Error.Message}\n`);
  return r.StatusCode;
}

/** 126/127 when the runtime could not invoke / find the command, else 125. */
export function exitForStart(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|cannot be invoked|exec format error|is a directory/i.test(message)) return 126;
  return 125;
}

/** The run command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  options: [...CONTAINER_FLAGS, ...RUN_ONLY_FLAGS],
  args: { min: 1 },
  stopAtFirstArg: true,
  run,
};
