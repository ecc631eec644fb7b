import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toConfigOutput } from './config-output.js';
import type { Project } from './model.js';

const project: Project = {
  name: 'demo',
  workingDir: '/p',
  configFiles: ['/p/compose.yaml'],
  services: {
    web: {
      name: 'web',
      build: { context: '/p', dockerfile: 'Dockerfile' },
      environment: { A: '1', U: null },
      ports: [{ mode: 'ingress', target: 5000, protocol: 'tcp', published: '8000', host_ip: '127.0.0.1' }],
      expose: [],
      volumes: [{ type: 'bind', source: '/p/data', target: '/data', bind: { create_host_path: true } }],
      networks: { default: null },
      depends_on: { db: { condition: 'service_healthy', required: true, restart: false } },
      labels: {},
      stop_grace_period: 90e9,
      shm_size: 67108864,
    },
    db: {
      name: 'db',
      image: 'db:1',
      environment: {},
      ports: [],
      expose: [],
      volumes: [{ type: 'volume', source: 'data', target: '/var/lib/db' }],
      networks: { default: null },
      depends_on: {},
      labels: {},
      healthcheck: { test: ['CMD-SHELL', 'true'], interval: 30e9, timeout: 5e9, retries: 3 },
      deploy: { replicas: 2 },
      secrets: [{ source: 's', target: '/run/secrets/s', mode: 0o440 }],
    },
  },
  disabledServices: {},
  networks: { default: { name: 'demo_default', labels: {} } },
  volumes: { data: { name: 'demo_data', labels: {} } },
  secrets: { s: { name: 'demo_s', file: '/p/s.txt' } },
  configs: {},
  environment: {},
  profiles: [],
};

test('config output: yaml as docker compose config prints it', () => {
  assert.equal(
    toConfigOutput(project, { format: 'yaml' }),
    `name: demo
services:
  db:
    deploy:
      replicas: 2
    healthcheck:
      test:
        - CMD-SHELL
        - "true"
      timeout: 5s
      interval: 30s
      retries: 3
    image: db:1
    networks:
      default: null
    secrets:
      - source: s
        target: /run/secrets/s
        mode: "0440"
    volumes:
      - type: volume
        source: data
        target: /var/lib/db
  web:
    build:
      context: /p
      dockerfile: Dockerfile
    depends_on:
      db:
        condition: service_healthy
        required: true
    environment:
      A: "1"
      U: null
    networks:
      default: null
    ports:
      - mode: ingress
        host_ip: 127.0.0.1
        target: 5000
        published: "8000"
        protocol: tcp
    shm_size: "67108864"
    stop_grace_period: 1m30s
    volumes:
      - type: bind
        source: /p/data
        target: /data
        bind:
          create_host_path: true
networks:
  default:
    name: demo_default
volumes:
  data:
    name: demo_data
secrets:
  s:
    name: demo_s
    file: /p/s.txt
`,
  );
});

test('config output: json', () => {
  const j = JSON.parse(toConfigOutput(project, { format: 'json' })) as Record<string, Record<string, Record<string, unknown>>>;
  assert.deepEqual(Object.keys(j), ['name', 'services', 'networks', 'volumes', 'secrets']);
  assert.deepEqual(Object.keys(j.services!), ['db', 'web']);
  assert.equal(j.services!.web!.stop_grace_period, '1m30s');
  assert.deepEqual(j.services!.db!.healthcheck, { test: ['CMD-SHELL', 'true'], timeout: '5s', interval: '30s', retries: 3 });
});
