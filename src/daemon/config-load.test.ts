import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from './config-load.js';

const noFile = ['--config-file', '/nonexistent/daemon.json'];

test('defaults like dockerd with pier paths', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-cfg-'));
  const f = path.join(dir, 'daemon.json');
  writeFileSync(f, '{}');
  const r = loadConfig(['--config-file', f]);
  assert.ok('config' in r);
  assert.deepEqual(r.config.hosts, ['unix:///run/pier/pier.sock']);
  assert.equal(r.config.dataRoot, '/var/lib/pier');
  assert.equal(r.config.pidfile, '/run/pier/pierd.pid');
  assert.equal(r.config.defaultShmSize, 64 * 1024 * 1024);
});

test('flags and file merge; conflicts refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-cfg-'));
  const f = path.join(dir, 'daemon.json');
  writeFileSync(f, JSON.stringify({ 'data-root': '/d', 'log-opts': { 'max-size': '1m' } }));
  const r = loadConfig(['--config-file', f, '-H', 'unix:///tmp/a.sock', '-H', 'unix:///tmp/b.sock', '--default-ulimit', 'nproc=10:20']);
  assert.ok('config' in r);
  assert.equal(r.config.dataRoot, '/d');
  assert.deepEqual(r.config.hosts, ['unix:///tmp/a.sock', 'unix:///tmp/b.sock']);
  assert.equal(r.config.logOpts['max-size'], '1m');
  assert.deepEqual(r.config.defaultUlimits.nproc, { Name: 'nproc', Soft: 10, Hard: 20 });
  assert.throws(() => loadConfig(['--config-file', f, '--data-root', '/x']), /specified both as a flag and in the configuration file/);
});

test('bad input', () => {
  assert.throws(() => loadConfig([...noFile]), /unable to configure/);
  assert.throws(() => loadConfig(['--nope']), /unknown flag: --nope/);
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-cfg-'));
  const f = path.join(dir, 'daemon.json');
  writeFileSync(f, '{bad');
  assert.throws(() => loadConfig(['--config-file', f]), /unable to configure the Pier daemon with file/);
  writeFileSync(f, '{}');
  assert.throws(() => loadConfig(['--config-file', f, '-H', 'http://x']), /invalid host/);
  assert.throws(() => loadConfig(['--config-file', f, '--log-level', 'loud']), /unable to parse logging level/);
});

test('network flags and daemon.json keys (dockerd names; --flag=false booleans)', () => {
  const empty = path.join(mkdtempSync(path.join(tmpdir(), 'pier-cfg-')), 'daemon.json');
  writeFileSync(empty, '{}');
  const none = ['--config-file', empty];
  const r = loadConfig([
    ...none,
    '-b',
    'hk0',
    '--bip',
    '10.226.0.1/24',
    '--fixed-cidr',
    '10.226.0.128/25',
    '--default-address-pool',
    'base=10.10.0.0/16,size=24',
    '--iptables=false',
    '--ip-masq=true',
    '--icc=false',
    '--mtu',
    '1400',
    '--ip',
    '127.0.0.1',
    '--userland-proxy=false',
  ]);
  assert.ok('config' in r);
  assert.deepEqual(r.config.network, {
    bridge: 'hk0',
    bip: '10.226.0.1/24',
    fixedCidr: '10.226.0.128/25',
    defaultAddressPools: [{ base: '10.10.0.0/16', size: 24 }],
    ipForward: undefined,
    iptables: false,
    ipMasq: true,
    icc: false,
    mtu: 1400,
    defaultBindIp: '127.0.0.1',
    userlandProxy: false,
  });
  assert.throws(() => loadConfig([...none, '--default-address-pool', 'base=x,size=24']), /invalid default-address-pool/);
  const rc = loadConfig([...none, '--resolv-conf', '/tmp/x/resolv.conf']);
  assert.ok('config' in rc);
  assert.equal(rc.config.resolvConf, '/tmp/x/resolv.conf');
  assert.throws(() => loadConfig([...none, '--mtu', 'big']), /invalid mtu/);

  const dir = mkdtempSync(path.join(tmpdir(), 'pier-cfg-'));
  const f = path.join(dir, 'daemon.json');
  writeFileSync(f, JSON.stringify({ bridge: 'none', 'default-address-pools': [{ base: '10.20.0.0/16', size: 20 }], 'ip-forward': false, mtu: 1450 }));
  const fr = loadConfig(['--config-file', f]);
  assert.ok('config' in fr);
  assert.equal(fr.config.network.bridge, 'none');
  assert.deepEqual(fr.config.network.defaultAddressPools, [{ base: '10.20.0.0/16', size: 20 }]);
  assert.equal(fr.config.network.ipForward, false);
  assert.equal(fr.config.network.mtu, 1450);
  assert.throws(() => loadConfig(['--config-file', f, '--bridge', 'x']), /specified both as a flag and in the configuration file: bridge/);
});
