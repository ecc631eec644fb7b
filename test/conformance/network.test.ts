// Conformance: `network create/ls/inspect/rm/connect/disconnect/prune`, Docker's network errors,
// and published ports (`run -p` → `port`, the `ps` PORTS column).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { apiRequest, engineUnderTest, type TestDaemon } from '../harness/index.js';
import { conformance, inspectContainer, type CaseContext } from './suite.js';

/** A /24 the case may pass as --subnet: inside the pierd's private space, else 10.250.n.0/24. */
function subnet(daemon: TestDaemon, cli: CaseContext['cli'], n: number): string {
  const k = n + (cli.name === 'pier' ? 40 : 0);
  return daemon.net ? daemon.net.subnet(k) : `10.250.${k}.0/24`;
}

/** Runs `fn` with a network-name factory; afterwards removes the case's containers, then its networks. */
async function withNetworks(ctx: CaseContext, fn: (net: (prefix?: string) => string, containers: string[]) => Promise<void>): Promise<void> {
  const nets: string[] = [];
  const containers: string[] = [];
  try {
    await fn((prefix = 'net') => {
      const n = ctx.name(prefix);
      nets.push(n);
      return n;
    }, containers);
  } finally {
    for (const c of containers) await apiRequest(ctx.daemon.socket, 'DELETE', `/containers/${encodeURIComponent(c)}?force=1`).catch(() => undefined);
    for (const n of nets) await apiRequest(ctx.daemon.socket, 'DELETE', `/networks/${encodeURIComponent(n)}`).catch(() => undefined);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1, with `span - 1` free-looking neighbours. */
async function freePort(span = 1): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = 20000 + Math.floor(Math.random() * 20000);
    const ok = await Promise.all(Array.from({ length: span }, (_, k) => new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p + k, '127.0.0.1', () => s.close(() => resolve(true)));
    })));
    if (ok.every(Boolean)) return p;
  }
  throw new Error('no free port range found');
}

conformance('network', [
  {
    title: 'network create, ls, inspect, rm',
    async fn(ctx) {
      const { ok, run, daemon, cli } = ctx;
      await withNetworks(ctx, async (net) => {
        const n = net();
        const sub = subnet(daemon, cli, 1);
        const prefix = sub.slice(0, sub.lastIndexOf('.'));
        const id = (await ok(['network', 'create', '--subnet', sub, '--gateway', `${prefix}.1`, '--ip-range', `${prefix}.128/25`,
          '--internal', '--attachable', '--label', 'k=v', '--label', 'bare', n])).trim();
        assert.match(id, /^[0-9a-f]{64}$/);
        const table = await ok(['network', 'ls']);
        assert.match(table, /^NETWORK ID {5}NAME +DRIVER {4}SCOPE\n/);
        assert.ok(table.split('\n').some((l) => new RegExp(`^${id.slice(0, 12)} {3}${n} +bridge {4}local$`).test(l)), table);
        for (const builtin of ['host', 'none']) assert.match(table, new RegExp(`^[0-9a-f]{12}\\s+${builtin}\\s+${builtin === 'none' ? 'null' : 'host'}\\s+local$`, 'm'));
        assert.ok((await ok(['network', 'ls', '-q'])).split('\n').includes(id.slice(0, 12)));
        assert.ok((await ok(['network', 'ls', '-q', '--no-trunc'])).split('\n').includes(id));
        assert.equal(await ok(['network', 'ls', '--filter', `name=${n}`, '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}} {{.Label "k"}}']), `${n} bridge local true v\n`);
        assert.equal(await ok(['network', 'ls', '--filter', `id=${id}`, '--format', '{{.ID}}', '--no-trunc']), `${id}\n`);
        const f = '{{.Name}}|{{.Driver}}|{{.Scope}}|{{.Internal}}|{{.Attachable}}|{{.EnableIPv6}}|{{json .Labels}}|{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}} {{.IPRange}}{{end}}|{{.IPAM.Driver}}|{{len .Containers}}';
        const want = `${n}|bridge|local|true|true|false|{"bare":"","k":"v"}|${sub} ${prefix}.1 ${prefix}.128/25|default|0\n`;
        assert.equal(await ok(['network', 'inspect', '-f', f, n]), want);
        assert.equal(await ok(['network', 'inspect', '-f', '{{.Name}}', id.slice(0, 12)]), `${n}\n`);
        const json = JSON.parse(await ok(['network', 'inspect', n])) as { Id: string; Name: string; Created: string; ConfigFrom: { Network: string } }[];
        assert.equal(json.length, 1);
        assert.equal(json[0]!.Id, id);
        assert.match(json[0]!.Created, /^\d{4}-\d\d-\d\dT/);
        assert.deepEqual(json[0]!.ConfigFrom, { Network: '' });
        // the generic inspect finds networks too
        assert.equal(await ok(['inspect', '-f', '{{.Name}} {{.Driver}}', n]), `${n} bridge\n`);
        assert.equal(await ok(['inspect', '--type', 'network', '-f', '{{.Id}}', n]), `${id}\n`);
        assert.equal(await ok(['network', 'rm', n]), `${n}\n`);
        const again = await run(['network', 'rm', n]);
        assert.equal(again.code, 1);
        assert.equal(again.stdout, '');
        assert.match(again.stderr, new RegExp(`^Error response from daemon: network ${n} not found\\n`));
        const forced = await run(['network', 'rm', '-f', n]);
        assert.deepEqual([forced.code, forced.stdout, forced.stderr], [0, '', '']);
        const missing = await run(['network', 'inspect', n]);
        assert.equal(missing.code, 1);
        assert.equal(missing.stdout, '[]\n');
        assert.equal(missing.stderr, `Error response from daemon: network ${n} not found\n`);
      });
    },
  },
  {
    title: 'network create errors: duplicate name, second host network, IPAM flags',
    async fn(ctx) {
      const { ok, run, daemon, cli } = ctx;
      await withNetworks(ctx, async (net) => {
        const n = net();
        await ok(['network', 'create', n]);
        const dup = await run(['network', 'create', n]);
        assert.equal(dup.code, 1);
        assert.equal(dup.stderr, `Error response from daemon: network with name ${n} already exists\n`);
        const host = await run(['network', 'create', '-d', 'host', net()]);
        assert.equal(host.code, 1);
        assert.equal(host.stderr, 'Error response from daemon: only one instance of "host" network is allowed\n');
        const sub = subnet(daemon, cli, 2);
        const noMatch = await run(['network', 'create', '--subnet', sub, '--gateway', '10.251.0.1', net()]);
        assert.deepEqual([noMatch.code, noMatch.stderr], [1, 'no matching subnet for gateway 10.251.0.1\n']);
        const noSubnet = await run(['network', 'create', '--ip-range', sub, net()]);
        assert.deepEqual([noSubnet.code, noSubnet.stderr], [1, 'every ip-range or gateway must have a corresponding subnet\n']);
        const args = await run(['network', 'create']);
        assert.equal(args.code, 1);
        assert.match(args.stderr, new RegExp(`^${cli.name}: '${cli.name} network create' requires 1 argument\\n`));
      });
    },
  },
  {
    title: 'network rm of a predefined network, of one in use, several at once',
    async fn(ctx) {
      const { ok, run } = ctx;
      await withNetworks(ctx, async (net, containers) => {
        const pre = await run(['network', 'rm', 'host']);
        assert.equal(pre.code, 1);
        assert.equal(pre.stderr, 'Error response from daemon: host is a pre-defined network and cannot be removed\nexit status 1\n');
        const used = net();
        const free = net();
        await ok(['network', 'create', used]);
        await ok(['network', 'create', free]);
        const c = ctx.name();
        containers.push(c);
        await ok(['run', '-d', '--name', c, '--network', used, 'busybox', 'sleep', '300']);
        const r = await run(['network', 'rm', used, 'nosuch-net-x', free]);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, `${free}\n`);
        const lines = r.stderr.trimEnd().split('\n');
        assert.match(lines[0]!, new RegExp(`^Error response from daemon: error while removing network: network ${used} (id [0-9a-f]+ )?has active endpoints`));
        assert.equal(lines[1], 'Error response from daemon: network nosuch-net-x not found');
        assert.equal(lines[2], 'exit status 1');
      });
    },
  },
  {
    title: 'network connect and disconnect',
    async fn(ctx) {
      const { ok, run } = ctx;
      await withNetworks(ctx, async (net, containers) => {
        const a = net();
        const b = net();
        await ok(['network', 'create', a]);
        await ok(['network', 'create', b]);
        const c = ctx.name();
        containers.push(c);
        await ok(['run', '-d', '--name', c, '--network', a, 'busybox', 'sleep', '300']);
        assert.equal(await ok(['network', 'connect', '--alias', 'al1,al2', b, c]), '');
        const info = await inspectContainer(ctx.daemon, c);
        assert.deepEqual(Object.keys(info.NetworkSettings.Networks).sort(), [a, b].sort());
        const aliases = info.NetworkSettings.Networks[b].Aliases as string[];
        assert.ok(aliases.includes('al1') && aliases.includes('al2'), JSON.stringify(aliases));
        const members = await ok(['network', 'inspect', '-f', '{{range .Containers}}{{.Name}}{{end}}', b]);
        assert.equal(members, `${c}\n`);
        assert.equal(await ok(['network', 'disconnect', b, c]), '');
        const after = await inspectContainer(ctx.daemon, c);
        assert.deepEqual(Object.keys(after.NetworkSettings.Networks), [a]);
        const again = await run(['network', 'disconnect', b, c]);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /^Error response from daemon: /);
      });
    },
  },
  {
    title: 'network prune: prompt, unused networks only',
    async fn(ctx) {
      const { ok } = ctx;
      await withNetworks(ctx, async (net, containers) => {
        const u1 = net();
        const u2 = net();
        const used = net();
        for (const n of [u1, u2, used]) await ok(['network', 'create', n]);
        const c = ctx.name();
        containers.push(c);
        // A running container (an endpoint) keeps its network.
        await ok(['run', '-d', '--name', c, '--network', used, 'busybox', 'sleep', '300']);
        const no = await ok(['network', 'prune'], { input: 'n\n' });
        assert.equal(no, 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ');
        const out = await ok(['network', 'prune', '-f']);
        const lines = out.split('\n');
        assert.equal(lines[0], 'Deleted Networks:');
        assert.ok(lines.includes(u1) && lines.includes(u2), out);
        assert.ok(!lines.includes(used), out);
        assert.ok(out.endsWith('\n\n'), JSON.stringify(out));
        const left = (await ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n');
        assert.ok(left.includes(used) && !left.includes(u1) && !left.includes(u2));
        assert.equal(await ok(['network', 'prune', '-f', '--filter', 'label=nothing-has-this']), '');
      });
    },
  },
  {
    title: 'run with --network, --ip, --network-alias, --link; client-side network errors',
    async fn(ctx) {
      const { ok, run, daemon, cli } = ctx;
      await withNetworks(ctx, async (net, containers) => {
        const a = net();
        const sub = subnet(daemon, cli, 3);
        const prefix = sub.slice(0, sub.lastIndexOf('.'));
        await ok(['network', 'create', '--subnet', sub, a]);
        const peer = ctx.name();
        const c = ctx.name();
        containers.push(peer, c);
        await ok(['run', '-d', '--name', peer, '--network', a, 'busybox', 'sleep', '300']);
        await ok(['run', '-d', '--name', c, '--network', a, '--ip', `${prefix}.77`, '--network-alias', 'web', '--link', `${peer}:db`, 'busybox', 'sleep', '300']);
        const nets = (await inspectContainer(daemon, c)).NetworkSettings.Networks as Record<string, { IPAddress: string; Aliases: string[] | null; Links: string[] | null }>;
        assert.deepEqual(Object.keys(nets), [a]);
        assert.equal(nets[a]!.IPAddress, `${prefix}.77`);
        assert.ok(nets[a]!.Aliases?.includes('web'), JSON.stringify(nets[a]));
        assert.ok(nets[a]!.Links?.some((l) => l.endsWith(':db') || l.endsWith('/db')), JSON.stringify(nets[a]));
        assert.equal(await ok(['inspect', '-f', '{{.HostConfig.NetworkMode}}', c]), `${a}\n`);
        const alias = await run(['run', '--rm', '--network-alias', 'x', 'busybox', 'true']);
        assert.equal(alias.code, 125);
        assert.equal(alias.stderr.split('\n')[0]?.replace(/^[a-z]+: /, ''), 'network-scoped aliases are only supported for user-defined networks');
        const mixed = await run(['run', '--rm', '--network', a, '--network', 'host', 'busybox', 'true']);
        assert.equal(mixed.code, 125);
        assert.match(mixed.stderr, /conflicting options: cannot attach both user-defined and non-user-defined network-modes/);
      });
    },
  },
  {
    title: 'run on two networks, the second in the long syntax (API 1.44)',
    skip: () => (engineUnderTest() === 'docker' ? 'the reference dockerd speaks API 1.41 (one network at create)' : null),
    async fn(ctx) {
      const { ok, daemon } = ctx;
      await withNetworks(ctx, async (net, containers) => {
        const a = net();
        const b = net();
        await ok(['network', 'create', a]);
        await ok(['network', 'create', b]);
        const c = ctx.name();
        containers.push(c);
        await ok(['run', '-d', '--name', c, '--network', a, '--network-alias', 'web', '--network', `name=${b},alias=api`, 'busybox', 'sleep', '300']);
        const nets = (await inspectContainer(daemon, c)).NetworkSettings.Networks as Record<string, { Aliases: string[] | null }>;
        assert.deepEqual(Object.keys(nets).sort(), [a, b].sort());
        assert.ok(nets[a]!.Aliases?.includes('web'), JSON.stringify(nets[a]));
        assert.ok(nets[b]!.Aliases?.includes('api'), JSON.stringify(nets[b]));
        assert.equal(await ok(['inspect', '-f', '{{.HostConfig.NetworkMode}}', c]), `${a}\n`);
      });
    },
  },
  {
    title: 'run --mac-address sets the endpoint MAC (API 1.44)',
    skip: () => (engineUnderTest() === 'docker' ? 'the reference dockerd speaks API 1.41 (docker 28 refuses --mac-address there)' : null),
    async fn(ctx) {
      const { ok } = ctx;
      await withNetworks(ctx, async (net, containers) => {
        const a = net();
        await ok(['network', 'create', a]);
        const c = ctx.name();
        containers.push(c);
        await ok(['run', '-d', '--name', c, '--network', a, '--mac-address', '02:42:ac:11:ff:01', 'busybox', 'sleep', '300']);
        assert.equal(await ok(['inspect', '-f', `{{(index .NetworkSettings.Networks "${a}").MacAddress}}`, c]), '02:42:ac:11:ff:01\n');
        assert.equal(await ok(['exec', c, 'cat', '/sys/class/net/eth0/address']), '02:42:ac:11:ff:01\n');
      });
    },
  },
  {
    title: 'run on an unknown network fails with docker error',
    async fn({ run, name, cli }) {
      const r = await run(['run', '--name', name(), '--network', 'nosuch-net-y', 'busybox', 'true']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, new RegExp(`^${cli.name}: Error response from daemon: network nosuch-net-y not found`));
    },
  },
  {
    title: 'run -p: port lines and the ps PORTS column',
    async fn(ctx) {
      const { ok } = ctx;
      await withNetworks(ctx, async (net, containers) => {
        const n = net();
        await ok(['network', 'create', n]);
        const p = await freePort(3);
        const q = await freePort(2);
        const c = ctx.name();
        containers.push(c);
        await ok(['run', '-d', '--name', c, '--network', n, '-p', `127.0.0.1:${p}-${p + 2}:80-82`, '-p', `127.0.0.1:${q}-${q + 1}:${q}-${q + 1}/udp`,
          '-p', '127.0.0.1::7000', '--expose', '90', 'busybox', 'sleep', '300']);
        const lines = (await ok(['port', c])).trimEnd().split('\n');
        const eph = lines.find((l) => l.startsWith('7000/tcp -> '));
        assert.match(eph ?? '', /^7000\/tcp -> 127\.0\.0\.1:\d+$/, lines.join('\n'));
        const e = Number(eph!.split(':').pop());
        const want = [`80/tcp -> 127.0.0.1:${p}`, `81/tcp -> 127.0.0.1:${p + 1}`, `82/tcp -> 127.0.0.1:${p + 2}`,
          `${q}/udp -> 127.0.0.1:${q}`, `${q + 1}/udp -> 127.0.0.1:${q + 1}`, `7000/tcp -> 127.0.0.1:${e}`];
        assert.deepEqual([...lines].sort(), [...want].sort());
        assert.equal(await ok(['port', c, '81']), `127.0.0.1:${p + 1}\n`);
        assert.equal(await ok(['port', c, `${q}/udp`]), `127.0.0.1:${q}\n`);
        const none = await ctx.run(['port', c, '90']);
        assert.deepEqual([none.code, none.stderr], [1, `Error: No public port '90' published for ${c}\n`]);
        const ports = await ok(['ps', '--filter', `name=${c}`, '--format', '{{.Ports}}']);
        const parts = ports.trimEnd().split(', ');
        assert.ok(parts.includes('90/tcp'), ports);
        assert.ok(parts.includes(`127.0.0.1:${q}-${q + 1}->${q}-${q + 1}/udp`), ports);
        assert.deepEqual(parts.filter((x) => x.includes('->') && !x.includes('/udp')),
          [`127.0.0.1:${p}->80/tcp`, `127.0.0.1:${p + 1}->81/tcp`, `127.0.0.1:${p + 2}->82/tcp`, `127.0.0.1:${e}->7000/tcp`]);
        // Grouped ports come first, in docker's order of first appearance (sorted by private port).
        assert.ok(parts.indexOf('90/tcp') < parts.indexOf(`127.0.0.1:${p}->80/tcp`), ports);
      });
    },
  },
  {
    title: 'run -p with a bad spec fails on the client',
    async fn({ run, cli }) {
      for (const [spec, msg] of [['x', 'invalid containerPort: x'], ['x:80', 'invalid hostPort: x'], ['80/xyz', 'invalid proto: xyz'], ['bad.ip:80:80', 'invalid IP address: bad.ip']]) {
        const r = await run(['run', '--rm', '-p', spec!, 'busybox', 'true']);
        assert.equal(r.code, 125, `${spec}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`(^|${cli.name}: )${msg!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
      }
    },
  },
]);
