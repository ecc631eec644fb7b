/**
 * The build context of `pier build DIR`, prepared on the client as docker's CLI does: find the
 * Dockerfile (`-f` relative to the working directory; `Dockerfile`, else `dockerfile`), read the
 * ignore patterns (`<Dockerfile>.dockerignore` beside the Dockerfile, else the context's
 * `.dockerignore`), always keep the Dockerfile and the ignore file, and tar only what is not
 * excluded (uid/gid 0, modes and mtimes kept). A Dockerfile from outside the context (or stdin)
 * travels under a hidden `.dockerfile.<random>` name that the tar's ignore file lists, so the
 * daemon's COPY never sees it.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { CliError } from '../../errors.js';
import { TarWriter, type TarHeader } from '../../../lib/tar/index.js';
import { compilePatterns, isExcluded, readIgnoreFile, type IgnorePattern } from '../../../lib/dockerignore.js';

/** What `prepareLocalContext` found. */
export interface LocalContext {
  /** Absolute context directory. */
  dir: string;
  /** The Dockerfile's name for the API (`/`-separated, relative to the context, or the hidden name). */
  dockerfile: string;
  /** Ignore patterns as read (before the Dockerfile/ignore file are kept). */
  excludes: string[];
  /** Context-relative name of the ignore file in effect (`.dockerignore` or `<Dockerfile>.dockerignore`). */
  ignoreName: string;
  /** A Dockerfile from outside the context or stdin, added to the tar under `dockerfile`. */
  extra?: Buffer;
  /** A `<Dockerfile>.dockerignore` from outside the context, added as `<dockerfile>.dockerignore`. */
  extraIgnore?: Buffer;
}

const noFile = (p: string) => new CliError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${p}: no such file or directory`);

/**
 * Resolves the context directory, the Dockerfile and the ignore patterns. `stdinDockerfile`
 * reads `-f -`. Throws CliError with docker's "unable to prepare context: …" messages, and
 * "error checking context: …" for a malformed ignore pattern.
 */
export async function prepareLocalContext(target: string, file: string | undefined, stdinDockerfile: () => Promise<Buffer>): Promise<LocalContext> {
  const dir = path.resolve(target);
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new CliError(`unable to prepare context: path "${target}" not found`);
  let dfAbs: string | undefined;
  if (file === '-') dfAbs = undefined;
  else if (file) dfAbs = path.resolve(file);
  else {
    dfAbs = path.join(dir, 'Dockerfile');
    if (!(await lstat(dfAbs).catch(() => undefined)) && (await lstat(path.join(dir, 'dockerfile')).catch(() => undefined))) dfAbs = path.join(dir, 'dockerfile');
  }
  if (dfAbs !== undefined && !(await lstat(dfAbs).catch(() => undefined))) throw noFile(dfAbs);
  const rel = dfAbs === undefined ? undefined : path.relative(dir, dfAbs).split(path.sep).join('/');
  const outside = rel === undefined || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel);
  // BuildKit's `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's file.
  const ownIgnore = dfAbs === undefined ? undefined : await readFile(`${dfAbs}.dockerignore`).catch(() => undefined);
  const ctxIgnore = ownIgnore === undefined ? await readFile(path.join(dir, '.dockerignore')).catch(() => undefined) : undefined;
  const excludes = readIgnoreFile((ownIgnore ?? ctxIgnore ?? Buffer.alloc(0)).toString('utf8'));
  try {
    compilePatterns(excludes);
  } catch (e) {
    throw new CliError(`error checking context: ${(e as Error).message}`);
  }
  if (!outside) {
    return { dir, dockerfile: rel!, excludes, ignoreName: ownIgnore ? `${rel}.dockerignore` : '.dockerignore' };
  }
  const extra = file === '-' ? await stdinDockerfile() : await readFile(dfAbs!);
  const name = `.dockerfile.${randomBytes(10).toString('hex')}`;
  return { dir, dockerfile: name, excludes, ignoreName: ownIgnore ? `${name}.dockerignore` : '.dockerignore', extra, ...(ownIgnore ? { extraIgnore: ownIgnore } : {}) };
}

/**
 * docker's TrimBuildFilesFromExcludes, widened to the ignore file in effect: when the patterns
 * exclude the ignore file or the Dockerfile (unless that comes from outside), exceptions are
 * appended so both are still sent. Throws InvalidArgument for a malformed pattern.
 */
export function keepBuildFiles(excludes: string[], dockerfile: string | undefined, ignoreName: string): string[] {
  const out = [...excludes];
  const pats = () => compilePatterns(out);
  for (const name of ['.dockerignore', ignoreName, dockerfile]) {
    if (name !== undefined && isExcluded(name, pats())) out.push(`!${name}`);
  }
  return out;
}

/**
 * moby's walk rule for an excluded directory: descend only when an exception pattern's text
 * starts with the directory's path (`!dir/keep`); otherwise skip it whole. Never throws.
 */
export function mustDescend(relDir: string, patterns: readonly IgnorePattern[]): boolean {
  const dirSlash = `${relDir}/`;
  return patterns.some((p) => p.exclusion && `${p.pattern}/`.startsWith(dirSlash));
}

/** Options of contextTar. */
export interface ContextTarOptions {
  /** Ignore patterns (already with the build files kept). */
  excludes: string[];
  /** Files to add after the walk (name in the tar → content), e.g. a Dockerfile from elsewhere. */
  extra?: { name: string; data: Buffer }[];
  /** Replaces the content of a top-level file while walking (or adds it when absent). */
  rewrite?: { name: string; edit: (old: Buffer | undefined) => Buffer };
  /** Bytes written so far (for "Sending build context"). */
  counter: { bytes: number };
}

/**
 * A tar of the context directory without its excluded files, streamed while walking in name
 * order. Throws InvalidArgument (synchronously) for a malformed pattern; read errors destroy
 * the stream.
 */
export function contextTar(dir: string, opts: ContextTarOptions): Readable {
  const patterns = compilePatterns(opts.excludes);
  const exceptions = patterns.some((p) => p.exclusion);
  const w = new TarWriter();
  let rewritten = false;
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel ? path.join(dir, rel) : dir)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      const abs = path.join(dir, r);
      const st = await lstat(abs);
      const skip = patterns.length > 0 && isExcluded(r, patterns);
      if (skip && !(st.isDirectory() && exceptions && mustDescend(r, patterns))) continue;
      const h: TarHeader = { name: r, type: 'file', size: 0, mode: st.mode & 0o7777, uid: 0, gid: 0, mtime: st.mtime };
      if (st.isDirectory()) {
        if (!skip) await w.add({ ...h, type: 'directory' });
        await walk(r);
      } else if (skip) {
        continue;
      } else if (st.isSymbolicLink()) {
        await w.add({ ...h, type: 'symlink', linkname: await readlink(abs) });
      } else if (st.isFile()) {
        if (opts.rewrite && r === opts.rewrite.name) {
          const data = opts.rewrite.edit(await readFile(abs));
          rewritten = true;
          await w.add({ ...h, size: data.length }, data);
        } else await w.add({ ...h, size: st.size }, createReadStream(abs));
      }
    }
  };
  void (async () => {
    await walk('');
    const now = new Date();
    const more = [...(opts.extra ?? [])];
    if (opts.rewrite && !rewritten) more.push({ name: opts.rewrite.name, data: opts.rewrite.edit(undefined) });
    for (const e of more) await w.add({ name: e.name, type: 'file', size: e.data.length, mode: 0o600, uid: 0, gid: 0, mtime: now }, e.data);
    await w.finish();
  })().catch((e: unknown) => w.stream.destroy(e instanceof Error ? e : new Error(String(e))));
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      opts.counter.bytes += chunk.length;
      cb(null, chunk);
    },
  });
  w.stream.on('error', (e) => counted.destroy(e));
  return w.stream.pipe(counted);
}

/**
 * The tar body for a prepared local context: filtered as docker's CLI filters, the hidden
 * Dockerfile (and its own ignore file) added, and the ignore file in effect made to list the
 * hidden names as docker's AddDockerfileToBuildContext does. Throws InvalidArgument for a
 * malformed pattern.
 */
export function localContextTar(c: LocalContext, counter: { bytes: number }): Readable {
  const fromOutside = c.extra !== undefined;
  const excludes = keepBuildFiles(c.excludes, fromOutside ? undefined : c.dockerfile, fromOutside ? '.dockerignore' : c.ignoreName);
  if (!fromOutside) return contextTar(c.dir, { excludes, counter });
  const hidden = c.dockerfile;
  const extra = [{ name: hidden, data: c.extra! }];
  if (c.extraIgnore) {
    // The daemon reads `<hidden>.dockerignore` first: it also hides both added files.
    extra.push({ name: `${hidden}.dockerignore`, data: Buffer.concat([c.extraIgnore, Buffer.from(`\n${hidden}\n${hidden}.dockerignore\n`)]) });
    return contextTar(c.dir, { excludes, counter, extra });
  }
  const rewrite = {
    name: '.dockerignore',
    edit: (old: Buffer | undefined) => Buffer.concat([old ?? Buffer.from('.dockerignore'), Buffer.from(`\n${hidden}\n`)]),
  };
  return contextTar(c.dir, { excludes, counter, extra, rewrite });
}
