import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComposeError } from '../model.js';
import { normalizePorts, parsePortSpec } from './ports.js';

test('ports: short syntax', () => {
  assert.deepEqual(parsePortSpec('80', 'p'), [{ mode: 'ingress', target: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('8080:80', 'p'), [{ mode: 'ingress', target: 80, protocol: 'tcp', published: '8080' }]);
  assert.deepEqual(parsePortSpec('127.0.0.1:8080:80/udp', 'p'), [{ mode: 'ingress', target: 80, protocol: 'udp', published: '8080', host_ip: '127.0.0.1' }]);
  assert.deepEqual(parsePortSpec('127.0.0.1::80', 'p'), [{ mode: 'ingress', target: 80, protocol: 'tcp', host_ip: '127.0.0.1' }]);
  assert.deepEqual(parsePortSpec('[::1]:8080:80', 'p'), [{ mode: 'ingress', target: 80, protocol: 'tcp', published: '8080', host_ip: '::1' }]);
  assert.deepEqual(parsePortSpec('8000-8001:80-81', 'p').map((x) => [x.published, x.target]), [['8000', 80], ['8001', 81]]);
  assert.deepEqual(parsePortSpec('8000-8010:80', 'p'), [{ mode: 'ingress', target: 80, protocol: 'tcp', published: '8000-8010' }]);
  assert.deepEqual(parsePortSpec('3000-3002', 'p').map((x) => x.target), [3000, 3001, 3002]);
});

test('ports: bad specs', () => {
  for (const s of ['abc', '80/xyz', '8000-8001:80-85', '0', 'a:80', '70000']) assert.throws(() => parsePortSpec(s, 'services.web.ports.0'), ComposeError, s);
});

test('ports: numbers and long syntax', () => {
  assert.deepEqual(normalizePorts([80, { target: 53, published: 5353, protocol: 'udp', mode: 'host', host_ip: '0.0.0.0' }, { target: 81 }], 'p'), [
    { mode: 'ingress', target: 80, protocol: 'tcp' },
    { mode: 'host', target: 53, protocol: 'udp', host_ip: '0.0.0.0', published: '5353' },
    { mode: 'ingress', target: 81, protocol: 'tcp' },
  ]);
});
