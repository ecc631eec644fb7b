/**
 * The process of an exec, derived like Docker from the running container's own spec: its
 * process (capabilities, rlimits, no-new-privileges, apparmor, user and groups…) with the
 * exec's argv, environment, working directory and terminal; the user re-resolved inside the
 * container's rootfs when one is set; every capability with `--privileged`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OciProcess, OciSpec } from '../../oci/runtime-spec.js';
import { internal } from '../../lib/errors.js';
import type { ContainerRecord } from './types.js';
import type { ExecRecord } from './exec-store.js';
import { replaceOrAppendEnv } from './spec-input.js';
import { resolveUser } from './spec/index.js';
import { KNOWN_CAPABILITIES } from './spec/capabilities.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The environment of an exec (moby's CreateDaemonEnvironment + ReplaceOrAppendEnvValues):
 * PATH, HOSTNAME, TERM=xterm when the exec has a TTY, the container's Config.Env, then the
 * exec's own Env. Pure.
 */
export function execEnv(rec: ContainerRecord, tty: boolean, extra: readonly string[]): string[] {
  const base = [DEFAULT_PATH, `HOSTNAME=${rec.config.Hostname ?? ''}`];
  if (tty) base.push('TERM=xterm');
  base.push(...(rec.net?.linkEnv ?? []));
  return replaceOrAppendEnv(replaceOrAppendEnv(base, rec.config.Env ?? []), extra);
}

/**
 * Docker's exit code for an exec that could not start: 127 when the program was not found,
 * 126 otherwise (not executable, bad user or working directory…). Pure.
 */
export function execFailureCode(entrypoint: string, message: string): number {
  const m = message.toLowerCase();
  if (m.includes(entrypoint.toLowerCase()) && /executable file not found|no such file or directory|system cannot find the file specified/.test(m)) return 127;
  return 126;
}

/** Reads a container's bundle `config.json`. Throws Internal when it is missing or unreadable. */
export async function readBundleSpec(bundleDir: string): Promise<OciSpec> {
  try {
    return JSON.parse(await readFile(path.join(bundleDir, 'config.json'), 'utf8')) as OciSpec;
  } catch (e) {
    throw internal(`cannot read the container's runtime spec: ${(e as Error).message}`, e);
  }
}

/**
 * Builds the exec's OCI process from the container's spec. `allCapabilities` is what
 * `--privileged` grants. Throws InvalidArgument for a user that does not resolve
 * (`unable to find user x: no matching entries in passwd file`).
 */
export async function buildExecProcess(
  spec: OciSpec,
  bundleDir: string,
  rec: ContainerRecord,
  ex: ExecRecord,
  allCapabilities: readonly string[] | undefined,
): Promise<OciProcess> {
  const base: Partial<OciProcess> = spec.process ?? {};
  const proc: OciProcess = {
    ...base,
    user: base.user ? { ...base.user } : { uid: 0, gid: 0 },
    args: [ex.entrypoint, ...ex.args],
    env: ex.env,
    cwd: ex.workingDir || '/',
    terminal: ex.tty,
  };
  delete proc.consoleSize;
  if (ex.user) {
    const rootPath = spec.root?.path ?? 'rootfs';
    const rootfs = path.isAbsolute(rootPath) ? rootPath : path.join(bundleDir, rootPath);
    const u = await resolveUser(rootfs, ex.user, rec.hostConfig.GroupAdd ?? []);
    proc.user = { ...proc.user, uid: u.uid, gid: u.gid, additionalGids: u.additionalGids };
  }
  if (ex.privileged) {
    const all = [...(allCapabilities ?? KNOWN_CAPABILITIES)];
    proc.capabilities = { bounding: all, permitted: all, effective: [...all] };
  }
  return proc;
}
