import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../lib/exec.js';
import { nullLogger } from '../../lib/log.js';
import { createFirewall, runNft } from './firewall.js';
import type { FirewallState } from './parts.js';

const skip = process.getuid?.() !== 0 ? 'needs root (nft)' : false;
const table = `pier-u${process.pid.toString(16)}`;
const fw = createFirewall({ log: nullLogger }, { table });
after(() => fw.destroy());

function state(port: number): FirewallState {
  return {
    networks: [{ bridge: 'h24unit0', subnet: '10.124.200.0/24', internal: false, masquerade: true, icc: true }],
    ports: [{ proto: 'tcp', hostIp: '', hostPort: port, containerIp: '10.124.200.2', containerPort: 80, bridge: 'h24unit0' }],
    dnsRedirects: [],
  };
}

async function listed(): Promise<string | undefined> {
  const r = await run('nft', ['list', 'table', 'ip', table]);
  return r.code === 0 ? r.stdout : undefined;
}

test('apply creates the table, a second apply replaces it', { skip }, async () => {
  const t0 = performance.now();
  await fw.apply(state(10001));
  const ms = performance.now() - t0;
  assert.match((await listed())!, /tcp dport 10001 counter packets 0 bytes 0 dnat to 10\.124\.200\.2:80/);
  await fw.apply(state(10002));
  const text = (await listed())!;
  assert.match(text, /tcp dport 10002 /);
  assert.doesNotMatch(text, /tcp dport 10001 /);
  console.log(`# firewall apply: ${ms.toFixed(1)} ms`);
});

test('concurrent applies all settle and the last state wins', { skip }, async () => {
  await Promise.all([10, 11, 12, 13, 14, 15].map((i) => fw.apply(state(11000 + i))));
  const text = (await listed())!;
  assert.match(text, /tcp dport 11015 /);
  assert.equal(text.match(/dport 110\d\d/g)?.length, 1);
});

test('a malformed state rejects with Internal and leaves the table as it was', { skip }, async () => {
  await fw.apply(state(12000));
  const bad = state(12001);
  bad.networks[0]!.bridge = 'bad name';
  await assert.rejects(fw.apply(bad), (e: Error & { kind?: string }) => e.kind === 'Internal');
  assert.match((await listed())!, /tcp dport 12000 /);
});

test('destroy removes the table and is idempotent', { skip }, async () => {
  await fw.apply(state(13000));
  await fw.destroy();
  assert.equal(await listed(), undefined);
  await fw.destroy();
});

test('runNft: resolves once committed (the table is live at once); nft errors reject with Internal', { skip }, async () => {
  const t = `${table}x`;
  await runNft(`table ip ${t} {\n\tchain c {\n\t\ttcp dport 4242 accept\n\t}\n}\n`);
  assert.match((await run('nft', ['list', 'table', 'ip', t])).stdout, /tcp dport 4242 accept/);
  await assert.rejects(runNft(`table ip ${t} {\n\tchain c {\n\t\ttcp dport 4242 frobnicate\n\t}\n}\n`), (e: Error & { kind?: string }) =>
    e.kind === 'Internal' && /^nft: .*syntax error/s.test(e.message));
  await runNft(`delete table ip ${t}\n`);
  assert.equal((await run('nft', ['list', 'table', 'ip', t])).code !== 0, true);
});
