/**
 * A read-only bind mount of crun's binary, so that crun skips its self-copy at every start.
 *
 * To keep a container process from overwriting the host's runtime binary through
 * /proc/self/exe (CVE-2019-5736), crun (like runc's old nsexec) checks at start whether it runs
 * from a sealed or read-only copy; when not, it bind-mounts itself read-only on a temporary file
 * and re-executes from there: a second exec and dynamic link, ~1.8 ms of the ~8 ms of a
 * `crun exec` here. With `_LIBCONTAINER_CLONED_BINARY=1` in its environment and its binary on a
 * read-only mount, it accepts that mount as the protected copy and runs on. This module makes
 * that mount once per daemon (`<exec-root>/rt/<name>.sealed`): the guarantee is the one crun
 * builds for itself, made once instead of per call. runc 1.1 copies itself into a memfd
 * regardless (the variable is harmless to it), so this is for crun only. If the mount cannot be
 * made (no CAP_SYS_ADMIN, a kernel refusing) the caller keeps the plain binary.
 *
 * The wiring (daemon start: seal, run crun through `path` with `env`; close(): release) belongs
 * to the runtime wrapper (create.ts); the direct exec path takes them as ExecDeps.runtimePath
 * and ExecDeps.runtimeEnv.
 */
import koffi from 'koffi';
import { accessSync, closeSync, constants, openSync, unlinkSync } from 'node:fs';
import type { Logger } from '../../lib/log.js';
import { errnoName } from '../../lib/errno-name.js';
import { MNT_DETACH, MS_BIND, MS_RDONLY, MS_REMOUNT, loadMountCalls, type MountCalls } from '../../lib/mount-calls.js';

/** The environment variable crun reads to trust a read-only binary. */
export const CLONED_BINARY_ENV = '_LIBCONTAINER_CLONED_BINARY';

/** A sealed runtime binary: run `path` with `env` added; `release` unmounts it. */
export interface SealedBinary {
  path: string;
  env: Record<string, string>;
  /** Unmounts and removes the mount point. Never throws. */
  release(): void;
}

/**
 * True when `file` is on a read-only mount. Never throws. access(W_OK) rather than an open for
 * writing: that open fails with ETXTBSY instead while any process runs the binary (a crun exec
 * of another daemon, or one waiting for its exec's spec), and the seal was then undone.
 */
function readOnly(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EROFS';
  }
}

/**
 * Bind-mounts `binary` read-only at `target` (a file; created, and a mount left there by an
 * earlier daemon replaced). Returns undefined, leaving nothing behind, when it cannot be made
 * or does not come out read-only. Never throws (failures are logged at debug).
 */
export function sealRuntimeBinary(deps: { log: Logger }, o: { binary: string; target: string }): SealedBinary | undefined {
  let calls: MountCalls;
  try {
    calls = loadMountCalls();
  } catch (e) {
    deps.log.debug('cannot seal the runtime binary', { error: (e as Error).message });
    return undefined;
  }
  const cleanup = () => {
    // A stack of earlier mounts (daemons that did not release) is taken off whole.
    for (let i = 0; i < 16 && calls.umount2(o.target, MNT_DETACH) === 0; i++);
    try {
      unlinkSync(o.target);
    } catch {
      /* not there */
    }
  };
  cleanup();
  try {
    closeSync(openSync(o.target, 'w', 0o700));
  } catch (e) {
    deps.log.debug('cannot seal the runtime binary', { target: o.target, error: (e as Error).message });
    return undefined;
  }
  const fail = (what: string) => {
    deps.log.debug('cannot seal the runtime binary', { binary: o.binary, target: o.target, step: what, error: errnoName(koffi.errno()) });
    cleanup();
    return undefined;
  };
  if (calls.mount(o.binary, o.target, null, MS_BIND, null) !== 0) return fail('bind');
  if (calls.mount(null, o.target, null, MS_BIND | MS_REMOUNT | MS_RDONLY, null) !== 0) return fail('remount read-only');
  if (!readOnly(o.target)) return fail('check');
  return { path: o.target, env: { [CLONED_BINARY_ENV]: '1' }, release: cleanup };
}
