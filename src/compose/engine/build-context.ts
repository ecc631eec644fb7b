/**
 * The build context of a compose service as a tar stream (uid/gid 0, modes and mtimes kept),
 * with the Dockerfile added under a hidden name when it lives outside the context or is given
 * inline. The daemon applies `.dockerignore`. Throws ComposeError when the context is missing.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { TarWriter, type TarHeader } from '../../lib/tar/index.js';
import type { ServiceBuild } from '../model.js';
import { ComposeError } from '../model.js';

/** A context ready to send: the tar and the Dockerfile path inside it. */
export interface BuildContext {
  tar: Readable;
  dockerfile: string;
}

function tarDirectory(dir: string, extra?: { name: string; data: Buffer }): Readable {
  const w = new TarWriter();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel ? path.join(dir, rel) : dir)).sort();
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      const abs = path.join(dir, r);
      const st = await lstat(abs);
      const h: TarHeader = { name: r, type: 'file', size: 0, mode: st.mode & 0o7777, uid: 0, gid: 0, mtime: st.mtime };
      if (st.isDirectory()) {
        await w.add({ ...h, type: 'directory' });
        await walk(r);
      } else if (st.isSymbolicLink()) await w.add({ ...h, type: 'symlink', linkname: await readlink(abs) });
      else if (st.isFile()) await w.add({ ...h, size: st.size }, createReadStream(abs));
    }
  };
  void (async () => {
    await walk('');
    if (extra) await w.add({ name: extra.name, type: 'file', size: extra.data.length, mode: 0o600, uid: 0, gid: 0, mtime: new Date() }, extra.data);
    await w.finish();
  })().catch((e: unknown) => w.stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return w.stream;
}

/**
 * Prepares the context of `build` for service `service`. Throws ComposeError when the context
 * directory or the Dockerfile does not exist, or the context is a URL.
 */
export async function buildContext(service: string, build: ServiceBuild): Promise<BuildContext> {
  if (/^(https?|git):\/\//.test(build.context) || build.context.startsWith('git@')) throw new ComposeError(`service "${service}": remote build contexts are not supported by pier`);
  const dir = build.context;
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new ComposeError(`unable to prepare context: path "${dir}" not found`);
  const hidden = () => `.dockerfile.${randomBytes(10).toString('hex')}`;
  if (build.dockerfile_inline !== undefined) {
    const name = hidden();
    return { tar: tarDirectory(dir, { name, data: Buffer.from(build.dockerfile_inline) }), dockerfile: name };
  }
  const file = path.resolve(dir, build.dockerfile || 'Dockerfile');
  const rel = path.relative(dir, file);
  const exists = await lstat(file).then((s) => s.isFile(), () => false);
  if (!exists) throw new ComposeError(`failed to solve: failed to read dockerfile: open ${file}: no such file or directory`);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    const name = hidden();
    return { tar: tarDirectory(dir, { name, data: await readFile(file) }), dockerfile: name };
  }
  return { tar: tarDirectory(dir), dockerfile: rel.split(path.sep).join('/') };
}
