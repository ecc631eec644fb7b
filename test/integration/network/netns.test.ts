// Integration: a container's persistent network namespace file — NetworkSettings.SandboxKey is
// `<exec-root>/netns/<id12>`, a mount of the container's namespace while it runs, gone once its
// process is (stop, restart, kill -9 of pierd and an exit meanwhile); host/none/container:
// modes have none; a restarted pierd drops files no running container holds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestDaemon } from '../../harness/index.js';
import { SUITE_TIMEOUT, dock, eventually, netLog, startNetDaemon, type Dock } from './support.js';

const mounted = (file: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === file);

describe('network: namespace files (pierd, docker CLI)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let nsDir = '';
  before(async (t) => {
    ({ d, skip } = await startNetDaemon(t as never, 'net-ns'));
    if (skip) return;
    k = dock(d);
    nsDir = path.join(d.execRoot, 'netns');
  });
  after(async () => {
    await d?.stop();
  });

  const keyOf = (ctr: string) => k.inspect(ctr, '{{.NetworkSettings.SandboxKey}}');
  const nsInode = (pid: string) => statSync(`/proc/${pid}/ns/net`).ino;

  test('SandboxKey is the namespace file the container runs in; gone after stop; a new one after restart', async (t) => {
    if (skip) return t.skip();
    const id = await k.start('n1', []);
    const key = await keyOf('n1');
    assert.equal(key, path.join(nsDir, id.slice(0, 12)));
    assert.ok(mounted(key), `${key} not mounted\n${netLog(d)}`);
    assert.equal(statSync(key).ino, nsInode(await k.inspect('n1', '{{.State.Pid}}')));
    // The namespace is plumbed: address, default route and loopback.
    const r = await k.sh('n1', 'ip -o -4 addr show eth0 && ip route && ip -o link show lo');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`inet ${(await k.ipOf('n1')).replace(/\./g, '\\.')}/`));
    assert.match(r.stdout, /^default via /m);
    assert.match(r.stdout, /lo: <LOOPBACK,UP/);
    // container: joins it
    await k.start('j1', ['--network', 'container:n1']);
    assert.equal(nsInode(await k.inspect('j1', '{{.State.Pid}}')), statSync(key).ino);
    assert.equal(await keyOf('j1'), '');
    await k.ok(['rm', '-f', 'j1']);

    await k.ok(['restart', '-t', '1', 'n1']);
    assert.equal(await keyOf('n1'), key);
    assert.ok(mounted(key));
    assert.equal(statSync(key).ino, nsInode(await k.inspect('n1', '{{.State.Pid}}')));
    await k.ok(['stop', '-t', '1', 'n1']);
    assert.equal(existsSync(key), false, `${key} left after stop`);
    assert.equal(mounted(key), false);
    assert.equal(await keyOf('n1'), '');
    await k.ok(['rm', 'n1']);
  });

  test('host and none have no namespace file', async (t) => {
    if (skip) return t.skip();
    const ids = [await k.start('h1', ['--network', 'host']), await k.start('z1', ['--network', 'none'])];
    assert.equal(await keyOf('h1'), '/var/run/docker/netns/default');
    assert.match(await keyOf('z1'), /^\/proc\/\d+\/ns\/net$/);
    for (const id of ids) assert.equal(existsSync(path.join(nsDir, id.slice(0, 12))), false);
    await k.ok(['rm', '-f', 'h1', 'z1']);
  });

  test('kill -9 and restart: a running container keeps its file until it exits; stale files go', async (t) => {
    if (skip) return t.skip();
    const id = await k.start('n2', []);
    const key = path.join(nsDir, id.slice(0, 12));
    await d.kill9();
    const stale = path.join(nsDir, 'deadbeef0000');
    writeFileSync(stale, '');
    await d.restart();
    assert.equal(existsSync(stale), false, 'stale namespace file left');
    assert.ok(mounted(key), `${key} lost on restart\n${netLog(d)}`);
    assert.equal(await keyOf('n2'), key);
    await k.ok(['stop', '-t', '1', 'n2']);
    await eventually(`${key} removed at exit`, () => !existsSync(key) && !mounted(key));
    await k.ok(['rm', 'n2']);
  });
});
