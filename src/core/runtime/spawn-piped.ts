/**
 * Starting the runtime or conmon with posix_spawn (lib/posix-spawn.ts: no fork of the daemon)
 * and real pipes (exec-pipes.ts) on chosen descriptors: the child gets its ends as fd i, pierd
 * keeps the other ends as net.Sockets.
 */
import type net from 'node:net';
import type { PosixSpawner, SpawnedChild } from '../../lib/posix-spawn.js';
import { closeFds, pipeSocket, type PipeFds, type PipeMaker } from './exec-pipes.js';

/** What the child's descriptor i is: /dev/null, a pipe the child writes to, or one it reads from. */
export type PipedFd = 'ignore' | 'from-child' | 'to-child';

/** A started child and pierd's ends of its pipes (undefined where the descriptor was 'ignore'). */
export interface PipedChild {
  child: SpawnedChild;
  /** Index i: pierd's end of the child's fd i; readable for 'from-child', writable for 'to-child'. */
  streams: (net.Socket | undefined)[];
}

/** PATH for a child when pierd has none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Spawns `file args…` with `stdio` as its descriptors 0, 1, 2, …, and `env` plus PATH (pierd's,
 * unless `env` sets it) as its whole environment. Throws what the pipe maker or spawner throw
 * (Internal: `pipe2: EMFILE`, `cannot run <file>: ENOENT`…), after closing every descriptor it
 * made.
 */
export function spawnPiped(
  deps: { spawner: PosixSpawner; pipes: PipeMaker },
  file: string,
  args: readonly string[],
  opts: { stdio: readonly PipedFd[]; env: Record<string, string>; cwd?: string; detached?: boolean },
): PipedChild {
  const made: (PipeFds | undefined)[] = [];
  const closeAll = () => closeFds(...made.flatMap((p) => (p ? [p.read, p.write] : [])));
  let child: SpawnedChild;
  try {
    for (const kind of opts.stdio) made.push(kind === 'ignore' ? undefined : deps.pipes.pipe());
    const childFds = opts.stdio.map((kind, i) => (kind === 'ignore' ? 'ignore' : kind === 'from-child' ? made[i]!.write : made[i]!.read));
    const env = { PATH: process.env.PATH ?? DEFAULT_PATH, ...opts.env };
    child = deps.spawner.spawn(file, args, { stdio: childFds, env, cwd: opts.cwd, detached: opts.detached });
  } catch (e) {
    closeAll();
    throw e;
  }
  // The child holds its ends now; ours become sockets.
  const streams = opts.stdio.map((kind, i) => {
    const p = made[i];
    if (!p) return undefined;
    if (kind === 'from-child') {
      closeFds(p.write);
      return pipeSocket(p.read, 'read');
    }
    closeFds(p.read);
    return pipeSocket(p.write, 'write');
  });
  return { child, streams };
}
