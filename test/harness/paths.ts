/**
 * Where things are: the repository root (found from this file, which runs from
 * dist/test/harness/), the bundled CLI and daemon, and the fixture script.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the directory holding package.json). Throws if it cannot be found. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'scripts'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('test harness: repository root not found');
}

/** Path of the bundled `pier` CLI entry (dist/pier.cjs, what bin/pier runs); it may not exist yet. Never throws. */
export function pierCliPath(): string {
  return path.join(repoRoot(), 'dist', 'pier.cjs');
}

/** Path of the `pier` launcher users run (bin/pier: sh, then node dist/pier.cjs). Never throws. */
export function pierLauncherPath(): string {
  return path.join(repoRoot(), 'bin', 'pier');
}

/** Path of the bundled `pierd` daemon (dist/pierd.mjs); it may not exist yet. Never throws. */
export function pierdPath(): string {
  return path.join(repoRoot(), 'dist', 'pierd.mjs');
}

/** Path of the busybox fixture builder script. Never throws. */
export function fixtureScriptPath(): string {
  return path.join(repoRoot(), 'scripts', 'make-busybox-image.mjs');
}

/** Path of the real docker CLI to drive engines with (`PIER_TEST_DOCKER_CLI` or `docker` on PATH). */
export function dockerCliPath(): string {
  return process.env.PIER_TEST_DOCKER_CLI ?? 'docker';
}
