// The networking parts of the test harness on real kernel objects (root only): address spaces
// are distinct per daemon, the outside namespace works and goes away, and the leftover
// cleanup deletes a daemon's table, its bridges and the veths on them — nothing else.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineMissing, loadBusybox, rootMissing, runDocker, startDaemon } from '../../harness/index.js';
import { linkExists, netLeftovers, nftTableExists, nftTableOf, removeNetLeftovers } from '../../harness/net-cleanup.js';
import { allocateNetSpace } from '../../harness/net-space.js';
import { createOutsideNs } from '../../harness/outside-ns.js';

const sh = (args: string[], input?: string) => {
  const r = spawnSync(args[0] ?? 'true', args.slice(1), { encoding: 'utf8', input });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

describe('harness: network isolation and cleanup', { skip: rootMissing() ?? false }, () => {
  test('each claim gets its own /16 and bridge name; release frees it', () => {
    const a = allocateNetSpace(1);
    const b = allocateNetSpace(1);
    try {
      assert.notEqual(a.a, b.a);
      assert.notEqual(a.bridge, b.bridge);
      assert.ok(a.bridge.length <= 15);
      assert.equal(a.bip, `10.${a.a}.0.1/24`);
      assert.deepEqual(a.pools, [{ base: `10.${a.a}.128.0/17`, size: 24 }]);
      assert.equal(a.subnet(5), `10.${a.a}.5.0/24`);
      assert.throws(() => a.subnet(128), RangeError);
      assert.ok(fs.existsSync(`/tmp/pier-test-nets/${a.a}`));
    } finally {
      a.release();
      b.release();
    }
    assert.equal(fs.existsSync(`/tmp/pier-test-nets/${a.a}`), false);
  });

  test('outside namespace: reachable from the host, gone after remove()', () => {
    const space = allocateNetSpace(2);
    const ns = createOutsideNs(`${space.base}.120`, 'pth');
    try {
      sh(['busybox', 'ping', '-c1', '-W2', ns.nsIp]);
      assert.match(ns.exec(['ip', '-4', '-o', 'addr']).stdout, new RegExp(`inet ${ns.nsIp.replace(/\./g, '\\.')}/24`));
    } finally {
      ns.remove();
      space.release();
    }
    assert.equal(linkExists(ns.hostIf), false);
    assert.doesNotMatch(sh(['ip', 'netns', 'list']), new RegExp(ns.name));
  });

  test('leftovers: table, default bridge, recorded br-* and its veths go; others stay', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-h28-root-'));
    const hex = randomBytes(4).toString('hex');
    const id = `${randomBytes(6).toString('hex')}${'0'.repeat(52)}`;
    const def = `ptd${hex}`;
    const user = `br-${id.slice(0, 12)}`;
    const named = `ptn${hex}`;
    const veth = `ptv${hex}`;
    const other = `pto${hex}`;
    const table = `pier-${hex}`;
    try {
      fs.writeFileSync(path.join(root, 'engine-id'), `${hex}-1111-2222-3333-444455556666\n`);
      fs.mkdirSync(path.join(root, 'metadata', 'networks'), { recursive: true });
      fs.writeFileSync(path.join(root, 'metadata', 'networks', `${id}.json`), JSON.stringify({ id, name: 'un1', driver: 'bridge', options: {} }));
      fs.writeFileSync(path.join(root, 'metadata', 'networks', 'x.json'), JSON.stringify({ id: 'f'.repeat(64), name: 'un2', driver: 'bridge', options: { 'com.docker.network.bridge.name': named }, bridge: named }));
      fs.writeFileSync(path.join(root, 'metadata', 'networks', 'h.json'), JSON.stringify({ id: 'e'.repeat(64), name: 'bridge', driver: 'bridge', predefined: true, bridge: other }));
      for (const l of [def, user, named, other]) sh(['ip', 'link', 'add', l, 'type', 'bridge']);
      sh(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`]);
      sh(['ip', 'link', 'set', veth, 'master', user]);
      sh(['nft', '-f', '-'], `table ip ${table} {\n chain c { type nat hook postrouting priority srcnat; }\n}\n`);
      const l = netLeftovers(root, [def]);
      assert.equal(l.table, table);
      assert.deepEqual([...l.links].sort(), [def, user, named].sort());
      const removed = removeNetLeftovers(l);
      assert.ok(removed.includes(`link ${veth}`), removed.join(', '));
      for (const x of [def, user, named, veth]) assert.equal(linkExists(x), false, x);
      assert.equal(nftTableExists(table), false);
      assert.ok(linkExists(other), 'a link the daemon did not record is left alone');
      assert.deepEqual(removeNetLeftovers(l), [], 'idempotent');
    } finally {
      for (const x of [def, user, named, veth, other]) spawnSync('ip', ['link', 'delete', 'dev', x], { stdio: 'ignore' });
      spawnSync('nft', ['delete', 'table', 'ip', table], { stdio: 'ignore' });
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('stop() after a crash leaves no table, bridge, veth or claim of the daemon', { skip: engineMissing() ?? false, timeout: 120_000 }, async (t) => {
    const d = await startDaemon({ name: 'h28crash' });
    let stopped = false;
    try {
      if (!d.net) return t.skip('pierd has no network flags');
      await loadBusybox(d);
      const ok = async (args: string[]) => {
        const r = await runDocker(d, args);
        assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
        return r.stdout.trim();
      };
      const netId = await ok(['network', 'create', 'crashnet']);
      await ok(['run', '-d', '--pull', 'never', '--name', 'crash1', '-p', '127.0.0.1::80', 'busybox', 'sleep', '600']);
      await ok(['run', '-d', '--pull', 'never', '--name', 'crash2', '--network', 'crashnet', 'busybox', 'sleep', '600']);
      const table = nftTableOf(d.dataRoot) ?? '';
      const links = [d.net.bridge, `br-${netId.slice(0, 12)}`];
      assert.ok(nftTableExists(table) && links.every(linkExists));
      await d.kill9();
      await d.stop();
      stopped = true;
      assert.equal(nftTableExists(table), false, `table ${table} left`);
      for (const l of links) assert.equal(linkExists(l), false, `${l} left`);
      assert.equal(fs.existsSync(`/tmp/pier-test-nets/${d.net.a}`), false, 'address space claim released');
    } finally {
      if (!stopped) await d.stop();
    }
  });
});
