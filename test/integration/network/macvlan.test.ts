// Integration: a macvlan network on a parent link the test makes (dummy, or a veth end) — two containers get
// addresses from the given subnet and reach each other; errors for a missing parent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestDaemon } from '../../harness/index.js';
import { linkExists } from '../../harness/net-cleanup.js';
import { SUITE_TIMEOUT, dock, startNetDaemon, type Dock } from './support.js';

describe('network: macvlan on a dummy parent (pierd, docker CLI)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let base = '';
  const parent = `ptmv${randomBytes(3).toString('hex')}`;
  before(async (t) => {
    ({ d, skip } = await startNetDaemon(t as never, 'net-mv'));
    if (skip) return;
    k = dock(d);
    base = d.net?.base ?? '';
    // A dummy link when the kernel has the module, else one end of a veth pair (its peer goes with it).
    const dummy = spawnSync('ip', ['link', 'add', parent, 'type', 'dummy'], { encoding: 'utf8' });
    const steps = dummy.status === 0 ? [] : [['link', 'add', parent, 'type', 'veth', 'peer', 'name', `${parent}p`], ['link', 'set', `${parent}p`, 'up']];
    for (const args of [...steps, ['link', 'set', parent, 'up']]) {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
    }
  });
  after(async () => {
    await d?.stop();
    spawnSync('ip', ['link', 'delete', 'dev', parent], { stdio: 'ignore' });
  });

  test('two containers on one macvlan network ping each other', async (t) => {
    if (skip) return t.skip();
    const subnet = d.net?.subnet(7) ?? '';
    await k.ok(['network', 'create', '-d', 'macvlan', '--subnet', subnet, '--gateway', `${base}.7.1`, '-o', `parent=${parent}`, 'mv1']);
    const n = JSON.parse(await k.ok(['network', 'inspect', 'mv1']))[0];
    assert.equal(n.Driver, 'macvlan');
    assert.equal(n.Options.parent, parent);
    assert.equal(n.IPAM.Config[0].Subnet, subnet);
    await k.start('m1', ['--network', 'mv1']);
    await k.start('m2', ['--network', 'mv1', '--ip', `${base}.7.20`]);
    const ip1 = await k.ipOf('m1', 'mv1');
    assert.match(ip1, new RegExp(`^${base.replace('.', '\\.')}\\.7\\.\\d+$`));
    assert.equal(await k.ipOf('m2', 'mv1'), `${base}.7.20`);
    const pid = await k.inspect('m1', '{{.State.Pid}}');
    const link = spawnSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', '-d', '-o', 'link', 'show', 'eth0'], { encoding: 'utf8' }).stdout;
    assert.match(link, /macvlan mode bridge/, link);
    const p = await k.sh('m1', `ping -c1 -W2 ${base}.7.20`);
    assert.equal(p.code, 0, `${p.stdout}${p.stderr}`);
    assert.equal((await k.sh('m2', `ping -c1 -W2 ${ip1}`)).code, 0);
    assert.match((await k.sh('m1', 'ip -4 route')).stdout, new RegExp(`default via ${base.replace('.', '\\.')}\\.7\\.1`));
    // The macvlan interfaces live in the containers: nothing new on the host but the parent.
    const hostLinks = spawnSync('ip', ['-o', 'link', 'show', 'type', 'macvlan'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(hostLinks, new RegExp(`@${parent}:`), 'no macvlan link left in the host namespace');
    await k.ok(['rm', '-f', 'm1', 'm2']);
    await k.ok(['network', 'rm', 'mv1']);
    assert.ok(linkExists(parent), 'the parent link is not ours to delete');
  });

  test('a missing parent and a bad mode are refused', async (t) => {
    if (skip) return t.skip();
    const bad = await k.run(['network', 'create', '-d', 'macvlan', '--subnet', d.net?.subnet(8) ?? '', '-o', 'parent=ptmvnosuch0', 'mvbad']);
    if (bad.code === 0) {
      // Docker creates the network and fails at container start instead; either is acceptable.
      const r = await k.run(['run', '--rm', '--network', 'mvbad', 'busybox', 'true']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /ptmvnosuch0/);
      await k.ok(['network', 'rm', 'mvbad']);
    } else {
      assert.match(bad.stderr, /ptmvnosuch0/);
    }
    const mode = await k.fails(['network', 'create', '-d', 'macvlan', '--subnet', d.net?.subnet(9) ?? '', '-o', `parent=${parent}`, '-o', 'macvlan_mode=bogus', 'mvbad2']);
    assert.match(mode, /macvlan_mode|bogus/);
  });
});
