/**
 * Messages to conmon through its control fifo `<bundle>/ctl` (conmon's ctrl.c): terminal
 * resize (`1 <height> <width>\n`, WIN_RESIZE_EVENT) and log reopen (`2 0 0\n`,
 * REOPEN_LOGS_EVENT). On a reopen conmon flushes and closes the current file, creates
 * `<log>.tmp` and renames it to the log path; the caller renames the old file away first, so
 * nothing written before the reopen is lost (it stays in the renamed file).
 */
import { open, constants } from 'node:fs/promises';
import path from 'node:path';
import { conflict, errnoCode, internal } from '../../lib/errors.js';

/**
 * Writes `message` to the ctl fifo without blocking. Throws Conflict when conmon is gone (no
 * reader), Internal "cannot <what>: …" when the fifo cannot be opened otherwise.
 */
async function writeCtl(bundleDir: string, id: string, message: string, what: string): Promise<void> {
  let fh;
  try {
    fh = await open(path.join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENXIO' || code === 'ENOENT') throw conflict(`Container ${id} is not running`);
    throw internal(`cannot ${what}: ${(e as Error).message}`, e);
  }
  try {
    await fh.write(message);
  } finally {
    await fh.close();
  }
}

/** Writes a resize message to the ctl fifo; Conflict when conmon is gone (no reader), Internal otherwise. */
export async function writeResize(bundleDir: string, id: string, size: { height: number; width: number }): Promise<void> {
  const h = Math.max(0, Math.trunc(size.height));
  const w = Math.max(0, Math.trunc(size.width));
  await writeCtl(bundleDir, id, `1 ${h} ${w}\n`, `resize ${id}`);
}

/** Writes the reopen message. Throws Conflict when conmon is gone (no reader), Internal otherwise. */
export async function writeReopenLog(bundleDir: string, id: string): Promise<void> {
  await writeCtl(bundleDir, id, '2 0 0\n', `reopen the log of ${id}`);
}
