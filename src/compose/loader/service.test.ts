import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ComposeError } from '../model.js';
import { normalizeService } from './service.js';

const env: Record<string, string> = { HOSTVAR: 'fromhost' };
const ctx = { workingDir: '/proj', home: '/home/u', lookup: (n: string) => env[n] };

test('service: defaults and the default network', () => {
  const s = normalizeService('web', { image: 'nginx' }, ctx);
  assert.deepEqual(s, { name: 'web', image: 'nginx', environment: {}, ports: [], expose: [], volumes: [], networks: { default: null }, depends_on: {}, labels: {} });
  const host = normalizeService('h', { image: 'x', network_mode: 'host' }, ctx);
  assert.deepEqual(host.networks, {});
});

test('service: environment list and map, bare names from the environment', () => {
  assert.deepEqual(normalizeService('a', { image: 'x', environment: ['A=1', 'B=', 'HOSTVAR', 'NOPE', 'C=x=y'] }, ctx).environment, {
    A: '1', B: '', HOSTVAR: 'fromhost', NOPE: null, C: 'x=y',
  });
  assert.deepEqual(normalizeService('a', { image: 'x', environment: { A: 1, B: true, C: null, HOSTVAR: null } }, ctx).environment, {
    A: '1', B: 'true', C: null, HOSTVAR: 'fromhost',
  });
});

test('service: env_file merged under environment; missing files', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'compose-service-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'a.env'), 'A=from-file\nB=from-file\n');
  const c = { ...ctx, workingDir: dir };
  const s = normalizeService('a', { image: 'x', env_file: ['a.env', { path: 'opt.env', required: false }], environment: { B: 'env' } }, c);
  assert.deepEqual(s.environment, { A: 'from-file', B: 'env' });
  assert.deepEqual(s.env_file, [{ path: path.join(dir, 'a.env'), required: true }, { path: path.join(dir, 'opt.env'), required: false }]);
  const missing = path.join(dir, 'nope.env');
  assert.throws(() => normalizeService('a', { image: 'x', env_file: 'nope.env' }, c), {
    message: `env file ${missing} not found: stat ${missing}: no such file or directory`,
  });
});

test('service: healthcheck, durations and sizes', () => {
  const s = normalizeService('a', {
    image: 'x',
    healthcheck: { test: 'curl -f http://localhost', interval: '1m30s', timeout: '10s', retries: 3, start_period: '500ms' },
    stop_grace_period: '1m',
    stop_signal: 'SIGTERM',
    shm_size: '64m',
    mem_limit: '1g',
    cpus: '0.5',
  }, ctx);
  assert.deepEqual(s.healthcheck, { test: ['CMD-SHELL', 'curl -f http://localhost'], interval: 90e9, timeout: 10e9, retries: 3, start_period: 5e8 });
  assert.equal(s.stop_grace_period, 60e9);
  assert.equal(normalizeService('a', { image: 'x', stop_grace_period: '1d1h' }, ctx).stop_grace_period, 25 * 3600e9);
  assert.equal(s.shm_size, 64 * 1024 * 1024);
  assert.equal(s.mem_limit, 1024 ** 3);
  assert.equal(s.cpus, 0.5);
  assert.deepEqual(normalizeService('a', { image: 'x', healthcheck: { test: ['CMD', 'true'] } }, ctx).healthcheck, { test: ['CMD', 'true'] });
  assert.throws(() => normalizeService('a', { image: 'x', healthcheck: { interval: '10' } }, ctx), ComposeError);
});

test('service: depends_on, networks, command, build', () => {
  const s = normalizeService('a', {
    build: '.',
    depends_on: ['db'],
    networks: ['front', 'back'],
    command: 'python app.py --name "a b"',
    entrypoint: ['/bin/sh', '-c'],
  }, ctx);
  assert.deepEqual(s.depends_on, { db: { condition: 'service_started', required: true, restart: false } });
  assert.deepEqual(s.networks, { front: null, back: null });
  assert.deepEqual(s.command, ['python', 'app.py', '--name', 'a b']);
  assert.deepEqual(s.entrypoint, ['/bin/sh', '-c']);
  assert.deepEqual(s.build, { context: '/proj', dockerfile: 'Dockerfile' });
  const t = normalizeService('a', {
    image: 'x',
    depends_on: { db: { condition: 'service_healthy' }, job: { condition: 'service_completed_successfully', required: false, restart: true } },
    networks: { front: { aliases: ['web'], ipv4_address: '10.0.0.5' }, back: null },
    build: { context: 'app', dockerfile: 'Dockerfile.dev', args: ['A=1', 'HOSTVAR', 'B'], target: 'dev' },
    volumes: ['/data/'],
    links: ['db:database', 'cache'],
    volumes_from: ['store:ro', 'container:x'],
    ipc: 'service:shm',
    pull_policy: 'if_not_present',
  }, ctx);
  assert.deepEqual(t.depends_on, {
    db: { condition: 'service_healthy', required: true, restart: false },
    job: { condition: 'service_completed_successfully', required: false, restart: true },
    cache: { condition: 'service_started', required: true, restart: true },
    shm: { condition: 'service_started', required: true, restart: true },
    store: { condition: 'service_started', required: true, restart: false },
  });
  assert.equal(t.volumes[0]!.target, '/data');
  assert.equal(t.pull_policy, 'missing');
  assert.deepEqual(normalizeService('a', { build: { dockerfile_inline: 'FROM x' } }, ctx).build, { context: '/proj', dockerfile: '', dockerfile_inline: 'FROM x' });
  assert.deepEqual(t.networks, { front: { aliases: ['web'], ipv4_address: '10.0.0.5' }, back: null });
  assert.deepEqual(t.build, { context: '/proj/app', dockerfile: 'Dockerfile.dev', args: { A: '1', HOSTVAR: 'fromhost' }, target: 'dev' });
});

test('service: labels, ulimits, sysctls, extra_hosts, secrets, configs, devices, lists', () => {
  const s = normalizeService('a', {
    image: 'x',
    labels: ['a=1', 'b'],
    ulimits: { nproc: 65535, nofile: { soft: 1024, hard: 2048 } },
    sysctls: { 'net.core.somaxconn': 1024 },
    extra_hosts: ['h1:10.0.0.1', 'h2=10.0.0.2'],
    secrets: ['s1', { source: 's2', target: 'custom', mode: 0o400 }],
    configs: ['c1', { source: 'c2', target: '/etc/c2.conf' }],
    devices: ['/dev/fuse', { source: '/dev/sda', target: '/dev/xvda', permissions: 'rwm' }],
    dns: '8.8.8.8',
    tmpfs: '/run',
    expose: [80, '90/udp'],
    'x-custom': { keep: true },
    cgroup_parent: 'kept',
  }, ctx);
  assert.deepEqual(s.labels, { a: '1', b: '' });
  assert.deepEqual(s.ulimits, { nproc: { soft: 65535, hard: 65535 }, nofile: { soft: 1024, hard: 2048 } });
  assert.deepEqual(s.sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual(s.extra_hosts, ['h1:10.0.0.1', 'h2:10.0.0.2']);
  assert.deepEqual(s.secrets, [{ source: 's1', target: '/run/secrets/s1' }, { source: 's2', target: '/run/secrets/custom', mode: 0o400 }]);
  assert.deepEqual(s.configs, [{ source: 'c1', target: '/c1' }, { source: 'c2', target: '/etc/c2.conf' }]);
  assert.deepEqual(s.devices, ['/dev/fuse', '/dev/sda:/dev/xvda:rwm']);
  assert.deepEqual(s.dns, ['8.8.8.8']);
  assert.deepEqual(s.tmpfs, ['/run']);
  assert.deepEqual(s.expose, ['80', '90/udp']);
  assert.deepEqual(s['x-custom'], { keep: true });
  assert.equal((s as unknown as Record<string, unknown>).cgroup_parent, 'kept');
});

test('service: consistency checks', () => {
  assert.throws(() => normalizeService('a', { image: 'x', network_mode: 'host', networks: ['n'] }, ctx), {
    message: 'service a declares mutually exclusive `network_mode` and `networks`: invalid compose project',
  });
  assert.throws(() => normalizeService('a', { image: 'x', healthcheck: { test: ['curl', 'x'] } }, ctx), {
    message: 'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
  });
  assert.throws(() => normalizeService('a', { image: 'x', volumes: ['/data', 'v:/data'] }, ctx), {
    message: 'services.a.volumes[1]: target /data already mounted as services.a.volumes[0]',
  });
});

test('service: deploy, scale and container_name', () => {
  const s = normalizeService('a', {
    image: 'x',
    deploy: { replicas: 3, resources: { limits: { cpus: 0.5, memory: '512M' } }, restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3 } },
  }, ctx);
  assert.deepEqual(s.deploy, {
    replicas: 3,
    resources: { limits: { cpus: '0.5', memory: 512 * 1024 * 1024 } },
    restart_policy: { condition: 'on-failure', delay: 5e9, max_attempts: 3 },
  });
  assert.throws(() => normalizeService('a', { image: 'x', scale: 2, container_name: 'c' }, ctx), {
    message: "services.scale: can't set container_name and a as container name must be unique: invalid compose project",
  });
  assert.throws(() => normalizeService('a', { image: 'x', deploy: { replicas: 2 }, container_name: 'c' }, ctx), {
    message: "services.deploy.replicas: can't set container_name and a as container name must be unique: invalid compose project",
  });
  assert.throws(() => normalizeService('a', { image: 'x', scale: -1 }, ctx), { message: 'services.a.scale: must be greater than or equal to 0' });
  assert.throws(() => normalizeService('a', { image: 'x', scale: 2, deploy: { replicas: 3 } }, ctx), ComposeError);
  assert.equal(normalizeService('a', { image: 'x', scale: 1, container_name: 'c' }, ctx).container_name, 'c');
});
