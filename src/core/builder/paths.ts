/**
 * Path helpers of the builder: resolving a path inside a root with symlinks followed but
 * confined to the root (as a chroot would), and Go `filepath.Match` patterns for COPY/ADD
 * wildcards.
 */
import { lstat, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { invalidArgument } from '../../lib/errors.js';
import { cleanPath } from '../../lib/dockerignore.js';

/**
 * Resolves `rel` (absolute or relative to the root) inside `root`, following symlinks as if
 * `root` were `/` (so nothing resolves outside it). `followLast` false leaves a final symlink
 * unresolved. Missing components are kept as written. Never throws except for loops (InvalidArgument).
 */
export async function resolveInRoot(root: string, rel: string, followLast = true): Promise<string> {
  return (await resolveInRootWithStat(root, rel, followLast)).path;
}

/**
 * resolveInRoot, also giving the lstat of the resolved path's last component when it was
 * looked at, exists and is not a symlink (then it is also its stat): a caller that needs the
 * stat saves a call. Throws as resolveInRoot.
 */
export async function resolveInRootWithStat<S extends Pick<Stats, 'isSymbolicLink'> = Stats>(
  root: string,
  rel: string,
  followLast = true,
  known?: (abs: string) => S | undefined,
): Promise<{ path: string; stat?: S | Stats }> {
  const todo = cleanPath('/' + rel).split('/').filter((p) => p !== '');
  const done: string[] = [];
  let links = 0;
  let last: S | Stats | undefined;
  while (todo.length > 0) {
    const part = todo.shift()!;
    last = undefined;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const cur = path.join(root, ...done, part);
    if (todo.length === 0 && !followLast) {
      done.push(part);
      break;
    }
    let st: S | Stats | undefined = known?.(cur);
    if (!st) {
      try {
        st = await lstat(cur);
      } catch {
        done.push(part);
        continue;
      }
    }
    if (!st.isSymbolicLink()) {
      done.push(part);
      last = st;
      continue;
    }
    if (++links > 255) throw invalidArgument(`too many levels of symbolic links: ${rel}`);
    const target = await readlink(cur);
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...target.split('/').filter((p) => p !== ''));
  }
  return { path: path.join(root, ...done), stat: last };
}

/** Compiles a Go filepath.Match pattern to a regex. Throws InvalidArgument for a bad pattern. */
export function goMatchRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += '\\' + pattern[++i]!;
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw invalidArgument('syntax error in pattern');
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += '[' + cls + ']';
      i = end;
    } else re += ch.replace(/[.+()|{}^$\\]/g, '\\$&');
  }
  return new RegExp(re + '$', 's');
}

/** True when a COPY source contains wildcard characters. */
export function hasWildcards(s: string): boolean {
  return /[*?[]/.test(s);
}
