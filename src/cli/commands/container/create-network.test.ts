import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMac, isUserDefined, networkConfig, parseNetworkValue } from './create-network.js';
import { parseExpose, parsePorts, parsePortSpec, RunOptionError } from './create-ports.js';

const eps = (o: Record<string, unknown>) => {
  const r = networkConfig(o);
  const trimmed = Object.fromEntries(Object.entries(r.endpoints).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== '' && x !== 0))]));
  return { mode: r.mode, eps: trimmed };
};

test('network modes and MAC addresses', () => {
  for (const m of ['default', 'bridge', 'host', 'none', 'container:x']) assert.equal(isUserDefined(m), false, m);
  assert.equal(isUserDefined('n1'), true);
  assert.equal(isUserDefined('container'), true);
  assert.ok(isMac('02:42:0a:00:00:05') && isMac('02-42-0a-00-00-05') && isMac('0242.0a00.0005') && isMac('02:42:0a:00:00:05:aa:bb'));
  assert.ok(!isMac('zz') && !isMac('02:42:0a:00:00'));
});

test('--network long syntax', () => {
  assert.equal(parseNetworkValue('n1').target, 'n1');
  assert.equal(parseNetworkValue('name=').target, 'name=');
  const a = parseNetworkValue('NAME=n1,Alias=a,alias=b,ip=10.0.0.3,mac-address=m,driver-opt=x=y,link-local-ip=169.254.1.1,gw-priority=3');
  assert.deepEqual(a, { target: 'n1', aliases: ['a', 'b'], links: [], ipv4: '10.0.0.3', mac: 'm', linkLocalIps: ['169.254.1.1'], driverOpts: { x: 'y' }, gwPriority: 3 });
  assert.throws(() => parseNetworkValue('name=n1,foo=bar'), /^UsageError: invalid argument "name=n1,foo=bar" for "--network" flag: invalid field key foo$/);
  assert.throws(() => parseNetworkValue('name=n1,foo'), /flag: invalid field foo$/);
  assert.throws(() => parseNetworkValue('alias=a'), /network name\/id is not specified/);
  assert.throws(() => parseNetworkValue('name=n1,driver-opt=x'), /invalid key value pair format in driver options/);
  assert.throws(() => parseNetworkValue('name=n1,gw-priority=x'), /invalid gw-priority \(x\): invalid syntax/);
});

test('endpoints as docker 28 sends them', () => {
  assert.deepEqual(eps({}), { mode: 'default', eps: { default: {} } });
  assert.deepEqual(eps({ network: ['n1'] }), { mode: 'n1', eps: {} });
  assert.deepEqual(eps({ network: ['none'] }), { mode: 'none', eps: {} });
  assert.deepEqual(eps({ 'mac-address': '02:42:0a:00:00:05', link: ['a:b'] }), { mode: 'default', eps: { default: { MacAddress: '02:42:0a:00:00:05' } } });
  assert.deepEqual(eps({ network: ['n1', 'n2'], ip: '10.0.0.2', link: ['a:b'], 'network-alias': ['z'] }), {
    mode: 'n1', eps: { n1: { IPAMConfig: { IPv4Address: '10.0.0.2' }, Links: ['a:b'], Aliases: ['z'] }, n2: {} },
  });
  assert.deepEqual(eps({ network: ['bridge'], ip6: 'fd00::1', 'link-local-ip': ['169.254.0.1'] }).eps, { bridge: { IPAMConfig: { IPv6Address: 'fd00::1', LinkLocalIPs: ['169.254.0.1'] } } });
  assert.deepEqual(eps({ network: ['bridge', 'default'] }).eps, { bridge: {}, default: {} });
  const err = (o: Record<string, unknown>, re: RegExp) => assert.throws(() => networkConfig(o), (e: unknown) => e instanceof RunOptionError && e.code === 125 && re.test(e.message));
  err({ 'network-alias': ['q'] }, /^network-scoped aliases are only supported for user-defined networks$/);
  err({ network: ['n1', 'host'] }, /^conflicting options: cannot attach both user-defined and non-user-defined network-modes$/);
  err({ network: ['n1', 'n1'] }, /^network "n1" is specified multiple times$/);
  err({ network: ['n1'], 'mac-address': 'zz' }, /^zz is not a valid mac address$/);
  err({ network: ['name=n1,ip=1.2.3.4'], ip: '1.2.3.5' }, /^conflicting options: cannot specify both --ip and per-network IPv4 address$/);
  err({ network: ['name=n1,alias=x'], 'network-alias': ['y'] }, /--network-alias and per-network alias/);
});

test('-p specs: ranges, ip::port, IPv6, protocols', () => {
  assert.deepEqual(parsePorts(['8000-8002:80-82', '127.0.0.1::53/UDP', '[::1]:80:80', '9000', '80-81:90']), {
    exposed: { '53/udp': {}, '80/tcp': {}, '81/tcp': {}, '82/tcp': {}, '9000/tcp': {}, '90/tcp': {} },
    bindings: {
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '80/tcp': [{ HostIp: '', HostPort: '8000' }, { HostIp: '::1', HostPort: '80' }],
      '81/tcp': [{ HostIp: '', HostPort: '8001' }],
      '82/tcp': [{ HostIp: '', HostPort: '8002' }],
      '9000/tcp': [{ HostIp: '', HostPort: '' }],
      '90/tcp': [{ HostIp: '', HostPort: '80-81' }],
    },
  });
  assert.deepEqual(parsePortSpec('::1:80:80'), [['80/tcp', { HostIp: '::1', HostPort: '80' }]]);
  const err = (s: string, msg: string) => assert.throws(() => parsePortSpec(s), (e: unknown) => e instanceof RunOptionError && e.message === msg);
  err('x', 'invalid containerPort: x');
  err('x:80', 'invalid hostPort: x');
  err('70000:80', 'invalid hostPort: 70000');
  err('1.2.3.4:80:80:80', 'invalid IP address: 1.2.3.4:80');
  err('80-82:90-91', 'invalid ranges specified for container and host Ports: 90-91 and 80-82');
  err('80:', 'no port specified: 80:<empty>');
  err('[::1]:80', "invalid IP address [:: address [::: missing ']' in address");
  err('[::1]x:80:80', 'invalid IP address [::1]x: address [::1]x:: missing port in address');
  err('[[::1]:80:80', "invalid IP address [[::1]: address [[::1]:: unexpected '[' in address");
  err('80/xyz', 'invalid proto: xyz');
  err('[fe80::1%eth0]:80:80', 'invalid IP address: fe80::1%eth0');
});

test('--expose ranges and errors', () => {
  assert.deepEqual(parseExpose(['7000-7002', '53/udp', '80/UDP']), ['7000/tcp', '7001/tcp', '7002/tcp', '53/udp', '80/UDP']);
  assert.throws(() => parseExpose(['1:2']), /^RunOptionError: invalid port format for --expose: 1:2$|invalid port format for --expose: 1:2/);
  assert.throws(() => parseExpose(['x']), /invalid range format for --expose: x, error: strconv.ParseUint: parsing "x": invalid syntax/);
  assert.throws(() => parseExpose(['5-3']), /invalid range format for --expose: 5-3, error: invalid range specified for port: 5-3/);
  assert.throws(() => parseExpose(['70000']), /parsing "70000": value out of range/);
});
