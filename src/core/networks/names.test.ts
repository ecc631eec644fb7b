import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NameTable } from './names.js';
import type { EndpointState } from './index.js';

function ep(containerId: string, name: string, networkId: string, ipv4: string, extra: Partial<EndpointState> = {}): EndpointState {
  return {
    networkId,
    networkName: networkId === 'n1' ? 'front' : 'back',
    endpointId: 'e'.repeat(64),
    containerId,
    containerName: name,
    driver: 'bridge',
    ifname: 'eth0',
    mac: '02:42:00:00:00:00',
    ipv4,
    prefixLen: 24,
    gateway: '10.0.0.1',
    ipamConfig: null,
    aliases: [],
    dnsNames: [name, ...(extra.aliases ?? []), containerId.slice(0, 12)],
    links: [],
    ...extra,
  };
}

test('names are seen only from containers on the same network', () => {
  const t = new NameTable();
  t.add(ep('a'.repeat(64), 'web', 'n1', '10.0.1.2'));
  t.add(ep('b'.repeat(64), 'db', 'n2', '10.0.2.2'));
  t.add(ep('c'.repeat(64), 'app', 'n1', '10.0.1.3'));
  t.add(ep('c'.repeat(64), 'app', 'n2', '10.0.2.3'));
  assert.deepEqual(t.lookup('10.0.1.3', 'web'), ['10.0.1.2']);
  assert.deepEqual(t.lookup('10.0.2.3', 'db'), ['10.0.2.2']);
  assert.equal(t.lookup('10.0.1.2', 'db'), undefined, 'web is not on back');
  assert.deepEqual(t.lookup('10.0.2.2', 'app'), ['10.0.2.3'], 'the address on the asker\'s network');
  assert.deepEqual(t.lookup('10.0.1.3', 'web.front'), ['10.0.1.2']);
  assert.equal(t.lookup('10.0.1.3', 'web.back'), undefined);
  assert.deepEqual(t.lookup('10.0.1.3', 'a'.repeat(12)), ['10.0.1.2']);
  assert.equal(t.reverse('10.0.1.3', '10.0.1.2'), 'web.front');
  assert.equal(t.reverse('10.0.1.2', '10.0.2.2'), undefined);
  t.remove('a'.repeat(64), 'n1');
  assert.equal(t.lookup('10.0.1.3', 'web'), undefined);
  assert.equal(t.lookup('10.0.1.2', 'app'), undefined, 'a removed container asks nothing');
});

test('an alias held by several containers rotates', () => {
  const t = new NameTable();
  t.add(ep('a'.repeat(64), 'x1', 'n1', '10.0.1.2', { aliases: ['pool'] }));
  t.add(ep('b'.repeat(64), 'x2', 'n1', '10.0.1.3', { aliases: ['pool'] }));
  t.add(ep('c'.repeat(64), 'x3', 'n1', '10.0.1.4', { aliases: ['pool'] }));
  const firsts = [0, 1, 2, 3].map(() => t.lookup('10.0.1.2', 'POOL')!);
  assert.deepEqual(firsts[0], ['10.0.1.2', '10.0.1.3', '10.0.1.4']);
  assert.deepEqual(firsts[1], ['10.0.1.3', '10.0.1.4', '10.0.1.2']);
  assert.deepEqual(firsts[2], ['10.0.1.4', '10.0.1.2', '10.0.1.3']);
  assert.deepEqual(firsts[3], firsts[0]);
});

test('link aliases are the asking container\'s own', () => {
  const t = new NameTable();
  t.add(ep('a'.repeat(64), 'db', 'n1', '10.0.1.2'));
  t.add(ep('b'.repeat(64), 'app', 'n1', '10.0.1.3', { links: ['db:database'] }));
  assert.deepEqual(t.lookup('10.0.1.3', 'database'), ['10.0.1.2']);
  assert.equal(t.lookup('10.0.1.2', 'database'), undefined);
});

test('per-container upstreams', () => {
  const t = new NameTable();
  t.add(ep('a'.repeat(64), 'a', 'n1', '10.0.1.2'));
  t.setUpstreams('a'.repeat(64), ['192.0.2.1']);
  assert.deepEqual(t.upstreamsFor('10.0.1.2', ['h']), ['192.0.2.1']);
  assert.deepEqual(t.upstreamsFor('10.0.1.9', ['h']), ['h']);
  assert.deepEqual(t.upstreamsFor(undefined, ['h']), ['h']);
  t.setUpstreams('a'.repeat(64), undefined);
  assert.deepEqual(t.upstreamsFor('10.0.1.2', ['h']), ['h']);
});
