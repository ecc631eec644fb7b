import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tracked, type DistContext } from './context.js';
import { collectGarbage } from './gc.js';
import { openMetadata } from './metadata.js';

test('a transfer waits for a garbage collection under way, which stops before deleting what it found present', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-dist-gc-'));
  try {
    const metadata = openMetadata(root);
    const blobs = new Set(['sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64)]);
    let n = 0;
    for (const d of blobs) await metadata.addLayerSource('sha256:' + String(++n).repeat(64), { digest: d, mediaType: 'x', size: 1 }, 'r/x');
    let release!: () => void;
    const listing = new Promise<void>((r) => (release = r));
    const deps = {
      images: { list: async () => { await listing; return []; }, inspect: async () => undefined },
      content: {
        info: async (d: string) => (blobs.has(d) ? { digest: d, size: 1 } : undefined),
        delete: async (d: string) => { blobs.delete(d); },
      },
    };
    const ctx = { deps, opts: { root }, metadata, active: { count: 0 }, gc: { tail: Promise.resolve() } } as unknown as DistContext;
    const gc = collectGarbage(ctx);
    const seen: number[] = [];
    const transfer = (async () => {
      for await (const _ of tracked(ctx, (async function* () { seen.push(blobs.size); yield 1; })())) void _;
    })();
    release();
    assert.equal(await gc, 0); // the transfer started before the first deletion: nothing deleted
    await transfer;
    assert.deepEqual(seen, [2]);
    // With no transfer, a collection deletes the unused blobs.
    assert.equal(await collectGarbage(ctx), 2);
    assert.equal(blobs.size, 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
