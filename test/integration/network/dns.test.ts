// Integration: the embedded DNS of user networks through a real pierd — local answers (A for a
// container name, empty NOERROR AAAA), forwarding of other names to a container's --dns
// servers and to the host's resolv.conf nameservers (a tiny DNS server the test runs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as packet from 'dns-packet';
import { repoRoot, type TestDaemon } from '../../harness/index.js';
import { pierdUnderTest } from '../../harness/daemon.js';
import { SUITE_TIMEOUT, dock, startNetDaemon, tinyDns, type Dock, type TinyDns } from './support.js';

const execFileP = promisify(execFile);

/** The answer of one query sent from inside the network namespace of `pid` (Node + dns-packet there). */
async function queryIn(pid: number, server: string, name: string, type: 'A' | 'AAAA'): Promise<{ rcode?: string; answers?: { type: string; data: unknown }[]; timeout?: boolean }> {
  const code = `const p=require('dns-packet'),s=require('dgram').createSocket('udp4');
s.on('message',m=>{const r=p.decode(m);console.log(JSON.stringify({rcode:r.rcode,answers:(r.answers||[]).map(a=>({type:a.type,data:a.data}))}));process.exit(0)});
setTimeout(()=>{console.log('{"timeout":true}');process.exit(0)},6000);
s.send(p.encode({type:'query',id:4321,flags:p.RECURSION_DESIRED,questions:[{type:${JSON.stringify(type)},name:${JSON.stringify(name)}}]}),53,${JSON.stringify(server)});`;
  const { stdout } = await execFileP('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', code], {
    env: { ...process.env, NODE_PATH: path.join(repoRoot(), 'node_modules') },
    timeout: 15_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

/** The flag this pierd takes for the host resolv.conf path, if any (`--resolv-conf`). */
function resolvConfFlag(): string | undefined {
  const r = spawnSync(process.execPath, [pierdUnderTest(), '--help'], { encoding: 'utf8' });
  return /--resolv-conf\b/.test(r.stdout ?? '') ? '--resolv-conf' : undefined;
}

describe('network: embedded DNS answers and forwarding (pierd)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let base = '';
  let hostDns: TinyDns | undefined;
  let gwDns: TinyDns | undefined;
  let tmp = '';
  const flag = resolvConfFlag();
  before(async (t) => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-dns-'));
    const args: string[] = [];
    if (flag) {
      // A loopback nameserver only this test uses.
      for (let i = 0; i < 20 && !hostDns; i++) {
        const addr = `127.0.${53 + Math.floor(Math.random() * 150)}.${2 + Math.floor(Math.random() * 250)}`;
        hostDns = await tinyDns(addr, { 'host-fwd.test': '10.9.9.8' }).catch(() => undefined);
        if (hostDns) {
          fs.writeFileSync(path.join(tmp, 'resolv.conf'), `nameserver ${addr}\noptions timeout:1\n`);
          args.push(flag, path.join(tmp, 'resolv.conf'));
        }
      }
    }
    ({ d, skip } = await startNetDaemon(t as never, 'net-dns', { args }));
    if (skip) return;
    k = dock(d);
    base = d.net?.base ?? '';
    // The default bridge has no embedded DNS: its gateway is free for the --dns upstream.
    gwDns = await tinyDns(`${base}.0.1`, { 'outside.test': '10.9.9.9' });
    await k.ok(['network', 'create', 'dn1']);
  });
  after(async () => {
    await d?.stop();
    hostDns?.close();
    gwDns?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('local names: A for a container, empty NOERROR AAAA, never forwarded', async (t) => {
    if (skip) return t.skip();
    await k.start('da', ['--network', 'dn1']);
    await k.start('db', ['--network', 'dn1', '--dns', `${base}.0.1`]);
    const gw = JSON.parse(await k.ok(['network', 'inspect', 'dn1']))[0].IPAM.Config[0].Gateway as string;
    const pid = Number(await k.inspect('db', '{{.State.Pid}}'));
    const a = await queryIn(pid, gw, 'da', 'A');
    assert.deepEqual(a, { rcode: 'NOERROR', answers: [{ type: 'A', data: await k.ipOf('da') }] });
    const aaaa = await queryIn(pid, gw, 'da', 'AAAA');
    assert.deepEqual(aaaa, { rcode: 'NOERROR', answers: [] });
    assert.ok(!gwDns?.asked.some((q) => / da$/.test(q)), `forwarded: ${gwDns?.asked.join(', ')}`);
  });

  test('--dns servers are the upstreams of the embedded DNS; resolv.conf keeps the gateway', async (t) => {
    if (skip) return t.skip();
    const gw = JSON.parse(await k.ok(['network', 'inspect', 'dn1']))[0].IPAM.Config[0].Gateway as string;
    const rc = (await k.sh('db', 'cat /etc/resolv.conf')).stdout;
    assert.match(rc, new RegExp(`^nameserver ${gw.replace(/\./g, '\\.')}$`, 'm'));
    assert.doesNotMatch(rc, new RegExp(`nameserver ${base.replace('.', '\\.')}\\.0\\.1$`, 'm'));
    const out = await k.sh('db', 'nslookup -type=a outside.test');
    assert.match(out.stdout, /^Address:\s*10\.9\.9\.9$/m, `${out.stdout}${out.stderr}\n${d.logs().split('\n').filter((l) => /dns/i.test(l)).slice(-10).join('\n')}`);
    assert.ok(gwDns?.asked.includes('A outside.test'), gwDns?.asked.join(', '));
    const pid = Number(await k.inspect('db', '{{.State.Pid}}'));
    assert.equal((await queryIn(pid, gw, 'missing.test', 'A')).rcode, 'NXDOMAIN');
  });

  test('other names go to the host\'s resolv.conf nameservers', async (t) => {
    if (skip) return t.skip();
    if (!flag || !hostDns) return t.skip('pierd has no --resolv-conf option (the network service\'s resolvConf is not exposed): cannot point it at a test nameserver without editing /etc/resolv.conf');
    await k.start('dc', ['--network', 'dn1']);
    const out = await k.sh('dc', 'nslookup -type=a host-fwd.test');
    assert.match(out.stdout, /^Address:\s*10\.9\.9\.8$/m, `${out.stdout}${out.stderr}`);
    assert.ok(hostDns.asked.includes('A host-fwd.test'));
    // On the default bridge (no embedded DNS) a loopback nameserver of the host is useless:
    // Docker drops it and falls back to its public defaults (only read here, never queried).
    const rc = await k.ok(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.doesNotMatch(rc, /^nameserver 127\./m, rc);
    assert.match(rc, /^nameserver 8\.8\.8\.8$/m, rc);
    // Host network mode copies the host's file as it is.
    assert.match(await k.ok(['run', '--rm', '--network', 'host', 'busybox', 'cat', '/etc/resolv.conf']), /^nameserver 127\./m);
  });
});
