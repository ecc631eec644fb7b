/**
 * Compose file discovery (default names in the working directory, then its parents; the
 * override file beside them) and project name rules.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ComposeError } from '../model.js';

/** Default file names, in Docker Compose's order of preference. */
export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** Override file names, in order of preference. */
export const OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** Whether `p` is a regular file (following links); false when it cannot be read. Never throws. */
export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The files to load when no `-f` was given: the first default name found in `cwd` or its
 * nearest parent, then the override file in the same directory if present. `warn` hears about
 * several candidate names in one directory. Throws ComposeError
 * `no configuration file provided: not found`.
 */
export function discoverFiles(cwd: string, warn?: (msg: string) => void): string[] {
  let dir = path.resolve(cwd);
  for (;;) {
    const found = DEFAULT_FILES.map((n) => path.join(dir, n)).filter(isFile);
    if (found.length > 0) {
      if (found.length > 1) warn?.(`Found multiple config files with supported names: ${found.join(', ')}\nUsing ${found[0]}`);
      const files = [found[0]!];
      const override = OVERRIDE_FILES.map((n) => path.join(dir, n)).find(isFile);
      if (override) files.push(override);
      return files;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new ComposeError('no configuration file provided: not found');
}

/** True when `p` exists (file or directory). Never throws. */
export const exists = (p: string): boolean => existsSync(p);

/**
 * Docker Compose's NormalizeProjectName: lowercase, drop characters outside [a-z0-9_-],
 * trim leading `_`/`-`. Never throws (may return "").
 */
export function normalizeProjectName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^-_a-z0-9]+/g, '')
    .replace(/^[-_]+/, '');
}

/**
 * Checks an explicitly given project name (`-p`, COMPOSE_PROJECT_NAME, top-level `name`).
 * Throws ComposeError `invalid project name "X": must consist only of lowercase alphanumeric
 * characters, hyphens, and underscores as well as start with a letter or number`.
 */
export function checkProjectName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    throw new ComposeError(
      `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
    );
  }
  return name;
}
