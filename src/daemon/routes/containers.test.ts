import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeBackend, startTestServer, call } from '../testing/fakes.js';
import type { ContainerCreateRequest } from '../../api/types.js';

test('create: null Healthcheck fields (docker-py, docker-compose v1) reach the service as unset', async () => {
  const seen: ContainerCreateRequest[] = [];
  const t = await startTestServer(
    fakeBackend({
      containers: {
        create: async (_name, req) => {
          seen.push(req);
          return { Id: 'abc', Warnings: [] };
        },
      },
    }),
  );
  try {
    const body = { Image: 'busybox', Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Timeout: null, Retries: 3, StartPeriod: null } };
    const r = await call(t.socketPath, 'POST', '/v1.44/containers/create', JSON.stringify(body), { 'Content-Type': 'application/json' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(seen[0]?.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 3 });
    await call(t.socketPath, 'POST', '/v1.44/containers/create', '{"Image":"busybox"}', { 'Content-Type': 'application/json' });
    assert.equal(seen[1]?.Healthcheck, undefined);
  } finally {
    await t.stop();
  }
});
