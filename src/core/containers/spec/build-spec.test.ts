import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpec } from './build-spec.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import type { SpecInput } from './types.js';
import type { HostConfig } from '../../../api/types.js';

const base = (hostConfig: HostConfig = {}, over: Partial<SpecInput> = {}): SpecInput => ({
  rootfs: '/r',
  args: ['sh'],
  env: ['PATH=/bin'],
  cwd: '',
  terminal: false,
  user: { uid: 0, gid: 0, additionalGids: [] },
  hostname: 'h1',
  hostConfig,
  mounts: [],
  network: { mode: 'new' },
  cgroupsPath: '/pier-x/abc',
  defaults: { shmSize: 64 * 1024 * 1024 },
  ...over,
});
const mount = (s: ReturnType<typeof buildSpec>, d: string) => s.mounts!.find((m) => m.destination === d);

test('defaults match Docker', () => {
  const s = buildSpec(base());
  assert.equal(s.process!.cwd, '/');
  assert.deepEqual(s.process!.capabilities!.bounding, [...DEFAULT_CAPABILITIES]);
  assert.equal(s.process!.capabilities!.inheritable, undefined);
  assert.deepEqual(s.linux!.namespaces!.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
  assert.equal(s.hostname, 'h1');
  assert.deepEqual(mount(s, '/dev/shm')!.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']);
  assert.ok(mount(s, '/sys')!.options!.includes('ro'));
  assert.ok(s.linux!.maskedPaths!.includes('/proc/kcore'));
  assert.ok(s.linux!.readonlyPaths!.includes('/proc/sys'));
  assert.equal(s.linux!.seccomp!.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.linux!.sysctl!['net.ipv4.ip_unprivileged_port_start'], '0');
  assert.deepEqual(s.process!.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }]);
  assert.equal(s.linux!.resources!.devices![0]!.allow, false);
  assert.equal(s.linux!.cgroupsPath, '/pier-x/abc');
});

test('privileged: all caps, no seccomp, no masks, rw /sys, all devices', () => {
  const s = buildSpec(base({ Privileged: true }, { defaults: { shmSize: 1, hostDevices: [{ type: 'c', path: '/dev/kmsg', major: 1, minor: 11 }] } }));
  assert.ok(s.process!.capabilities!.bounding!.includes('CAP_SYS_ADMIN'));
  assert.equal(s.linux!.seccomp, undefined);
  assert.equal(s.linux!.maskedPaths, undefined);
  assert.ok(!mount(s, '/sys')!.options!.includes('ro'));
  assert.ok(!mount(s, '/sys/fs/cgroup')!.options!.includes('ro'));
  assert.deepEqual(s.linux!.resources!.devices, [{ allow: true, access: 'rwm' }]);
  assert.equal(s.linux!.devices!.length, 1);
});

test('cap-add/cap-drop and seccomp follows caps', () => {
  const s = buildSpec(base({ CapAdd: ['sys_admin'], CapDrop: ['CAP_CHOWN', 'net_raw'] }));
  const caps = s.process!.capabilities!.effective!;
  assert.ok(caps.includes('CAP_SYS_ADMIN'));
  assert.ok(!caps.includes('CAP_CHOWN') && !caps.includes('CAP_NET_RAW'));
  const allowed = s.linux!.seccomp!.syscalls!.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names);
  assert.ok(allowed.includes('mount'));
  const d = buildSpec(base());
  const dAllowed = d.linux!.seccomp!.syscalls!.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names);
  assert.ok(!dAllowed.includes('mount'));
  assert.ok(dAllowed.includes('arch_prctl'));
});

test('seccomp=unconfined, custom profile, no-new-privileges', () => {
  assert.equal(buildSpec(base({ SecurityOpt: ['seccomp=unconfined'] })).linux!.seccomp, undefined);
  const p = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  const s = buildSpec(base({ SecurityOpt: [`seccomp=${p}`, 'no-new-privileges'] }));
  assert.deepEqual(s.linux!.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  assert.equal(s.process!.noNewPrivileges, true);
  assert.throws(() => buildSpec(base({ SecurityOpt: ['seccomp={bad'] })), /Decoding seccomp profile failed/);
  assert.throws(() => buildSpec(base({ SecurityOpt: ['foo=bar'] })), /invalid --security-opt/);
});

test('resources', () => {
  const s = buildSpec(base({ Memory: 100 << 20, NanoCpus: 1.5e9, CpuShares: 512, PidsLimit: 20, CpusetCpus: '0', OomKillDisable: true }));
  const r = s.linux!.resources!;
  assert.deepEqual(r.memory, { limit: 100 << 20, swap: 200 << 20, disableOOMKiller: true });
  assert.deepEqual(r.cpu, { shares: 512, cpus: '0', period: 100000, quota: 150000 });
  assert.deepEqual(r.pids, { limit: 20 });
  // Unlimited: no pids section at create (crun rejects -1); update still sends -1 (see resources.ts).
  assert.equal(buildSpec(base({ PidsLimit: 0 })).linux!.resources!.pids, undefined);
  assert.equal(buildSpec(base({ PidsLimit: -1 })).linux!.resources!.pids, undefined);
});

test('read-only rootfs, tmpfs, init, ulimits, sysctls, user mounts', () => {
  const s = buildSpec(
    base(
      { ReadonlyRootfs: true, Tmpfs: { '/run': 'exec,size=1m' }, Init: true, Ulimits: [{ Name: 'nproc', Soft: 10, Hard: 20 }], Sysctls: { 'net.ipv4.ip_forward': '1' }, ShmSize: 1024 },
      { initPath: '/usr/bin/tini', mounts: [{ destination: '/etc/hosts', type: 'bind', source: '/h', options: ['rbind', 'rprivate'] }], defaults: { shmSize: 5, ulimits: [{ Name: 'nofile', Soft: 1, Hard: 2 }] } },
    ),
  );
  assert.equal(s.root!.readonly, true);
  assert.deepEqual(mount(s, '/run')!.options, ['nosuid', 'nodev', 'rprivate', 'exec', 'size=1m']);
  assert.deepEqual(s.process!.args, ['/sbin/docker-init', '--', 'sh']);
  assert.deepEqual(mount(s, '/sbin/docker-init'), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini', options: ['bind', 'ro'] });
  assert.deepEqual(mount(s, '/etc/hosts')!.options, ['rbind', 'rprivate']);
  assert.ok(!mount(s, '/dev/shm')!.options!.includes('ro'));
  assert.ok(mount(s, '/dev/shm')!.options!.includes('size=1024'));
  assert.deepEqual(s.process!.rlimits, [
    { type: 'RLIMIT_NPROC', soft: 10, hard: 20 },
    { type: 'RLIMIT_NOFILE', soft: 1, hard: 2 },
  ]);
  assert.equal(s.linux!.sysctl!['net.ipv4.ip_forward'], '1');
  assert.throws(() => buildSpec(base({ Init: true })), /docker-init/);
});

test('network and namespace modes', () => {
  const host = buildSpec(base({ UTSMode: 'host', PidMode: 'host', IpcMode: 'host' }, { network: { mode: 'host' } }));
  assert.deepEqual(host.linux!.namespaces, [{ type: 'mount' }]);
  assert.equal(host.hostname, undefined);
  assert.deepEqual(host.linux!.sysctl, {});
  assert.equal(mount(host, '/dev/shm')!.source, '/dev/shm');
  const p = buildSpec(base({ CgroupnsMode: 'private', IpcMode: 'none' }, { network: { mode: 'path', path: '/run/netns/x' } }));
  assert.deepEqual(p.linux!.namespaces!.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/x' });
  assert.ok(p.linux!.namespaces!.some((n) => n.type === 'cgroup'));
  assert.equal(mount(p, '/dev/shm'), undefined);
  assert.throws(() => buildSpec(base({ CapAdd: ['NOPE'] })), /unknown capability: "CAP_NOPE"/);
  assert.throws(() => buildSpec(base({}, { args: [] })), /no command/);
});

test('devices and cgroup rules', () => {
  const s = buildSpec(base({ DeviceCgroupRules: ['c 42:* rmw'] }, { devices: [{ device: { type: 'c', path: '/dev/fuse', major: 10, minor: 229 }, permissions: 'rwm' }] }));
  const rules = s.linux!.resources!.devices!;
  assert.deepEqual(rules.at(-2), { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' });
  assert.deepEqual(rules.at(-1), { allow: true, type: 'c', major: 42, minor: null, access: 'rmw' });
  assert.throws(() => buildSpec(base({ DeviceCgroupRules: ['x'] })), /invalid device cgroup rule format/);
});
