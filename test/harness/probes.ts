/**
 * Capability probes: tests call these to skip (with a printed reason) when the machine cannot
 * run them — not root, no overlayfs, no cgroups, no real dockerd, no pier build yet.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { dockerCliPath, pierCliPath, pierdPath } from './paths.js';

/** The part of node:test's TestContext the probes use. */
export interface Skippable {
  skip(message?: string): void;
}

/** Which engine the suites drive: `PIER_TEST_ENGINE=docker` picks a private real dockerd. */
export type EngineKind = 'pier' | 'docker';

/** The engine under test, from `PIER_TEST_ENGINE` (`pier` by default). Throws on an unknown value. */
export function engineUnderTest(): EngineKind {
  const v = (process.env.PIER_TEST_ENGINE ?? 'pier').toLowerCase();
  if (v === 'pier' || v === 'pierd') return 'pier';
  if (v === 'docker' || v === 'dockerd') return 'docker';
  throw new Error(`PIER_TEST_ENGINE=${v}: expected "pier" or "docker"`);
}

function onPath(cmd: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { encoding: 'utf8' });
  return r.status === 0;
}

/** Why root-only tests cannot run here, or null when they can. */
export function rootMissing(): string | null {
  return process.getuid?.() === 0 ? null : 'needs root (run the tests as root)';
}

/** Why overlayfs is unusable here, or null when the kernel lists it. */
export function overlayMissing(): string | null {
  try {
    if (fs.readFileSync('/proc/filesystems', 'utf8').includes('overlay')) return null;
  } catch { /* fall through */ }
  return fs.existsSync('/sys/module/overlay') ? null : 'overlayfs not available (modprobe overlay)';
}

/** Why cgroups cannot be used, or null (v1 with memory+pids controllers, or a v2 unified tree). */
export function cgroupsMissing(): string | null {
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) return null;
  if (fs.existsSync('/sys/fs/cgroup/memory') && fs.existsSync('/sys/fs/cgroup/pids')) return null;
  return 'cgroups (memory, pids) not mounted';
}

/** Why a real Debian dockerd cannot be started, or null when `dockerd` and `containerd` exist. */
export function dockerdMissing(): string | null {
  if (!onPath('dockerd')) return 'real dockerd not installed (apt-get install docker.io, or scripts/setup.sh --with-docker)';
  if (!onPath('containerd')) return 'containerd not installed (comes with docker.io)';
  return null;
}

/** Why the docker CLI cannot be used, or null. */
export function dockerCliMissing(): string | null {
  return onPath(dockerCliPath()) || fs.existsSync(dockerCliPath()) ? null : 'docker CLI not installed';
}

/** Why `pier` (bin/pier running dist/pier.cjs) cannot be used, or null. */
export function pierCliMissing(): string | null {
  return fs.existsSync(pierCliPath()) ? null : 'dist/pier.cjs not built (npm run build)';
}

/** Why pierd (dist/pierd.mjs) cannot be started, or null. */
export function pierdMissing(): string | null {
  return fs.existsSync(pierdPath()) ? null : 'dist/pierd.mjs not built (npm run build)';
}

/** Why python3 with the docker module (python3-docker) is unusable, or null. */
export function dockerPyMissing(): string | null {
  const r = spawnSync(pythonPath(), ['-c', 'import docker'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'python3-docker not installed (apt-get install python3-docker)';
}

/** The python3 to use: `PIER_TEST_PYTHON`, else Debian's /usr/bin/python3, else `python3`. */
export function pythonPath(): string {
  if (process.env.PIER_TEST_PYTHON) return process.env.PIER_TEST_PYTHON;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Why the engine under test cannot be started here (root, runtime, build), or null. */
export function engineMissing(kind: EngineKind = engineUnderTest()): string | null {
  const root = rootMissing();
  if (root) return root;
  if (kind === 'docker') return dockerdMissing();
  return pierdMissing();
}

/**
 * Skips the test (printing the reason on stderr) when the first non-null reason exists.
 * Returns true when it skipped, so callers can `if (skipUnless(t, rootMissing())) return;`.
 */
export function skipUnless(t: Skippable, ...reasons: (string | null)[]): boolean {
  const reason = reasons.find((r) => r !== null);
  if (!reason) return false;
  process.stderr.write(`# skip: ${reason}\n`);
  t.skip(reason);
  return true;
}

/** Skips the test when not running as root. Returns true when it skipped. */
export function needsRoot(t: Skippable): boolean {
  return skipUnless(t, rootMissing());
}

/** Skips the test when overlayfs is missing. Returns true when it skipped. */
export function needsOverlay(t: Skippable): boolean {
  return skipUnless(t, rootMissing(), overlayMissing());
}

/** Skips the test when cgroups are unusable. Returns true when it skipped. */
export function needsCgroups(t: Skippable): boolean {
  return skipUnless(t, rootMissing(), cgroupsMissing());
}
