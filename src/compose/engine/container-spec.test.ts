import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerSpec, desiredScale, orderedNetworks, serviceImage } from './container-spec.js';
import { containerName, oneoffName, projectFilter } from './labels.js';
import { project, svc } from './fixtures.test-util.js';

test('names: v2 dashes, compatibility underscores, one-off', () => {
  assert.equal(containerName('proj', 'web', 2), 'proj-web-2');
  assert.equal(containerName('proj', 'web', 2, true), 'proj_web_2');
  assert.equal(oneoffName('proj', 'web', '0123456789abcdef'), 'proj-web-run-0123456789ab');
  assert.deepEqual(projectFilter('proj', { service: 'web' }), { label: ['com.docker.compose.project=proj', 'com.docker.compose.service=web', 'com.docker.compose.oneoff=False'] });
});

test('create body: labels, env, ports, mounts, healthcheck, restart, first network with aliases', () => {
  const web = svc('web', {
    command: ['httpd', '-f'],
    environment: { A: '1', GONE: null },
    ports: [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }],
    expose: ['9000/udp'],
    volumes: [
      { type: 'volume', source: 'data', target: '/data' },
      { type: 'bind', source: '/work/proj/site', target: '/www', read_only: true, bind: { create_host_path: true } },
      { type: 'tmpfs', target: '/tmp' },
      { type: 'volume', target: '/anon' },
    ],
    networks: { back: { aliases: ['api'] }, front: { priority: 10 } },
    depends_on: { kv: { condition: 'service_healthy', required: true, restart: false } },
    healthcheck: { test: ['CMD', 'true'], interval: 1e9, retries: 3 },
    restart: 'on-failure:3',
    stop_grace_period: 5e9,
    labels: { mine: 'x' },
  });
  const p = project([web], { volumes: { data: { name: 'proj_data', labels: {} } }, networks: { back: { name: 'proj_back', labels: {} }, front: { name: 'proj_front', labels: {} } } });
  const { body, extraNetworks } = containerSpec({ project: p, service: web, name: 'proj-web-1', number: 1, hash: 'h1', imageId: 'sha256:abc' });
  assert.equal(body.Image, 'busybox');
  assert.deepEqual(body.Cmd, ['httpd', '-f']);
  assert.deepEqual(body.Env, ['A=1']);
  assert.equal(body.Labels!['com.docker.compose.project'], 'proj');
  assert.equal(body.Labels!['com.docker.compose.service'], 'web');
  assert.equal(body.Labels!['com.docker.compose.container-number'], '1');
  assert.equal(body.Labels!['com.docker.compose.oneoff'], 'False');
  assert.equal(body.Labels!['com.docker.compose.config-hash'], 'h1');
  assert.equal(body.Labels!['com.docker.compose.image'], 'sha256:abc');
  assert.equal(body.Labels!['com.docker.compose.depends_on'], 'kv:service_healthy:false');
  assert.equal(body.Labels!['com.docker.compose.project.config_files'], '/work/proj/compose.yaml');
  assert.equal(body.Labels!['com.docker.compose.project.working_dir'], '/work/proj');
  assert.equal(body.Labels!.mine, 'x');
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '9000/udp': {} });
  assert.deepEqual(body.HostConfig!.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  assert.deepEqual(body.HostConfig!.Mounts, [{ Type: 'volume', Source: 'proj_data', Target: '/data', ReadOnly: undefined, VolumeOptions: undefined }, { Type: 'tmpfs', Target: '/tmp', TmpfsOptions: undefined }]);
  assert.deepEqual(body.HostConfig!.Binds, ['/work/proj/site:/www:ro']);
  assert.deepEqual(body.Volumes, { '/anon': {} });
  assert.deepEqual(body.Healthcheck, { Test: ['CMD', 'true'], Interval: 1e9, Timeout: undefined, Retries: 3, StartPeriod: undefined, StartInterval: undefined });
  assert.deepEqual(body.HostConfig!.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(body.StopTimeout, 5);
  // front has the higher priority: it is the first network.
  assert.equal(body.HostConfig!.NetworkMode, 'proj_front');
  assert.deepEqual(body.NetworkingConfig, { EndpointsConfig: { proj_front: { Aliases: ['proj-web-1', 'web'] } } });
  assert.deepEqual(extraNetworks, [['proj_back', { Aliases: ['proj-web-1', 'web', 'api'] }]]);
});

test('network_mode service:x and volumes_from use the other service\'s container', () => {
  const s = svc('side', { network_mode: 'service:web', volumes_from: ['web:ro', 'container:other'], links: ['web:www', 'web', 'gone'], external_links: ['ext:e'] });
  const { body } = containerSpec({ project: project([s]), service: s, name: 'proj-side-1', number: 1, hash: '', containerOf: (n) => (n === 'web' ? 'proj-web-1' : undefined) });
  assert.equal(body.HostConfig!.NetworkMode, 'container:proj-web-1');
  assert.deepEqual(body.HostConfig!.VolumesFrom, ['proj-web-1:ro', 'other']);
  assert.deepEqual(body.HostConfig!.Links, ['proj-web-1:www', 'proj-web-1:web', 'ext:e']);
  assert.equal(body.NetworkingConfig, undefined);
});

test('image, scale and network order helpers', () => {
  const b = svc('app', { image: undefined, build: { context: '/x', dockerfile: 'Dockerfile' } });
  assert.equal(serviceImage(project([b]), b), 'proj-app');
  assert.equal(serviceImage(project([b]), b, true), 'proj_app');
  assert.equal(desiredScale(svc('a')), 1);
  assert.equal(desiredScale(svc('a', { deploy: { replicas: 3 } })), 3);
  assert.equal(desiredScale(svc('a', { scale: 2, deploy: { replicas: 3 } })), 2);
  assert.equal(desiredScale(svc('a', { scale: 2 }), 5), 5);
  assert.deepEqual(orderedNetworks(svc('a', { networks: { b: null, a: null, c: { priority: 5 } } })).map(([k]) => k), ['c', 'a', 'b']);
});
