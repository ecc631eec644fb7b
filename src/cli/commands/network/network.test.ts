import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipamConfig, parseCidr, parseIp, type IpamFlags } from './ipam.js';
import { networkFields } from './fields.js';
import { goTimeString as goTimeOf } from '../../format/index.js';
import { connectEndpoint, driverOpts } from './connect.js';
import { stringsFlag } from './create.js';
import type { NetworkInspect } from '../../../api/network-types.js';

const none: IpamFlags = { subnets: [], ipRanges: [], gateways: [], auxAddresses: {} };

test('addresses parse like Go net.ParseIP / ParseCIDR', () => {
  assert.deepEqual([...parseIp('10.1.2.3')!], [10, 1, 2, 3]);
  assert.equal(parseIp('010.0.0.1'), undefined);
  assert.equal(parseIp('bar'), undefined);
  assert.equal(parseIp('fd00::1')!.length, 16);
  assert.equal(parseIp('fd00::1')![15], 1);
  assert.deepEqual([...parseIp('::ffff:10.0.0.1')!.slice(10)], [255, 255, 10, 0, 0, 1]);
  assert.equal(parseCidr('10.0.0.0/8').bits, 8);
  assert.throws(() => parseCidr('10.0.0.1/33'), /^CliError: invalid CIDR address: 10.0.0.1\/33$/);
  assert.throws(() => parseCidr('foo'), /invalid CIDR address: foo/);
});

test('IPAM config from the flags, docker order of checks and messages', () => {
  assert.deepEqual(ipamConfig(none), []);
  // A lone subnet is not parsed by the CLI (the daemon judges it).
  assert.deepEqual(ipamConfig({ ...none, subnets: ['foo'] }), [{ Subnet: 'foo' }]);
  assert.deepEqual(
    ipamConfig({ subnets: ['10.5.0.0/16', '10.6.0.0/24'], ipRanges: ['10.5.1.0/24'], gateways: ['10.5.0.1'], auxAddresses: { a: '10.5.0.5', b: '10.6.0.7' } }),
    [
      { Subnet: '10.5.0.0/16', IPRange: '10.5.1.0/24', Gateway: '10.5.0.1', AuxiliaryAddresses: { a: '10.5.0.5' } },
      { Subnet: '10.6.0.0/24', AuxiliaryAddresses: { b: '10.6.0.7' } },
    ],
  );
  assert.deepEqual(ipamConfig({ ...none, subnets: ['fd00::/64'], gateways: ['fd00::1'] }), [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }]);
  const err = (f: Partial<IpamFlags>, re: RegExp) => assert.throws(() => ipamConfig({ ...none, ...f }), re);
  err({ gateways: ['10.0.0.1'] }, /^CliError: every ip-range or gateway must have a corresponding subnet$/);
  err({ subnets: ['10.0.0.0/8', '10.1.0.0/16'] }, /multiple overlapping subnet configuration is not supported/);
  err({ subnets: ['10.0.0.0/8'], ipRanges: ['11.0.0.0/24'] }, /no matching subnet for range 11.0.0.0\/24/);
  err({ subnets: ['10.0.0.0/8'], ipRanges: ['foo'] }, /: invalid CIDR address: foo$/);
  err({ subnets: ['10.0.0.0/8'], gateways: ['bar'] }, /no matching subnet for gateway bar/);
  err({ subnets: ['10.0.0.0/8', '11.0.0.0/8'], gateways: ['10.0.0.1', '10.0.0.2'] }, /cannot configure multiple gateways \(10.0.0.2, 10.0.0.1\) for the same subnet \(10.0.0.0\/8\)/);
  err({ subnets: ['10.0.0.0/8', '11.0.0.0/8'], ipRanges: ['10.1.0.0/16', '10.2.0.0/16'] }, /cannot configure multiple ranges \(10.2.0.0\/16, 10.1.0.0\/16\) on the same subnet/);
  err({ subnets: ['10.0.0.0/8'], auxAddresses: { '11.0.0.1': '' } }, /^CliError: no matching subnet for aux-address $/);
  err({ subnets: ['10.0.0.0/8', 'bad'] }, /invalid subnet: invalid CIDR address: bad/);
});

test('network ls fields', () => {
  const n = {
    Name: 'n', Id: 'ab'.repeat(32), Created: '2026-11-22T16:00:00.120Z', Scope: 'local', Driver: 'bridge', EnableIPv6: true,
    Internal: false, Labels: { z: '1', a: '2' },
  } as unknown as NetworkInspect;
  const f = networkFields(n, false);
  assert.equal(f.ID, 'abababababab');
  assert.equal(networkFields(n, true).ID, n.Id);
  assert.equal(f.CreatedAt, '2026-11-22 16:00:00.12 +0000 UTC');
  assert.equal(f.IPv4, 'false');
  assert.equal(f.IPv6, 'true');
  assert.equal(f.Labels, 'a=2,z=1');
  assert.equal((f.Label as (k: string) => string)('z'), '1');
  assert.equal(goTimeOf('2026-11-22T16:00:00Z'), '2026-11-22 16:00:00 +0000 UTC');
  assert.equal(goTimeOf('2026-11-22T16:00:00.5+01:00'), '2026-11-22 16:00:00.5 +0100 +0100');
});

test('connect endpoint settings as docker 28 sends them', () => {
  const ep = connectEndpoint({ ip: '1.2.3.4', alias: ['a', 'b,c'], link: ['x:y'], 'driver-opt': ['k=v', 'a=b'], 'gw-priority': 5 });
  assert.deepEqual(ep.IPAMConfig, { IPv4Address: '1.2.3.4' });
  assert.deepEqual(ep.Aliases, ['a', 'b', 'c']);
  assert.deepEqual(ep.Links, ['x:y']);
  assert.deepEqual(Object.keys(ep.DriverOpts!), ['a', 'k']);
  assert.equal(ep.GwPriority, 5);
  const bare = connectEndpoint({});
  assert.deepEqual(bare.IPAMConfig, {});
  assert.equal(bare.Links, null);
  assert.deepEqual(bare.Aliases, []);
  assert.throws(() => driverOpts(['x']), /invalid key\/value pair format in driver options/);
  assert.deepEqual(stringsFlag(['a,"b,c"', '']), ['a', 'b,c']);
});

test('network template data follows docker 28 struct', async () => {
  const { networkTemplateData } = await import('./fields.js');
  const d = networkTemplateData({ Name: 'a', Id: 'x', Created: 't', Scope: 'local', Driver: 'bridge', EnableIPv6: false, IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: 's', Gateway: 'g' }] }, Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: {}, Labels: {} });
  assert.deepEqual(Object.keys(d), ['Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv4', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels']);
  assert.equal(d.EnableIPv4, false);
  const ipam = d.IPAM as { Driver: string; Options: unknown; Config: unknown };
  assert.deepEqual({ Driver: ipam.Driver, Config: ipam.Config }, { Driver: 'default', Config: [{ Subnet: 's', Gateway: 'g' }] });
  assert.equal(JSON.stringify(ipam.Options), 'null'); // a nil map: map[] in templates, null in JSON
});
