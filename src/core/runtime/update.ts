/**
 * Live resource updates (`docker update`): `runtime update --resources <file> <id>` with the
 * OCI LinuxResources JSON (memory, cpu, pids, blkio). Both runc and crun read that file.
 *
 * An unlimited pids limit (`pids.limit` ≤ 0, sent as -1 to lift an earlier limit) is written
 * as "max" by runc; crun 1.8.1 writes "-1" (EINVAL) or skips 0, so for any runtime but runc
 * the wrapper leaves `pids` out of the file and writes "max" to the container's pids.max itself.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { internal, notFound } from '../../lib/errors.js';
import type { OciResources } from '../../oci/runtime-spec.js';
import type { RuntimeCli } from './runtime-cli.js';
import { isNotExist, runtimeMessage } from './runtime-errors.js';

/**
 * The pids.max files that may belong to the container cgroup `cgroupsPath` (cgroupfs layout, as
 * oom.ts looks up memory files): the v1 `pids` hierarchy, the unified root and a hybrid host's
 * unified tree. None for a path that is not absolute or climbs with `..`. Pure.
 */
export function pidsMaxFiles(cgroupsPath: string | undefined, root = '/sys/fs/cgroup'): string[] {
  if (!cgroupsPath?.startsWith('/') || cgroupsPath.split('/').includes('..')) return [];
  return [path.join(root, 'pids', cgroupsPath, 'pids.max'), path.join(root, cgroupsPath, 'pids.max'), path.join(root, 'unified', cgroupsPath, 'pids.max')];
}

/** Lifts the pids limit of the container cgroup `cgroupsPath` (writes "max"). Throws Internal when no pids.max could be written. */
async function liftPidsLimit(cgroupsPath: string | undefined): Promise<void> {
  for (const file of pidsMaxFiles(cgroupsPath)) {
    try {
      await writeFile(file, 'max');
      return;
    } catch {
      /* next candidate */
    }
  }
  throw internal(`cannot lift the pids limit of cgroup ${cgroupsPath ?? '(none)'}: no writable pids.max`);
}

/**
 * Applies `resources` to the running container `id` (the file is written in `bundleDir` and
 * removed afterwards; `cgroupsPath` is the container's, for lifting a pids limit under crun).
 * Throws NotFound for an unknown container, Internal with the runtime's message otherwise (e.g.
 * a memory limit below the current usage).
 */
export async function updateResources(cli: RuntimeCli, bundleDir: string, id: string, resources: OciResources, cgroupsPath?: string): Promise<void> {
  let res = resources;
  const lift = cli.binary.name !== 'runc' && resources.pids !== undefined && !(resources.pids.limit > 0);
  if (lift) {
    res = { ...resources };
    delete res.pids;
  }
  const file = path.join(bundleDir, `update-${process.pid}-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(res), { mode: 0o600 });
  try {
    const r = await cli.raw('update', ['--resources', file, id]);
    if (r.code !== 0) {
      const msg = runtimeMessage(r.stderr || r.stdout) || 'unknown error';
      if (isNotExist(msg)) throw notFound(`No such container: ${id}`);
      // containerd's wording, as dockerd relays it.
      throw internal(`${cli.binary.name} did not terminate successfully: exit status ${r.code}: ${msg}\n: unknown`);
    }
  } finally {
    await rm(file, { force: true });
  }
  if (lift) await liftPidsLimit(cgroupsPath);
}
