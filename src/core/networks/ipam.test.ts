import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddressPool,
  DEFAULT_ADDRESS_POOLS,
  cidrContains,
  cidrOverlaps,
  cidrString,
  formatIPv4,
  macForIp,
  parseCidr,
  parseIPv4,
  pickSubnet,
  type Cidr,
} from './ipam.js';

const ip = (s: string) => parseIPv4(s)!;
const cidr = (s: string): Cidr => parseCidr(s)!.cidr;

test('parseIPv4/formatIPv4 round trip and rejects', () => {
  assert.equal(formatIPv4(ip('172.17.0.1')), '172.17.0.1');
  assert.equal(formatIPv4(ip('255.255.255.255')), '255.255.255.255');
  assert.equal(formatIPv4(ip('0.0.0.0')), '0.0.0.0');
  for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '01.2.3.4', '', '::1', '1.2.3.4/8']) {
    assert.equal(parseIPv4(bad), undefined, bad);
  }
});

test('parseCidr masks and keeps the written address', () => {
  const p = parseCidr('172.18.5.7/16')!;
  assert.equal(formatIPv4(p.addr), '172.18.5.7');
  assert.equal(cidrString(p.cidr), '172.18.0.0/16');
  assert.equal(cidrString(parseCidr('10.0.0.0/0')!.cidr), '0.0.0.0/0');
  assert.equal(cidrString(parseCidr('10.1.2.3/32')!.cidr), '10.1.2.3/32');
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0/8', 'x/8', '10.0.0.0/']) assert.equal(parseCidr(bad), undefined, bad);
});

test('contains and overlaps', () => {
  assert.ok(cidrContains(cidr('10.0.0.0/8'), ip('10.255.255.255')));
  assert.ok(!cidrContains(cidr('10.0.0.0/8'), ip('11.0.0.0')));
  assert.ok(cidrOverlaps(cidr('10.0.0.0/8'), cidr('10.1.0.0/16')));
  assert.ok(cidrOverlaps(cidr('10.1.0.0/16'), cidr('10.0.0.0/8')));
  assert.ok(!cidrOverlaps(cidr('10.1.0.0/16'), cidr('10.2.0.0/16')));
  assert.ok(cidrOverlaps(cidr('0.0.0.0/0'), cidr('192.168.1.0/24')));
});

test('macForIp is Docker rule', () => {
  assert.equal(macForIp(ip('172.19.0.2')), '02:42:ac:13:00:02');
});

test('pickSubnet: first free default pool avoiding taken prefixes', () => {
  assert.equal(cidrString(pickSubnet(DEFAULT_ADDRESS_POOLS, [])!), '172.17.0.0/16');
  assert.equal(cidrString(pickSubnet(DEFAULT_ADDRESS_POOLS, [cidr('172.17.0.0/16')])!), '172.18.0.0/16');
  // a host route inside 172.18 makes the whole /16 unusable
  assert.equal(cidrString(pickSubnet(DEFAULT_ADDRESS_POOLS, [cidr('172.17.0.0/16'), cidr('172.18.3.0/24')])!), '172.19.0.0/16');
  // 172.20.0.0/14 is split into /16s
  const t = ['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16', '172.20.0.0/16'].map(cidr);
  assert.equal(cidrString(pickSubnet(DEFAULT_ADDRESS_POOLS, t)!), '172.21.0.0/16');
  // everything in 172.16/12 taken → 192.168.0.0/20, then /20 steps
  assert.equal(cidrString(pickSubnet(DEFAULT_ADDRESS_POOLS, [cidr('172.16.0.0/12')])!), '192.168.0.0/20');
  assert.equal(cidrString(pickSubnet(DEFAULT_ADDRESS_POOLS, [cidr('172.16.0.0/12'), cidr('192.168.0.0/19')])!), '192.168.32.0/20');
  assert.equal(pickSubnet(DEFAULT_ADDRESS_POOLS, [cidr('172.16.0.0/12'), cidr('192.168.0.0/16')]), undefined);
});

test('pickSubnet: custom pools, skips invalid entries, walks every candidate', () => {
  const pools = [{ base: 'bad', size: 24 }, { base: '10.10.0.0/16', size: 8 }, { base: '10.10.0.0/22', size: 24 }];
  assert.equal(cidrString(pickSubnet(pools, [])!), '10.10.0.0/24');
  assert.equal(cidrString(pickSubnet(pools, [cidr('10.10.0.0/24'), cidr('10.10.2.0/24')])!), '10.10.1.0/24');
  assert.equal(cidrString(pickSubnet(pools, [cidr('10.10.0.0/23'), cidr('10.10.2.0/24')])!), '10.10.3.0/24');
  assert.equal(pickSubnet(pools, [cidr('10.10.0.0/22')]), undefined);
});

test('pool: reserves network, broadcast, gateway and aux; allocates sequentially', () => {
  const pool = new AddressPool({ subnet: cidr('10.0.0.0/29'), reserved: [ip('10.0.0.1'), ip('10.0.0.4')] });
  const got: string[] = [];
  for (;;) {
    const a = pool.allocate();
    if (a === undefined) break;
    got.push(formatIPv4(a));
  }
  assert.deepEqual(got, ['10.0.0.2', '10.0.0.3', '10.0.0.5', '10.0.0.6']);
  assert.equal(pool.allocatedCount, 4);
});

test('pool: a freed address is not reused before the range wraps', () => {
  const pool = new AddressPool({ subnet: cidr('10.0.0.0/29'), reserved: [ip('10.0.0.1')] });
  const a = pool.allocate()!; // .2
  const b = pool.allocate()!; // .3
  pool.release(a);
  assert.equal(formatIPv4(pool.allocate()!), '10.0.0.4');
  assert.equal(formatIPv4(pool.allocate()!), '10.0.0.5');
  assert.equal(formatIPv4(pool.allocate()!), '10.0.0.6');
  // wraps to the freed .2
  assert.equal(formatIPv4(pool.allocate()!), '10.0.0.2');
  assert.equal(pool.allocate(), undefined);
  pool.release(b);
  assert.equal(formatIPv4(pool.allocate()!), '10.0.0.3');
});

test('pool: ip-range restricts dynamic allocation, statics may lie outside it', () => {
  const pool = new AddressPool({ subnet: cidr('10.1.0.0/24'), range: cidr('10.1.0.128/30'), reserved: [ip('10.1.0.1')] });
  assert.equal(formatIPv4(pool.allocate()!), '10.1.0.128');
  assert.equal(pool.allocateStatic(ip('10.1.0.50')), 'ok');
  assert.equal(pool.allocateStatic(ip('10.1.0.50')), 'in-use');
  assert.equal(pool.allocateStatic(ip('10.1.0.1')), 'in-use'); // gateway
  assert.equal(pool.allocateStatic(ip('10.1.0.255')), 'in-use'); // broadcast
  assert.equal(pool.allocateStatic(ip('10.1.1.1')), 'outside');
  assert.equal(formatIPv4(pool.allocate()!), '10.1.0.129');
  assert.equal(pool.allocateStatic(ip('10.1.0.130')), 'ok'); // static inside the range is skipped by dynamic
  assert.equal(formatIPv4(pool.allocate()!), '10.1.0.131');
  assert.equal(pool.allocate(), undefined);
});

test('pool: fixed-cidr style range starting at the subnet base skips the network address', () => {
  const pool = new AddressPool({ subnet: cidr('172.17.0.0/16'), range: cidr('172.17.0.0/24'), reserved: [ip('172.17.0.1')] });
  assert.equal(formatIPv4(pool.allocate()!), '172.17.0.2');
});

test('pool: range outside the subnet is refused', () => {
  assert.throws(() => new AddressPool({ subnet: cidr('10.0.0.0/24'), range: cidr('10.0.1.0/25') }), RangeError);
});

test('pool: /31 and /32 have no network/broadcast reservation', () => {
  const p31 = new AddressPool({ subnet: cidr('10.0.0.0/31') });
  assert.equal(formatIPv4(p31.allocate()!), '10.0.0.0');
  assert.equal(formatIPv4(p31.allocate()!), '10.0.0.1');
  assert.equal(p31.allocate(), undefined);
});

test('pool: exhaustion of a /24 after 253 containers (gateway .1)', () => {
  const pool = new AddressPool({ subnet: cidr('192.168.5.0/24'), reserved: [ip('192.168.5.1')] });
  let n = 0;
  while (pool.allocate() !== undefined) n++;
  assert.equal(n, 253);
});
