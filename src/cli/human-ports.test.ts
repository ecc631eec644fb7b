// The PORTS column against outputs of the real docker CLI 28 (fed the same /containers/json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Port } from '../api/types.js';
import { displayPorts } from './human.js';

const P = (IP: string | null, PublicPort: number, PrivatePort: number, Type: string): Port =>
  ({ ...(IP !== null ? { IP } : {}), PrivatePort, ...(PublicPort ? { PublicPort } : {}), Type }) as Port;

test('PORTS column as docker prints it', () => {
  const cases: [Port[], string][] = [
    [[P('0.0.0.0', 8080, 80, 'tcp'), P('::', 8080, 80, 'tcp')], '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp'],
    [[P('0.0.0.0', 8000, 80, 'tcp'), P('0.0.0.0', 8001, 81, 'tcp'), P('0.0.0.0', 8002, 82, 'tcp')], '0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/tcp, 0.0.0.0:8002->82/tcp'],
    [[P('0.0.0.0', 8000, 8000, 'tcp'), P('0.0.0.0', 8001, 8001, 'tcp'), P('0.0.0.0', 8002, 8002, 'tcp'), P('::', 8000, 8000, 'tcp'), P('::', 8001, 8001, 'tcp')],
      '0.0.0.0:8000-8002->8000-8002/tcp, [::]:8000-8001->8000-8001/tcp'],
    [[P(null, 0, 80, 'tcp'), P(null, 0, 81, 'tcp'), P(null, 0, 53, 'udp'), P(null, 0, 90, 'tcp')], '80-81/tcp, 53/udp, 90/tcp'],
    [[P('127.0.0.1', 5353, 53, 'udp'), P('0.0.0.0', 80, 80, 'tcp'), P(null, 0, 443, 'tcp'), P('::1', 80, 80, 'tcp')],
      '0.0.0.0:80->80/tcp, [::1]:80->80/tcp, 443/tcp, 127.0.0.1:5353->53/udp'],
    [[P('0.0.0.0', 32768, 80, 'tcp'), P('0.0.0.0', 32768, 80, 'tcp')], '0.0.0.0:32768->80/tcp, 0.0.0.0:32768->80/tcp'],
    [[P(null, 0, 8000, 'tcp'), P('0.0.0.0', 80, 80, 'udp'), P(null, 0, 8000, 'tcp'), P('::1', 32768, 80, 'tcp')], '8000/tcp, 0.0.0.0:80->80/udp, 8000/tcp, [::1]:32768->80/tcp'],
  ];
  for (const [ports, want] of cases) assert.equal(displayPorts(ports), want);
  assert.equal(displayPorts(null), '');
});
