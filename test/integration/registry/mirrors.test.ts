// Integration: `registry-mirrors` for docker.io with fallback. A pierd whose daemon.json lists
// our registry as a mirror pulls `busybox` from it; with the mirror down the pull falls back to
// Docker Hub, which the harness's dead loopback proxy (HTTP(S)_PROXY=127.0.0.1:9) makes fail at
// once with the Docker Hub error — nothing leaves the machine and no name is resolved locally.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { busyboxTarPath, needsRoot, runDocker, startDaemon, type TestDaemon } from '../../harness/index.js';
import { createRegistryServer, type RegistryServer } from '../../../src/registry/index.js';
import { nullLogger } from '../../../src/lib/log.js';
import { has, skopeo } from './support.js';

describe('registry-mirrors for docker.io, with fallback to Docker Hub', { concurrency: false }, () => {
  let skip = false;
  let dir = '';
  let d: TestDaemon | undefined;
  let reg: RegistryServer | undefined;
  let port = 0;
  const docker = (args: string[]) => runDocker(d!, args, { timeoutMs: 120_000 });
  before(async (t) => {
    if (needsRoot(t as never) || !has('skopeo')) {
      skip = true;
      return;
    }
    dir = await mkdtemp(path.join(os.tmpdir(), 'pier-regmirror-'));
    reg = await createRegistryServer({ log: nullLogger }, { root: path.join(dir, 'reg') });
    port = (await reg.listen(0)).port;
    const c = await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${busyboxTarPath()}`, `docker://127.0.0.1:${port}/library/busybox:latest`]);
    assert.equal(c.code, 0, c.out);
    d = await startDaemon({ name: 'regmirror', config: { 'registry-mirrors': [`http://127.0.0.1:${port}`] } });
  });
  after(async () => {
    await d?.stop();
    await reg?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('docker pull busybox comes from the mirror', async (t) => {
    if (skip) return t.skip();
    const p = await docker(['pull', 'busybox']);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /Status: Downloaded newer image for busybox:latest/);
    assert.match(p.stdout, /docker\.io\/library\/busybox:latest/);
    const digests = await docker(['image', 'inspect', '-f', '{{json .RepoDigests}}', 'busybox']);
    assert.equal(digests.code, 0, digests.stderr);
    assert.match(digests.stdout, /^\["busybox@sha256:[0-9a-f]{64}"\]/, 'familiar form, as Docker shows it');
    const run = await docker(['run', '--rm', 'busybox', 'echo', 'from-mirror']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'from-mirror');
  });

  // Docker also falls back when a mirror answers but lacks the image (any registry error from a
  // mirror is a fallback error in moby's pull).
  test('an image the mirror does not have falls back to Docker Hub', async (t) => {
    if (skip) return t.skip();
    const p = await docker(['pull', 'alpine:3.19']);
    assert.notEqual(p.code, 0);
    assert.match(p.stderr, /registry-1\.docker\.io\/v2\/: proxyconnect tcp: dial tcp 127\.0\.0\.1:9/);
  });

  test('pushes never go to a mirror', async (t) => {
    if (skip) return t.skip();
    assert.equal((await docker(['tag', 'busybox', 'busybox:pushme'])).code, 0);
    const p = await docker(['push', 'busybox:pushme']);
    assert.notEqual(p.code, 0);
    assert.match(p.stderr + p.stdout, /registry-1\.docker\.io\/v2\/: proxyconnect tcp: dial tcp 127\.0\.0\.1:9/);
    const tags = (await (await fetch(`http://127.0.0.1:${port}/v2/library/busybox/tags/list`)).json()) as { tags: string[] };
    assert.deepEqual(tags.tags, ['latest']);
    assert.equal((await docker(['rmi', 'busybox:pushme'])).code, 0);
  });

  test('with the mirror down the pull falls back to Docker Hub (unreachable here: its error)', async (t) => {
    if (skip) return t.skip();
    assert.equal((await docker(['rmi', 'busybox'])).code, 0);
    await reg!.close();
    reg = undefined;
    const started = Date.now();
    const p = await docker(['pull', 'busybox']);
    assert.notEqual(p.code, 0);
    t.diagnostic(p.stderr.trim());
    assert.match(p.stderr, /registry-1\.docker\.io/);
    assert.match(p.stderr, /proxyconnect tcp: dial tcp 127\.0\.0\.1:9: connect: connection refused/);
    assert.doesNotMatch(p.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`), 'the Docker Hub error, not the mirror one');
    assert.ok(Date.now() - started < 30_000, 'fails fast');
    assert.notEqual((await docker(['image', 'inspect', 'busybox'])).code, 0, 'nothing tagged');
  });
});
