import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchWord, createNetKernel, ipMessage, parseProcNetDev, parseRoutes } from './kernel.js';
import { nullLogger } from '../../lib/log.js';

test('ipMessage drops the batch trailer and joins lines', () => {
  assert.equal(ipMessage('RTNETLINK answers: File exists\nCommand failed -:1\n'), 'RTNETLINK answers: File exists');
  assert.equal(ipMessage('Error: argument "x" is wrong\nCommand failed -:2\n'), 'Error: argument "x" is wrong');
  assert.equal(ipMessage('', ''), 'ip failed');
  assert.equal(ipMessage('', 'out only'), 'out only');
});

test('batchWord refuses words that could break a batch line', () => {
  assert.equal(batchWord('name', 'veth1234abc'), 'veth1234abc');
  assert.equal(batchWord('cidr', '172.17.0.2/16'), '172.17.0.2/16');
  assert.equal(batchWord('mac', '02:42:ac:11:00:02'), '02:42:ac:11:00:02');
  for (const bad of ['', 'a b', 'x\nlink del eth0', 'a"b', "a'b", 'tab\there']) {
    assert.throws(() => batchWord('name', bad), (e: Error & { kind?: string }) => e.kind === 'Internal');
  }
});

test('parseProcNetDev lists interface names', () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  123 4 0 0 0 0 0 0 123 4 0 0 0 0 0 0
  eth0: 99 1 0 0 0 0 0 0 99 1 0 0 0 0 0 0
br-0123456789ab: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;
  assert.deepEqual(parseProcNetDev(text), ['lo', 'eth0', 'br-0123456789ab']);
});

test('parseRoutes keeps IPv4 destinations in CIDR form without default/broadcast', () => {
  const json = JSON.stringify([
    { dst: 'default', gateway: '192.0.2.1', dev: 'eth0' },
    { dst: '192.0.2.0/24', dev: 'eth0' },
    { type: 'local', dst: '192.0.2.2', dev: 'eth0', table: 'local' },
    { type: 'broadcast', dst: '192.0.2.255', dev: 'eth0', table: 'local' },
    { type: 'local', dst: '127.0.0.0/8', dev: 'lo', table: 'local' },
    { dst: '192.0.2.0/24', dev: 'eth0', table: 'other' },
    { type: 'blackhole', dst: '10.9.0.0/16' },
  ]);
  assert.deepEqual(parseRoutes(json), ['192.0.2.0/24', '192.0.2.2/32', '127.0.0.0/8', '10.9.0.0/16']);
  assert.deepEqual(parseRoutes('not json'), []);
});

test('linkExists and listLinks read the own namespace without spawning', async () => {
  const k = createNetKernel({ log: nullLogger });
  assert.equal(await k.linkExists('lo'), true);
  assert.equal(await k.linkExists('nosuchlink0'), false);
  assert.deepEqual(await k.listLinks('lo'), ['lo']);
  assert.deepEqual(await k.listLinks('nosuchprefix'), []);
});

test('addMacvlan on a missing parent is NotFound with Docker\'s message', async () => {
  const k = createNetKernel({ log: nullLogger });
  await assert.rejects(
    k.addMacvlan({ netns: '/proc/self/ns/net', parent: 'nosuchpar0', mode: 'bridge', ifname: 'eth9', mac: '02:42:0a:00:00:02', cidr: '10.0.0.2/24', mtu: 1500 }),
    (e: Error & { kind?: string }) => e.kind === 'NotFound' && e.message === '-o parent interface was not found on the host: nosuchpar0',
  );
});

test('deleteLink and deleteInContainer never throw', async () => {
  const k = createNetKernel({ log: nullLogger });
  await k.deleteLink('nosuchlink0');
  await k.deleteLink('bad name');
  await k.deleteInContainer(`/proc/${2 ** 22 + 7}/ns/net`, 'eth0');
});

test('sysctl refuses paths leaving /proc/sys and never throws', async () => {
  const k = createNetKernel({ log: nullLogger });
  await k.sysctl('../../etc/passwd', 'x');
  await k.sysctl('net/ipv4/conf/nosuchlink0/route_localnet', '1');
});
