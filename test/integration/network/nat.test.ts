// Integration: outbound NAT through a real pierd — containers on the default bridge and on a
// user network reach an "outside" namespace the test makes (which has no route back to the
// container subnets, so only masquerade can make it work); an --internal network cannot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestDaemon } from '../../harness/index.js';
import { createOutsideNs, type OutsideNs } from '../../harness/outside-ns.js';
import { SUITE_TIMEOUT, dock, forwardBlocked, startNetDaemon, type Dock } from './support.js';

describe('network: NAT to an outside namespace (pierd, docker CLI)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let out: OutsideNs | undefined;
  let www = '';
  before(async (t) => {
    ({ d, skip } = await startNetDaemon(t as never, 'net-nat'));
    if (skip) return;
    const blocked = forwardBlocked();
    if (blocked) {
      process.stderr.write(`# skip: ${blocked}\n`);
      await d.stop();
      skip = true;
      return;
    }
    k = dock(d);
    out = createOutsideNs(`${d.net?.base}.120`, 'ptn');
    www = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-nat-www-'));
    fs.writeFileSync(path.join(www, 'index.html'), 'outside\n');
    out.spawn(['busybox', 'httpd', '-f', '-p', '8080', '-h', www]);
  });
  after(async () => {
    await d?.stop();
    out?.remove();
    if (www) fs.rmSync(www, { recursive: true, force: true });
  });
  const fetchOut = (ctr: string) => k.sh(ctr, `for i in $(seq 1 15); do timeout 2 wget -qO- http://${out?.nsIp}:8080/ && exit 0; sleep 0.2; done; exit 1`);

  test('the outside namespace is reachable from the host (sanity) and not routed back', () => {
    if (skip) return;
    assert.equal(out?.exec(['busybox', 'ping', '-c1', '-W2', out.hostIp]).status, 0);
    assert.doesNotMatch(out?.exec(['ip', '-4', 'route']).stdout ?? '', /default|10\.\d+\.0\.0/);
  });

  test('default bridge: ping and HTTP to the outside, masqueraded to the host\'s address', async (t) => {
    if (skip) return t.skip();
    await k.start('n1', []);
    const ping = await k.sh('n1', `ping -c1 -W2 ${out?.nsIp}`);
    assert.equal(ping.code, 0, `${ping.stdout}${ping.stderr}`);
    const r = await fetchOut('n1');
    assert.equal(r.stdout, 'outside\n', r.stderr);
    // (The outside has no route to the container subnets: only masquerade makes replies arrive.)
  });

  test('user network: the same, and --internal cannot get out', async (t) => {
    if (skip) return t.skip();
    await k.ok(['network', 'create', 'natnet']);
    await k.start('n2', ['--network', 'natnet']);
    assert.equal((await fetchOut('n2')).stdout, 'outside\n');
    await k.ok(['network', 'create', '--internal', 'natint']);
    await k.start('n3', ['--network', 'natint']);
    assert.notEqual((await k.sh('n3', `ping -c1 -W1 ${out?.nsIp}`)).code, 0);
    assert.notEqual((await k.sh('n3', `timeout 2 wget -qO- http://${out?.nsIp}:8080/`)).code, 0);
    await k.ok(['rm', '-f', 'n1', 'n2', 'n3']);
    await k.ok(['network', 'rm', 'natnet', 'natint']);
  });
});
