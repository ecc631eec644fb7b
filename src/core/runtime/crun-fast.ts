/**
 * `crun start` and `crun delete` of a stopped container without spawning crun, for crun 1.x's
 * state layout (`<root>/<id>/status`, `config.json`, `exec.fifo`).
 *
 * Start: a container crun created waits in its init, reading `exec.fifo`; `crun start` opens the
 * fifo for writing, unlinks it (crun reports `created` while it exists) and writes one zero
 * byte, then runs poststart hooks. Delete of an exited container: crun removes the container's
 * cgroup (one directory per hierarchy, same path everywhere) and its state directory, then runs
 * poststop hooks.
 *
 * Anything not handled exactly like crun makes these return false and the caller runs crun
 * itself: hooks, systemd-managed cgroups, no private pid namespace (crun must then kill what is
 * left in the cgroup), an init that still runs, cgroups the container nested, unreadable state.
 */
import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { readJsonIfExists } from '../../lib/atomic-file.js';
import path from 'node:path';
import { initAlive, removeCgroupsAndState } from './fast-delete.js';
import { specFactsOf, type SpecFacts, type SpecFactsSource } from './paths.js';

/** The parts of crun's `status` file this module reads. */
interface CrunStatus {
  pid?: number;
  'process-start-time'?: number;
  'cgroup-path'?: string;
  scope?: string;
  'systemd-cgroup'?: boolean;
}

/** The parsed file, or undefined when it is missing, unreadable or not JSON. */
const readJson = <T>(file: string): Promise<T | undefined> => readJsonIfExists<T>(file).catch(() => undefined);

/** The container's spec facts: `facts` known at create when given, else read from crun's copy of config.json. */
async function factsOf(dir: string, facts: SpecFacts | undefined): Promise<SpecFacts | undefined> {
  if (facts) return facts;
  const config = await readJson<SpecFactsSource>(path.join(dir, 'config.json'));
  return config ? specFactsOf(config) : undefined;
}

/**
 * Releases the created crun container `id` under state root `root` (see the file comment).
 * Resolves true once the init was released and the fifo removed; false when the caller must
 * run `crun start` (no fifo or nobody reading it, poststart hooks, unreadable config). `facts`
 * (from the spec, known at create) spare reading crun's copy of the config. Never throws.
 */
export async function startCrunThroughFifo(root: string, id: string, facts?: SpecFacts): Promise<boolean> {
  const dir = path.join(root, id);
  const spec = await factsOf(dir, facts);
  if (!spec || spec.hooks.includes('poststart')) return false;
  const fifo = path.join(dir, 'exec.fifo');
  let fh;
  try {
    // Non-blocking: ENXIO when no init holds the read end (it exited): crun start reports that.
    fh = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    await unlink(fifo);
    await fh.write(Buffer.alloc(1));
    return true;
  } catch {
    return false;
  } finally {
    await fh.close().catch(() => {});
  }
}

/**
 * Deletes the exited crun container `id` under state root `root`, removing its cgroup under each
 * of `cgroupMounts` (the host's cgroup mount points). Resolves true when done; false when the
 * caller must run `crun delete` (see the file comment). `stats.retries` counts the waits for a
 * cgroup still busy; `facts` as for startCrunThroughFifo. Never throws.
 */
export async function deleteStoppedCrun(
  root: string,
  id: string,
  cgroupMounts: string[],
  stats: { retries: number } = { retries: 0 },
  facts?: SpecFacts,
): Promise<boolean> {
  const dir = path.join(root, id);
  const [status, spec] = await Promise.all([readJson<CrunStatus>(path.join(dir, 'status')), factsOf(dir, facts)]);
  if (!status || !spec || spec.hooks.includes('poststop') || !spec.privatePid) return false;
  if (status['systemd-cgroup'] || status.scope) return false;
  if (await initAlive(status.pid, status['process-start-time'])) return false;
  const cg = status['cgroup-path'] ?? '';
  if (cg && (!cg.startsWith('/') || cg === '/' || cg.split('/').includes('..') || cgroupMounts.length === 0)) return false;
  return removeCgroupsAndState(cg ? cgroupMounts.map((m) => path.join(m, cg)) : [], dir, stats);
}
