/**
 * Instructions that write files without running a process — COPY, ADD (local files, local
 * tar archives extracted, remote URLs downloaded) and WORKDIR (creates the directory) — done
 * in a temporary rw layer of the snapshotter whose diff becomes the next image.
 */
import { open, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { newId, shortId } from '../../lib/ids.js';
import { decompress } from '../../lib/tar/index.js';
import type { Instruction } from './instructions.js';
import { BuildFailure } from './failure.js';
import { cleanPath } from '../../lib/dockerignore.js';
import { copyIntoRootfs, hashSources, resolveSources, type SourceItem, type SourceRoot } from './copy-files.js';
import { resolveInRoot } from './paths.js';
import { extractTarInto } from './extract.js';
import { parseChmod, resolveChown } from './users.js';
import { argEnv, commitStep, expand, nopCmd, say, tryCache, type BuildState, type Stage } from './stage.js';

/** Mounts a temporary rw layer over `imageId`, runs `fn` on its rootfs, unmounts. Returns the layer id. */
async function withRw<T>(st: BuildState, imageId: string | null, fn: (rootfs: string) => Promise<T>): Promise<{ rw: string; value: T }> {
  const { snapshots, images } = st.deps;
  const top = imageId ? (await images.resolve(imageId)).topLayer : null;
  const rw = `build-${newId()}`;
  await snapshots.createRw(rw, top);
  try {
    const rootfs = await snapshots.mountRw(rw);
    try {
      return { rw, value: await fn(rootfs) };
    } finally {
      await snapshots.unmountRw(rw);
    }
  } catch (e) {
    await snapshots.removeRw(rw).catch(() => {});
    throw e;
  }
}

/** Commits the rw layer's diff as the stage's next image, then drops the layer. */
async function commitRw(st: BuildState, stage: Stage, rw: string, cmd: string[], key: string): Promise<string> {
  try {
    return await commitStep(st, stage, cmd, key, st.deps.snapshots.rwDiff(rw));
  } finally {
    await st.deps.snapshots.removeRw(rw).catch(() => {});
  }
}

/** The absolute destination of a COPY/WORKDIR path relative to the stage's WORKDIR. */
function absDest(stage: Stage, dest: string): string {
  if (dest.startsWith('/')) return dest;
  const wd = stage.config.WorkingDir || '/';
  const joined = cleanPath(path.posix.join(wd, dest));
  return dest.endsWith('/') || dest === '.' ? joined.replace(/\/?$/, '/') : joined;
}

/**
 * A step that changes the config and creates directories in the image when missing
 * (WORKDIR; VOLUME, as Docker's legacy builder leaves the mount points in the layer).
 * Prints Docker's Running in / Removing lines. Throws snapshot/image errors.
 */
export async function dirStep(st: BuildState, stage: Stage, cmd: string[], dirs: string[], apply: () => void): Promise<void> {
  const key = st.cache.key(stage.imageId, cmd, argEnv(stage));
  const prev = structuredClone(stage.config);
  if (await tryCache(st, stage, key, cmd)) return;
  apply();
  const fake = newId();
  await say(st, ` ---> Running in ${shortId(fake)}\n`);
  try {
    const { rw } = await withRw(st, stage.imageId, async (rootfs) => {
      for (const d of dirs) {
        const abs = await resolveInRoot(rootfs, d);
        const existing = await stat(abs).catch(() => undefined);
        if (!existing) await mkdir(abs, { recursive: true, mode: 0o755 });
      }
    });
    await commitRw(st, stage, rw, cmd, key);
  } catch (e) {
    stage.config = prev;
    throw e;
  }
  await say(st, `Removing intermediate container ${shortId(fake)}\n`);
  await say(st, ` ---> ${shortId(stage.imageId!)}\n`);
}

/** WORKDIR: sets the working directory and creates it (root-owned) when missing. */
export async function dispatchWorkdir(st: BuildState, stage: Stage, ins: { value: string }): Promise<void> {
  const v = expand(st, stage, ins.value);
  const wd = cleanPath(v.startsWith('/') ? v : path.posix.join(stage.config.WorkingDir || '/', v));
  await dirStep(st, stage, nopCmd(stage, `WORKDIR ${wd}`, true), [wd], () => {
    stage.config.WorkingDir = wd;
  });
}

/** Where COPY --from reads: a stage's image or any image, mounted through a temporary rw layer. */
async function fromSource(st: BuildState, stage: Stage, from: string): Promise<{ imageId: string }> {
  const name = expand(st, stage, from).toLowerCase();
  const idx = st.stageNames.get(name) ?? (/^\d+$/.test(name) ? Number(name) : undefined);
  if (idx !== undefined) {
    const s = st.stages[idx];
    if (!s || s.index >= stage.index) throw new BuildFailure(`invalid from flag value ${from}: refers to current or later build stage`);
    if (!s.imageId) throw new BuildFailure(`invalid from flag value ${from}: stage has no filesystem`);
    return { imageId: s.imageId };
  }
  return { imageId: (await st.deps.images.resolve(name)).id };
}

/** True when the file is a tar archive (plain or compressed). Never throws. */
async function isArchive(abs: string): Promise<boolean> {
  try {
    const fh = await open(abs, 'r');
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    await fh.close();
    if (bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar') return true;
    const gz = head[0] === 0x1f && head[1] === 0x8b;
    const bz = head.toString('latin1', 0, 3) === 'BZh';
    const xz = head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
    if (!gz && !bz && !xz) return false;
    const s = await decompress(createReadStream(abs));
    let buf = Buffer.alloc(0);
    for await (const c of s) {
      buf = Buffer.concat([buf, c as Buffer]);
      if (buf.length >= 512) break;
    }
    s.destroy();
    return buf.length >= 262 && buf.toString('latin1', 257, 262) === 'ustar';
  } catch {
    return false;
  }
}

/** Downloads an ADD URL into `dir`. Throws BuildFailure when unreachable or not 2xx. */
async function download(url: string, dir: string, signal: AbortSignal): Promise<SourceItem> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    throw new BuildFailure(`failed to GET ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  if (!res.ok || !res.body) throw new BuildFailure(`failed to GET ${url} with status ${res.status} ${res.statusText}: ${(await res.text().catch(() => '')).trim()}`);
  const name = path.posix.basename(new URL(url).pathname) || 'download';
  await mkdir(dir, { recursive: true });
  const abs = path.join(dir, name);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(abs, { mode: 0o600 }));
  return { rel: name, abs, isDir: false };
}

/** COPY and ADD. Throws BuildFailure/InvalidArgument/NotFound with Docker's messages. */
export async function dispatchCopy(st: BuildState, stage: Stage, ins: Extract<Instruction, { kind: 'copy' | 'add' }>): Promise<void> {
  const kw = ins.kind.toUpperCase();
  const x = (w: string) => expand(st, stage, w);
  const dest = absDest(stage, x(ins.dest));
  let src: SourceRoot = st.context;
  let srcImage: string | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  try {
    if (ins.from) {
      const { imageId } = await fromSource(st, stage, ins.from);
      srcImage = imageId;
      const top = (await st.deps.images.resolve(imageId)).topLayer;
      const rw = `build-${newId()}`;
      await st.deps.snapshots.createRw(rw, top);
      cleanup.push(() => st.deps.snapshots.removeRw(rw));
      src = { root: await st.deps.snapshots.mountRw(rw) };
    }
    const items: SourceItem[] = [];
    const tmp = path.join(st.context.root, '..', `src-${newId().slice(0, 12)}`);
    let tmpMade = false;
    const makeTmp = async () => {
      if (tmpMade) return;
      tmpMade = true;
      cleanup.push(() => rm(tmp, { recursive: true, force: true }));
      await mkdir(tmp, { recursive: true });
    };
    const downloaded = new Set<string>();
    let hdIndex = 0;
    for (const raw of ins.sources) {
      const s = ins.heredocs.length > 0 && /^<<-?["']?[A-Za-z_]/.test(raw) ? undefined : x(raw);
      if (s === undefined) {
        const h = ins.heredocs[hdIndex++]!;
        await makeTmp();
        const abs = path.join(tmp, h.name);
        await writeFile(abs, h.expand ? x(h.content) : h.content, { mode: 0o644 });
        items.push({ rel: h.name, abs, isDir: false });
      } else if (ins.kind === 'add' && /^https?:\/\//.test(s)) {
        await makeTmp();
        const d = await download(s, tmp, st.req.signal);
        downloaded.add(d.abs);
        items.push(d);
      } else {
        items.push(...(await resolveSources(src, [s])));
      }
    }
    const content = await hashSources(src, items);
    const what = items.length > 1 ? 'multi' : items[0]!.isDir ? 'dir' : 'file';
    // Docker glues the flags to the source word (`--chown=1:1file:…`) and omits --from.
    const flags = (ins.chown ? `--chown=${ins.chown}` : '') + (ins.chmod ? `--chmod=${ins.chmod}` : '');
    const cmd = nopCmd(stage, `${kw} ${flags}${what}:${content} in ${dest} `, true);
    const key = st.cache.key(stage.imageId, cmd, argEnv(stage), srcImage);
    if (await tryCache(st, stage, key, cmd)) return;
    const mode = ins.chmod ? parseChmod(x(ins.chmod)) : undefined;
    // ADD reads sources itself (archive check, extraction): held context bodies go to disk first.
    if (ins.kind === 'add') await src.materialize?.();
    const t0 = Date.now();
    const { rw } = await withRw(st, stage.imageId, async (rootfs) => {
      const owner = ins.chown ? await resolveChown(rootfs, x(ins.chown)) : { uid: 0, gid: 0 };
      const plain: SourceItem[] = [];
      for (const it of items) {
        if (ins.kind === 'add' && !it.isDir && !downloaded.has(it.abs) && (await isArchive(it.abs))) {
          const target = await resolveInRoot(rootfs, dest);
          await mkdir(target, { recursive: true });
          await extractTarInto(createReadStream(it.abs), target, { keepOwnership: true, owner: ins.chown ? owner : undefined, signal: st.req.signal });
        } else plain.push(it);
      }
      if (plain.length > 0) await copyIntoRootfs(src, plain, rootfs, dest, { owner, mode });
    });
    const t1 = Date.now();
    await commitRw(st, stage, rw, cmd, key);
    st.deps.log.debug('build copy', { writeMs: t1 - t0, commitMs: Date.now() - t1 });
    await say(st, ` ---> ${shortId(stage.imageId!)}\n`);
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  }
}
