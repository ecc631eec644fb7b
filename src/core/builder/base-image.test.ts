import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notFound } from '../../lib/errors.js';
import type { ProgressMessage } from '../../api/types.js';
import { baseImage } from './base-image.js';
import { cacheFromHit, type CacheSource } from './cache-from.js';
import { automaticPlatformArgs, parseBuildPlatform } from './platform.js';
import type { BuildState } from './stage.js';

interface FakeImage { id: string; config: { os: string; architecture: string; rootfs: { type: 'layers'; diff_ids: string[] } } }

function fakeState(opts: { local: Record<string, FakeImage>; pulled?: Record<string, FakeImage>; pullError?: Error; withPull?: boolean; pull?: boolean; registryConfig?: Record<string, unknown> }) {
  const images = { ...opts.local };
  const calls: { ref: string; platform?: string; auth?: string }[] = [];
  const written: ProgressMessage[] = [];
  const pull = async function* (ref: string, o: { platform?: string; auth?: string }): AsyncIterable<ProgressMessage> {
    calls.push({ ref, platform: o.platform, auth: o.auth });
    yield { status: `Pulling from ${ref}` };
    if (opts.pullError) throw opts.pullError;
    Object.assign(images, opts.pulled ?? {});
  };
  const st = {
    deps: {
      images: { resolve: async (r: string) => images[r] ?? Promise.reject(notFound(`No such image: ${r}`)) },
      ...(opts.withPull === false ? {} : { pull }),
    },
    req: { pull: opts.pull ?? false, registryConfig: opts.registryConfig, signal: new AbortController().signal },
    write: async (m: ProgressMessage) => void written.push(m),
  } as unknown as BuildState;
  return { st, calls, written };
}

const img = (id: string, architecture = 'amd64'): FakeImage => ({ id, config: { os: 'linux', architecture, rootfs: { type: 'layers', diff_ids: [] } } });

test('FROM: local image used without a pull; missing images pulled; --pull always pulls and its failure fails', async () => {
  const a = fakeState({ local: { busybox: img('sha256:1') } });
  assert.equal((await baseImage(a.st, 'busybox', undefined)).id, 'sha256:1');
  assert.equal(a.calls.length, 0);

  const b = fakeState({ local: {}, pulled: { busybox: img('sha256:2') }, registryConfig: { 'https://index.docker.io/v1/': { username: 'u', password: 'p' } } });
  assert.equal((await baseImage(b.st, 'busybox', undefined)).id, 'sha256:2');
  assert.equal(b.calls.length, 1);
  assert.deepEqual(JSON.parse(Buffer.from(b.calls[0]!.auth!, 'base64url').toString()), { username: 'u', password: 'p' });
  assert.deepEqual(b.written, [{ status: 'Pulling from busybox' }]);

  const c = fakeState({ local: { busybox: img('sha256:1') }, pull: true, pullError: new Error('Get "https://registry-1.docker.io/v2/": connection refused') });
  await assert.rejects(baseImage(c.st, 'busybox', undefined), /connection refused/);

  const d = fakeState({ local: {}, withPull: false });
  await assert.rejects(baseImage(d.st, 'busybox', undefined), /No such image: busybox/);
});

test('FROM with a platform: another platform is refused with the classic builder message', async () => {
  const a = fakeState({ local: { busybox: img('sha256:1') }, withPull: false });
  assert.equal((await baseImage(a.st, 'busybox', 'linux/x86_64')).id, 'sha256:1');
  await assert.rejects(baseImage(a.st, 'busybox', 'linux/arm64'), /image with reference busybox was found but its platform \(linux\/amd64\) does not match the specified platform \(linux\/arm64\)/);
  const b = fakeState({ local: { busybox: img('sha256:1') }, pullError: new Error('pull failed here') });
  await assert.rejects(baseImage(b.st, 'busybox', 'linux/arm64'), /pull failed here/);
  assert.equal(b.calls[0]!.platform, 'linux/arm64');
});

test('parseBuildPlatform follows containerd', () => {
  assert.deepEqual(parseBuildPlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parseBuildPlatform('aarch64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parseBuildPlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.throws(() => parseBuildPlatform('foo'), /"foo": unknown operating system or architecture: invalid argument/);
  assert.throws(() => parseBuildPlatform('linux//amd64'), /unknown operating system or architecture/);
  const auto = new Map(automaticPlatformArgs(parseBuildPlatform('linux/arm/v6')));
  assert.equal(auto.get('TARGETPLATFORM'), 'linux/arm/v6');
  assert.equal(auto.get('TARGETVARIANT'), 'v6');
  assert.equal(auto.get('BUILDOS'), 'linux');
});

test('cache-from: local hits only within the sources, history continuation otherwise', () => {
  const h = (by: string, created = '2020') => ({ created, created_by: by });
  const parent = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' as const, diff_ids: ['sha256:l1'] }, history: [h('ADD rootfs')] };
  const src: CacheSource = {
    id: 'sha256:top',
    history: [h('ADD rootfs'), h('/bin/sh -c make'), h('/bin/sh -c #(nop)  CMD ["x"]')],
    diffIds: ['sha256:l1', 'sha256:l2'],
    chain: new Map([['sha256:top', 3], ['sha256:mid', 2]]),
  };
  assert.equal(cacheFromHit([src], 'sha256:mid', parent, 'anything'), 'sha256:mid');
  assert.equal(cacheFromHit([src], undefined, parent, '/bin/sh -c make'), 'sha256:mid');
  assert.equal(cacheFromHit([src], 'sha256:elsewhere', parent, '/bin/sh -c other'), undefined);
  const otherParent = { ...parent, history: [h('ADD rootfs', '2021')] };
  assert.equal(cacheFromHit([src], undefined, otherParent, '/bin/sh -c make'), undefined);
  const midParent = { ...parent, rootfs: { type: 'layers' as const, diff_ids: ['sha256:l1', 'sha256:l2'] }, history: src.history.slice(0, 2) };
  assert.equal(cacheFromHit([src], undefined, midParent, '/bin/sh -c #(nop)  CMD ["x"]'), 'sha256:top');
});
