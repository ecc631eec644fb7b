/**
 * What the runtime leaves in a RUN container's rw layer for mounts, dropped from the diff that
 * becomes the next image: /etc/hosts, /etc/hostname and /etc/resolv.conf placeholders, the
 * empty targets of RUN --mount, and the directories created only to hold those targets (e.g.
 * `/run/secrets` for a secret): a directory on a target's path is kept only when something
 * else of the diff lies below it. Docker leaves none of them in the image.
 */
import type { Readable } from 'node:stream';
import { readTar, TarWriter, type TarHeader } from '../../lib/tar/index.js';
import { isEtcMountpoint } from '../containers/index.js';

const bare = (name: string) => name.replace(/^\.?\//, '').replace(/\/$/, '');

/**
 * Re-emits the rw diff `diff` without mount leftovers; `targets` are the RUN --mount targets
 * as relative paths (`run/secrets/x`). Errors of the source destroy the returned stream.
 */
export function withoutMountLeftovers(diff: Readable, targets: ReadonlySet<string>): Readable {
  const ancestors = new Set<string>();
  for (const t of targets) {
    const parts = t.split('/');
    for (let i = 1; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }
  const w = new TarWriter();
  void (async () => {
    const held: TarHeader[] = [];
    for await (const e of readTar(diff)) {
      const h = e.header;
      const name = bare(h.name);
      const emptyTarget = (h.type === 'directory' || (h.type === 'file' && h.size === 0)) && targets.has(name);
      if (isEtcMountpoint(h) || emptyTarget) {
        e.body.resume();
        continue;
      }
      while (held.length > 0 && !name.startsWith(bare(held[held.length - 1]!.name) + '/')) held.pop();
      if (h.type === 'directory' && ancestors.has(name)) {
        held.push(h);
        e.body.resume();
        continue;
      }
      for (const d of held) await w.add(d);
      held.length = 0;
      await w.add(h, h.type === 'file' ? e.body : undefined);
      if (h.type !== 'file') e.body.resume();
    }
    await w.finish();
  })().catch((err: unknown) => w.stream.destroy(err instanceof Error ? err : new Error(String(err))));
  return w.stream;
}
