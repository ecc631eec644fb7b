import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { TarWriter } from '../../lib/tar/index.js';
import { createNativeFs } from '../../lib/tar/native.js';
import { LayerStore } from './layers.js';

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const w = new TarWriter();
  const out: Buffer[] = [];
  const done = (async () => {
    for await (const c of w.stream) out.push(c as Buffer);
  })();
  for (const [name, body] of Object.entries(files)) {
    await w.add({ name, type: 'file', size: body.length, mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) }, Buffer.from(body));
  }
  await w.finish();
  await done;
  return Buffer.concat(out);
}

const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

test('with waitParent, a layer extracts before its parent exists and is published after it', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'pier-layers-'));
  try {
    for (const d of ['layers', 'l', 'tmp', 'trash', 'rw']) mkdirSync(path.join(home, d));
    const store = new LayerStore({ native: createNativeFs() }, { home, whiteouts: 'keep', shortLinks: false });
    const lower = await tarOf({ a: 'lower' });
    const upper = await tarOf({ b: 'upper'.repeat(1_000_000) }); // big enough for the hash worker
    const lowerId = sha(lower);
    const upperChain = sha(lowerId + ' ' + sha(upper));
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let parentChecked = false;
    const up = store.apply(lowerId, Readable.from([upper]), {
      expectedDiffId: sha(upper),
      waitParent: async () => {
        await gate;
        parentChecked = true;
      },
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(existsSync(store.dir(upperChain)), false, 'not published before its parent');
    const low = await store.apply(null, Readable.from([lower]));
    assert.equal(low.chainId, lowerId);
    release();
    const info = await up;
    assert.ok(parentChecked);
    assert.equal(info.chainId, upperChain);
    assert.equal(readFileSync(path.join(store.layerDir(upperChain), 'b'), 'utf8').length, 5_000_000);
    // A parent that fails fails the layer; nothing is kept.
    const other = await tarOf({ c: 'x' });
    await assert.rejects(store.apply(upperChain, Readable.from([other]), { waitParent: () => Promise.reject(new Error('parent failed')) }), /parent failed/);
    // A parent that never appeared: NotFound.
    await assert.rejects(store.apply(sha('nope'), Readable.from([other]), { waitParent: async () => {} }), /does not exist/);
    assert.deepEqual((await store.list()).map((l) => l.chainId).sort(), [lowerId, upperChain].sort());
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
