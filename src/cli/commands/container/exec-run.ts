/**
 * Running a command in a running container the way `docker exec` does, for `pier exec` and
 * `pier compose exec`: create the exec, then either start it detached or attach the terminal
 * (resize included) and return the exec's exit code.
 */
import type { CliContext } from '../../spec.js';
import { startSession } from './attach-session.js';

/** What to run, with the flags already resolved by the command. */
export interface ExecRun {
  /** The container (id or name). */
  container: string;
  cmd: string[];
  user?: string;
  privileged: boolean;
  tty: boolean;
  /** Attach the terminal's stdin (ignored with `detach`). */
  interactive: boolean;
  detach: boolean;
  /** Sent only when defined (`--detach-keys`, "" for the default). */
  detachKeys?: string;
  env: string[];
  workdir?: string;
}

/**
 * Creates and runs the exec. Returns its exit code, 0 when detached. Throws ApiError from the
 * daemon (no such container, not running, …).
 */
export async function runExec(ctx: CliContext, r: ExecRun): Promise<number> {
  const out = ctx.io.stdout;
  const api = ctx.client().exec;
  const id = await api.create(r.container, {
    User: r.user ?? '', Privileged: r.privileged, Tty: r.tty,
    ConsoleSize: r.tty && out.isTTY && out.rows && out.columns ? [out.rows, out.columns] : null,
    AttachStdin: r.interactive && !r.detach, AttachStderr: !r.detach, AttachStdout: !r.detach, Detach: r.detach,
    ...(r.detachKeys !== undefined ? { DetachKeys: r.detachKeys } : {}),
    Env: r.env.length ? r.env : null, WorkingDir: r.workdir ?? '', Cmd: r.cmd,
  });
  if (r.detach) {
    await api.startDetached(id, r.tty);
    return 0;
  }
  const conn = await api.start(id, r.tty);
  const session = await startSession(ctx, conn, { containerId: r.container, tty: r.tty, stdin: r.interactive, sigProxy: false, resize: (h, w) => api.resize(id, h, w) });
  session.startResize();
  await session.done;
  return (await api.inspect(id)).ExitCode ?? 0;
}
