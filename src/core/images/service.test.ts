import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { readTar, TarWriter, type TarHeader } from '../../lib/tar/index.js';
import { collect, harness, makeTar, withHarness } from './test-support.js';

const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function importOne(h: Awaited<ReturnType<typeof harness>>, files: Record<string, string>, opts: { repo?: string; tag?: string; changes?: string[] } = {}) {
  return h.svc.importTar(Readable.from([await makeTar(files)]), opts);
}

async function drain(it: AsyncIterable<{ stream?: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const m of it) out.push(m.stream ?? '');
  return out;
}

test('import with changes, inspect, history, tag, list filters', async () => {
  await withHarness(async (h) => {
    const id = await importOne(h, { 'bin/a': 'hello' }, { repo: 'x', changes: ['CMD ["/bin/a"]', 'LABEL k=v', 'ENV P=1'] });
    assert.match(id, /^sha256:[a-f0-9]{64}$/);
    const ins = await h.svc.inspect('x');
    assert.deepEqual(ins.RepoTags, ['x:latest']);
    assert.deepEqual(ins.Config.Cmd, ['/bin/a']);
    assert.deepEqual(ins.Config.Labels, { k: 'v' });
    assert.equal(ins.Comment, 'Imported from -');
    // API 1.44 keeps the deprecated fields, empty (docker-compose v1 reads ContainerConfig).
    assert.equal(ins.Container, '');
    assert.equal(ins.ContainerConfig?.Cmd, null);
    assert.equal(ins.ContainerConfig?.Hostname, '');
    assert.equal(ins.Os, 'linux');
    assert.equal(ins.RootFS.Layers.length, 1);
    assert.equal(ins.Size, h.snaps.layers.get(ins.RootFS.Layers[0]!)!.info.size);
    assert.equal((await h.svc.inspect(id.slice(7, 12))).Id, id);
    assert.equal((await h.svc.inspect('sha256:' + id.slice(7, 15))).Id, id);
    await assert.rejects(h.svc.inspect('nope'), { kind: 'NotFound', message: 'No such image: nope:latest' });
    await assert.rejects(h.svc.inspect('Nope'), { kind: 'InvalidArgument' });

    const hist = await h.svc.history('x:latest');
    assert.equal(hist.length, 1);
    assert.equal(hist[0]!.Id, id);
    assert.deepEqual(hist[0]!.Tags, ['x:latest']);
    assert.equal(hist[0]!.Comment, 'Imported from -');

    await h.svc.tag('x', 'localhost:5000/y', '1');
    assert.deepEqual((await h.svc.inspect(id)).RepoTags, ['x:latest', 'localhost:5000/y:1']);
    assert.ok(h.events.some(([a, i, at]) => a === 'tag' && i === id && at.name === 'localhost:5000/y:1' && at.k === 'v'));
    await assert.rejects(h.svc.tag('x', 'Bad'), { message: 'invalid reference format: repository name (library/Bad) must be lowercase' });

    const id2 = await importOne(h, { 'b': 'other' }, { repo: 'z', tag: '2' });
    const all = await h.svc.list({});
    assert.deepEqual(all.map((s) => s.Id), [id2, id]);
    const byRef = await h.svc.list({ filters: new Map([['reference', ['localhost:5000/*']]]) });
    assert.deepEqual(byRef.map((s) => s.RepoTags), [['localhost:5000/y:1']]);
    assert.deepEqual((await h.svc.list({ filters: new Map([['label', ['k=v']]]) })).map((s) => s.Id), [id]);
    assert.deepEqual((await h.svc.list({ filters: new Map([['before', ['z:2']]]) })).map((s) => s.Id), [id]);
    assert.deepEqual((await h.svc.list({ filters: new Map([['since', ['x']]]) })).map((s) => s.Id), [id2]);
    await assert.rejects(h.svc.list({ filters: new Map([['foo', ['x']]]) }), { message: "invalid filter 'foo'" });

    // Moving a tag makes the old image dangling.
    await h.svc.tag(id2, 'x');
    assert.deepEqual((await h.svc.list({ filters: new Map([['dangling', ['true']]]) })).map((s) => s.Id), []);
    await h.svc.tag(id2, 'localhost:5000/y', '1');
    assert.deepEqual((await h.svc.list({ filters: new Map([['dangling', ['true']]]) })).map((s) => s.Id), [id]);
    const pr = await h.svc.prune({});
    assert.deepEqual(pr.ImagesDeleted?.[0], { Deleted: id });
    assert.ok(pr.SpaceReclaimed > 0);
    assert.equal((await h.svc.list({})).length, 1);
  });
});

test('rmi: untag, conflicts, delete with layers, shared layers kept', async () => {
  await withHarness(async (h) => {
    const id = await importOne(h, { a: '1' }, { repo: 'busybox' });
    await h.svc.tag('busybox', 'other');
    assert.deepEqual(await h.svc.remove('other', {}), [{ Untagged: 'other:latest' }]);
    await assert.rejects(h.svc.remove('other', {}), { kind: 'NotFound', message: 'No such image: other:latest' });

    h.containers.set(id, [{ id: 'c0ffee1234567890', running: false }]);
    await assert.rejects(h.svc.remove('busybox', {}), {
      kind: 'Conflict',
      message: `conflict: unable to remove repository reference "busybox" (must force) - container c0ffee123456 is using its referenced image ${id.slice(7, 19)}`,
    });
    await assert.rejects(h.svc.remove(id.slice(7, 19), {}), {
      message: `conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is being used by stopped container c0ffee123456`,
    });
    await h.svc.tag('busybox', 'second');
    await assert.rejects(h.svc.remove(id.slice(7, 19), {}), {
      message: `conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
    });
    h.containers.set(id, [{ id: 'beef00000000aaaa', running: true }]);
    await assert.rejects(h.svc.remove(id, { force: true }), {
      message: `conflict: unable to delete ${id.slice(7, 19)} (cannot be forced) - image is being used by running container beef00000000`,
    });
    // Forced untag by name while a container runs: only untagged.
    assert.deepEqual(await h.svc.remove('second', { force: true }), [{ Untagged: 'second:latest' }]);
    h.containers.clear();

    const layer = (await h.svc.inspect(id)).RootFS.Layers[0]!;
    const res = await h.svc.remove('busybox', {});
    assert.deepEqual(res, [{ Untagged: 'busybox:latest' }, { Deleted: id }, { Deleted: layer }]);
    assert.equal(h.snaps.layers.size, 0);
    assert.ok(h.events.some(([a, i]) => a === 'delete' && i === id));
    assert.ok(h.events.some(([a]) => a === 'untag'));

    // Two images sharing a base layer: deleting one keeps the shared layer.
    const base = await importOne(h, { a: 'base' }, { repo: 'base' });
    const child = await h.svc.createFromDiff({ parent: 'base', diff: Readable.from([await makeTar({ c: 'x' })]), config: { Cmd: ['sh'] }, containerConfig: { Cmd: ['touch', 'c'] }, repo: 'child', comment: 'msg', author: 'me' });
    const ci = await h.svc.inspect('child');
    assert.equal(ci.Parent, base);
    assert.equal(ci.RootFS.Layers.length, 2);
    assert.equal(ci.Author, 'me');
    const hist = await h.svc.history('child');
    assert.deepEqual(hist.map((r) => r.Id), [child, base]);
    assert.equal(hist[0]!.CreatedBy, 'touch c');
    await assert.rejects(h.svc.remove(base, {}), { message: /image has dependent child images|referenced in multiple/ });
    const del = await h.svc.remove('child', {});
    assert.deepEqual(del.map((d) => Object.keys(d)[0]), ['Untagged', 'Deleted', 'Deleted']);
    assert.equal(h.snaps.layers.size, 1);
  });
});

test('save → load round trip; archive shape', async () => {
  const h = await harness();
  const h2 = await harness();
  try {
    const id = await importOne(h, { 'bin/x': 'payload' }, { repo: 'busybox' });
    await h.svc.tag('busybox', 'localhost:5000/bb', 'v1');
    const tar = await collect(await h.svc.save(['busybox']));
    const names: string[] = [];
    let manifest: unknown;
    for await (const e of readTar(Readable.from([tar]))) {
      names.push(e.header.name);
      const body = await collect(e.body);
      if (e.header.name === 'manifest.json') manifest = JSON.parse(body.toString());
    }
    const hex = id.slice(7);
    assert.ok(names.includes('manifest.json') && names.includes('index.json') && names.includes('oci-layout') && names.includes('repositories'));
    assert.ok(names.includes(`blobs/sha256/${hex}`) && names.includes(`${hex}.json`));
    assert.ok(names.some((n) => n.endsWith('/layer.tar')) && names.some((n) => n.endsWith('/VERSION')));
    const m = manifest as { Config: string; RepoTags: string[]; Layers: string[] }[];
    assert.equal(m.length, 1);
    assert.equal(m[0]!.Config, `blobs/sha256/${hex}`);
    assert.deepEqual(m[0]!.RepoTags, ['busybox:latest']);
    assert.ok(h.events.some(([a]) => a === 'save'));

    const msgs = await drain(h2.svc.load(Readable.from([tar])));
    assert.deepEqual(msgs, ['Loaded image: busybox:latest\n']);
    assert.equal((await h2.svc.inspect('busybox')).Id, id);
    assert.ok(h2.events.some(([a, i]) => a === 'load' && i === id));

    // Loading a different image under the same tag renames the old one.
    const id3 = await importOne(h, { other: 'z' }, { repo: 'busybox' });
    const tar3 = await collect(await h.svc.save([id3.slice(7), 'busybox:latest']));
    const msgs3 = await drain(h2.svc.load(Readable.from([tar3])));
    assert.deepEqual(msgs3, [`The image busybox:latest already exists, renaming the old one with ID ${id} to empty string\n`, 'Loaded image: busybox:latest\n']);
    assert.deepEqual((await h2.svc.inspect(id)).RepoTags, []);

    // Truncated and corrupt archives change nothing.
    const before = JSON.stringify(await h2.svc.list({ all: true }));
    for (const bad of [tar.subarray(0, 1536), tar.subarray(0, tar.length - 3000), Buffer.from('not a tar at all'.repeat(100))]) {
      await assert.rejects(drain(h2.svc.load(Readable.from([bad]))), { kind: 'InvalidArgument' });
    }
    const corrupt = Buffer.from(tar);
    const pos = corrupt.indexOf('payload');
    corrupt[pos] = 'P'.charCodeAt(0);
    await assert.rejects(drain(h2.svc.load(Readable.from([corrupt]))), { kind: 'InvalidArgument', message: /diffID mismatch|digest mismatch/ });
    assert.equal(JSON.stringify(await h2.svc.list({ all: true })), before);
    assert.deepEqual(await readdir(path.join(h2.root, 'images/tmp')), []);
    await assert.rejects(h.svc.save(['nothere']), { kind: 'NotFound' });
  } finally {
    await rm(h.root, { recursive: true, force: true });
    await rm(h2.root, { recursive: true, force: true });
  }
});

test('load a plain OCI layout with a gzip layer', async () => {
  await withHarness(async (h) => {
    const layer = await makeTar({ f: 'oci' });
    const gz = gzipSync(layer);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layer)] }, config: { Cmd: ['/f'] } }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length }],
    }));
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'example.com/app:2' } }],
    }));
    const w = new TarWriter();
    const out = collect(w.stream);
    const add = (name: string, b: Buffer) => w.add({ name, type: 'file', size: b.length, mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) } as TarHeader, b);
    await add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    await add('index.json', index);
    for (const b of [gz, config, manifest]) await add(`blobs/sha256/${sha(b).slice(7)}`, b);
    await w.finish();
    const msgs = await drain(h.svc.load(Readable.from([await out])));
    assert.deepEqual(msgs, ['Loaded image: example.com/app:2\n']);
    const ins = await h.svc.inspect('example.com/app:2');
    assert.equal(ins.Id, sha(config));
    assert.deepEqual(ins.RootFS.Layers, [sha(layer)]);
  });
});

test('records survive a restart', async () => {
  await withHarness(async (h) => {
    const id = await importOne(h, { a: 'persist' }, { repo: 'keep' });
    const again = await harness(h.root, h.snaps);
    assert.equal((await again.svc.inspect('keep')).Id, id);
    assert.equal((await again.svc.usage()).images.length, 1);
  });
});

test('force-deleted image used by a container keeps its layers until the container is gone', async () => {
  await withHarness(async (h) => {
    const id = await importOne(h, { a: 'orphan' }, { repo: 'o' });
    h.containers.set(id, [{ id: 'c'.repeat(64), running: false }]);
    const res = await h.svc.remove('o', { force: true });
    assert.deepEqual(res, [{ Untagged: 'o:latest' }, { Deleted: id }]);
    assert.equal(h.snaps.layers.size, 1);
    await assert.rejects(h.svc.inspect(id), { kind: 'NotFound' });
    const again = await harness(h.root, h.snaps);
    again.containers.clear();
    const pr = await again.svc.prune({});
    assert.equal(h.snaps.layers.size, 0);
    assert.ok(pr.SpaceReclaimed > 0);
  });
});

test('a failing layer leaves no stray layers behind', async () => {
  await withHarness(async (h) => {
    const good = await makeTar({ a: '1' });
    const broken = new Readable({ read() { this.destroy(new Error('boom')); } });
    await assert.rejects(h.svc.createFromDiff({ parent: null, diff: broken, config: {} }));
    await h.svc.importTar(Readable.from([good]), {});
    assert.equal(h.snaps.layers.size, 1);
  });
});
