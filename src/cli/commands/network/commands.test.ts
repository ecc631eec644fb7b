import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { CliContext } from '../../spec.js';
import { ApiError } from '../../../client/index.js';
import { StatusError } from '../../errors.js';
import { spec as ls } from './ls.js';
import { spec as rm } from './rm.js';
import { spec as prune } from './prune.js';
import { spec as port } from '../container/port.js';

const net = (Name: string, Id: string) => ({
  Name, Id: Id.padEnd(64, '0'), Created: '2026-11-22T16:00:00.5Z', Scope: 'local', Driver: 'bridge', EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false,
  ConfigFrom: { Network: '' }, ConfigOnly: false, Options: {}, Labels: {},
});

function fakeCtx(client: unknown, input = ''): CliContext & { stdout: string; stderr: string } {
  const stdin = new PassThrough();
  stdin.end(input);
  const ctx = {
    stdout: '', stderr: '', env: {}, globals: { debug: false }, prog: 'pier', path: 'pier network x', usage: '',
    io: { stdin, stdout: new PassThrough(), stderr: new PassThrough() },
    client: () => client,
    out(t: string) { ctx.stdout += t; },
    err(t: string) { ctx.stderr += t; },
    onExit() {},
  };
  return ctx as unknown as CliContext & { stdout: string; stderr: string };
}

test('network ls: natural name order, docker table, -q', async () => {
  const client = { networks: { list: async () => [net('n10', 'c'), net('n2', 'b'), net('bridge', 'a')] } };
  const ctx = fakeCtx(client);
  assert.equal(await ls.run(ctx, [], {}), 0);
  assert.equal(ctx.stdout, 'NETWORK ID     NAME      DRIVER    SCOPE\na00000000000   bridge    bridge    local\nb00000000000   n2        bridge    local\nc00000000000   n10       bridge    local\n');
  const q = fakeCtx(client);
  await ls.run(q, [], { quiet: true });
  assert.equal(q.stdout, 'a00000000000\nb00000000000\nc00000000000\n');
  const f = fakeCtx(client);
  await ls.run(f, [], { format: '{{.Name}} {{.CreatedAt}}', filter: ['name=n'] });
  assert.equal(f.stdout.split('\n')[0], 'bridge 2026-11-22 16:00:00.5 +0000 UTC');
});

test('network rm: per-name errors, -f skips missing ones, exit status 1', async () => {
  const removed: string[] = [];
  const client = {
    networks: {
      inspect: async (n: string) => net(n, 'a'),
      remove: async (n: string) => {
        if (n === 'gone') throw new ApiError(404, 'network gone not found');
        if (n === 'busy') throw new ApiError(403, 'error while removing network: network busy has active endpoints');
        removed.push(n);
        return 204;
      },
    },
  };
  const ctx = fakeCtx(client);
  await assert.rejects(rm.run(ctx, ['a', 'gone', 'busy', 'b'], {}), (e: unknown) => e instanceof StatusError && e.code === 1 && e.message === 'exit status 1');
  assert.equal(ctx.stdout, 'a\nb\n');
  assert.equal(ctx.stderr, 'Error response from daemon: network gone not found\nError response from daemon: error while removing network: network busy has active endpoints\n');
  const forced = fakeCtx(client);
  assert.equal(await rm.run(forced, ['gone', 'c'], { force: true }), 0);
  assert.deepEqual([forced.stdout, forced.stderr], ['c\n', '']);
});

test('network prune: prompt, deleted names', async () => {
  let calls = 0;
  const client = { networks: { prune: async () => { calls++; return { NetworksDeleted: ['n1', 'n2'] }; } } };
  const no = fakeCtx(client, 'n\n');
  await prune.run(no, [], {});
  assert.equal(no.stdout, 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ');
  assert.equal(calls, 0);
  const yes = fakeCtx(client, 'y\n');
  await prune.run(yes, [], {});
  assert.ok(yes.stdout.endsWith('[y/N] Deleted Networks:\nn1\nn2\n\n'));
  const quiet = fakeCtx({ networks: { prune: async () => ({ NetworksDeleted: null }) } });
  await prune.run(quiet, [], { force: true });
  assert.equal(quiet.stdout, '');
});

test('port: natural line order, one port, docker errors', async () => {
  const client = {
    containers: {
      inspect: async () => ({
        NetworkSettings: {
          Ports: {
            '80/tcp': [{ HostIp: '::', HostPort: '8080' }, { HostIp: '0.0.0.0', HostPort: '8080' }],
            '100/tcp': [{ HostIp: '0.0.0.0', HostPort: '100' }],
            '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
            '443/tcp': null,
          },
        },
      }),
    },
  };
  const all = fakeCtx(client);
  await port.run(all, ['c'], {});
  assert.equal(all.stdout, '53/udp -> 127.0.0.1:5353\n80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n100/tcp -> 0.0.0.0:100\n');
  const one = fakeCtx(client);
  await port.run(one, ['c', '80'], {});
  assert.equal(one.stdout, '0.0.0.0:8080\n[::]:8080\n');
  await assert.rejects(port.run(fakeCtx(client), ['c', '443'], {}), /^CliError: Error: No public port '443' published for c$/);
  await assert.rejects(port.run(fakeCtx(client), ['c', 'x'], {}), /Error: invalid port \(x\): strconv.ParseUint: parsing "x": invalid syntax/);
});
