/**
 * Removal of a build's work directory with a bounded number of file system requests in flight.
 * Node 20's `fs.promises.rm(dir, { recursive: true })` lists a directory and starts the
 * removal of every entry at once: for a context of 100k files that is ~100k pending requests
 * (promises, libuv requests, path copies) — measured +90 MB of pierd RSS in the second after a
 * 1 GB build. Here a few workers take entries from a stack (a directory's files are removed
 * before the next directory is listed), then the directories go, deepest first.
 */
import { readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../lib/errors.js';

/** Requests in flight by default. */
const WIDTH = 16;

/**
 * Removes `root` and everything below it (symlinks are removed, never followed); a missing
 * `root` is not an error. Throws the first fs error other than ENOENT, after the rest of the
 * tree was attempted.
 */
export async function removeTree(root: string, width = WIDTH): Promise<void> {
  /** Paths to remove: [path, known to be a directory]. */
  const stack: [string, boolean][] = [[root, true]];
  /** Directories listed, parents before their children. */
  const dirs: string[] = [];
  let failure: unknown;
  const note = (e: unknown) => {
    if (errnoCode(e) !== 'ENOENT') failure ??= e;
  };
  const one = async (p: string, isDir: boolean): Promise<void> => {
    if (!isDir) {
      await unlink(p).catch(note);
      return;
    }
    let ents;
    try {
      ents = await readdir(p, { withFileTypes: true });
    } catch (e) {
      if (errnoCode(e) === 'ENOTDIR') await unlink(p).catch(note);
      else note(e);
      return;
    }
    dirs.push(p);
    for (const d of ents) stack.push([path.join(p, d.name), d.isDirectory()]);
  };
  let active = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (active < width && stack.length > 0) {
        const [p, isDir] = stack.pop()!;
        active++;
        void one(p, isDir).then(() => {
          active--;
          pump();
        });
      }
      if (active === 0 && stack.length === 0) resolve();
    };
    pump();
  });
  for (let i = dirs.length - 1; i >= 0; i--) await rmdir(dirs[i]!).catch(note);
  if (failure) throw failure;
}
