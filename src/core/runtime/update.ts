/**
 * Live resource updates (`docker update`): `runtime update --resources <file> <id>` with the
 * OCI LinuxResources JSON (memory, cpu, pids, blkio). Both runc and crun read that file.
 *
 * An unlimited pids limit (`pids.limit` ≤ 0, sent as -1 to lift an earlier limit) is written
 * as "max" by runc; crun 1.8.1 writes "-1" (EINVAL) or skips 0, so for any runtime but runc
 * the wrapper leaves `pids` out of the file and writes "max" to the container's pids.max itself.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { internal, notFound } from '../../lib/errors.js';
import type { OciResources } from '../../oci/runtime-spec.js';
import type { RuntimeCli } from './runtime-cli.js';
import { isNotExist, runtimeMessage } from './runtime-errors.js';

/**
 * The pids.max files a process's cgroups name, from its /proc/<pid>/cgroup text: the v1 `pids`
 * hierarchy (`<root>/pids/<path>`) and the unified one (`<root>/<path>`, `<root>/unified/<path>`).
 * Pure.
 */
export function pidsMaxCandidates(procCgroup: string, root = '/sys/fs/cgroup'): string[] {
  const out: string[] = [];
  for (const line of procCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(\/.*)$/.exec(line.trim());
    if (!m) continue;
    const rel = m[2]!;
    if (rel.includes('/../')) continue;
    if (m[1]!.split(',').includes('pids')) out.push(path.join(root, 'pids', rel, 'pids.max'));
    else if (m[1] === '') out.push(path.join(root, rel, 'pids.max'), path.join(root, 'unified', rel, 'pids.max'));
  }
  return out;
}

/**
 * Lifts the pids limit of the process `pid`'s cgroup (writes "max" to its pids.max). Throws
 * Internal when no pids.max could be written.
 */
async function liftPidsLimit(pid: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/cgroup`, 'utf8');
  } catch (e) {
    throw internal(`cannot read the cgroups of process ${pid}: ${(e as Error).message}`, e);
  }
  for (const file of pidsMaxCandidates(text)) {
    try {
      await writeFile(file, 'max');
      return;
    } catch {
      /* next candidate */
    }
  }
  throw internal(`cannot lift the pids limit of process ${pid}: no writable pids.max`);
}

/**
 * Applies `resources` to the running container `id` (the file is written in `bundleDir` and
 * removed afterwards). Throws NotFound for an unknown container, Internal with the runtime's
 * message otherwise (e.g. a memory limit below the current usage).
 */
export async function updateResources(cli: RuntimeCli, bundleDir: string, id: string, resources: OciResources): Promise<void> {
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
  if (lift) await liftPidsLimit((await cli.state(id)).pid);
}
