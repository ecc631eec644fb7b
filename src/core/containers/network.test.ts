import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EngineError } from '../../lib/errors.js';
import { FakeNetworks, makeService, tick } from './fakes.test-helper.js';
import { linkEnv, linkHostsLine } from './links.js';
import { parseLink } from './network-mode.js';
import { withNdots0 } from './network-attach.js';
import { execEnv } from './exec-process.js';
import { portFilterKeys, portFilterMatches } from './filters.js';

const kindOf = (kind: string, msg?: string | RegExp) => (e: unknown) =>
  e instanceof EngineError && e.kind === kind && (msg === undefined || (typeof msg === 'string' ? e.message === msg : msg.test(e.message)));

test('links: env and hosts line as Docker', () => {
  const l = {
    alias: 'db-1',
    fullName: '/app/db-1',
    childName: 'database',
    childHostname: 'abc',
    childIp: '10.0.0.5',
    childEnv: ['PATH=/bin', 'PASS=x=y', 'HOME=/root'],
    childPorts: ['5432/tcp', '53/udp', '53/tcp'],
  };
  assert.deepEqual(linkEnv(l), [
    'DB_1_PORT=tcp://10.0.0.5:53',
    'DB_1_PORT_53_TCP=tcp://10.0.0.5:53',
    'DB_1_PORT_53_TCP_ADDR=10.0.0.5',
    'DB_1_PORT_53_TCP_PORT=53',
    'DB_1_PORT_53_TCP_PROTO=tcp',
    'DB_1_PORT_53_UDP=udp://10.0.0.5:53',
    'DB_1_PORT_53_UDP_ADDR=10.0.0.5',
    'DB_1_PORT_53_UDP_PORT=53',
    'DB_1_PORT_53_UDP_PROTO=udp',
    'DB_1_PORT_5432_TCP=tcp://10.0.0.5:5432',
    'DB_1_PORT_5432_TCP_ADDR=10.0.0.5',
    'DB_1_PORT_5432_TCP_PORT=5432',
    'DB_1_PORT_5432_TCP_PROTO=tcp',
    'DB_1_NAME=/app/db-1',
    'DB_1_ENV_PASS=x=y',
  ]);
  assert.equal(linkHostsLine(l), '10.0.0.5\tdb-1 abc database');
  assert.equal(linkHostsLine({ ...l, alias: 'database' }), '10.0.0.5\tdatabase abc');
  assert.deepEqual(parseLink('web'), { name: 'web', alias: 'web' });
  assert.deepEqual(parseLink('web:w'), { name: 'web', alias: 'w' });
  assert.deepEqual(parseLink('/web:/app/w'), { name: 'web', alias: 'w' });
});

test('resolv.conf of the embedded DNS: ndots:0 unless given', () => {
  assert.equal(withNdots0('nameserver 1.1.1.1\n'), 'nameserver 1.1.1.1\noptions ndots:0\n');
  assert.equal(withNdots0('search a\nnameserver 1.1.1.1\noptions edns0\n'), 'search a\nnameserver 1.1.1.1\noptions edns0 ndots:0\n');
  assert.equal(withNdots0('nameserver 1.1.1.1\noptions ndots:3\n'), 'nameserver 1.1.1.1\noptions ndots:3\n');
});

test('port filters', () => {
  assert.deepEqual(portFilterKeys('80'), ['80/tcp']);
  assert.deepEqual(portFilterKeys('8000-8002/udp'), ['8000/udp', '8001/udp', '8002/udp']);
  assert.throws(() => portFilterKeys('x'), /Unable to parse port filter: x/);
  const ports = [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' as const }, { PrivatePort: 53, Type: 'udp' as const }];
  assert.equal(portFilterMatches(ports, ['8080']), true);
  assert.equal(portFilterMatches(ports, ['80']), false);
  assert.equal(portFilterMatches(ports, undefined, ['80']), true);
  assert.equal(portFilterMatches(ports, undefined, ['53/udp']), true);
  assert.equal(portFilterMatches(ports, undefined, ['53']), false);
});

test('create: network modes, Docker validation messages, links', async () => {
  const networks = new FakeNetworks();
  networks.addNetwork('mynet');
  const t = await makeService({ networks });
  try {
    const bad = await t.svc.create('bad', { Image: 'busybox', HostConfig: { NetworkMode: 'nosuch' } });
    await assert.rejects(t.svc.start(bad.Id), kindOf('NotFound', 'network nosuch not found'));
    assert.deepEqual(Object.keys((await t.svc.inspect(bad.Id)).NetworkSettings.Networks), ['nosuch']);
    await assert.rejects(
      t.svc.create('aa', { Image: 'busybox', NetworkingConfig: { EndpointsConfig: { default: { IPAMConfig: { IPv4Address: '10.99.0.9' } } } } }),
      kindOf('InvalidArgument', 'invalid endpoint settings:\nuser specified IP address is supported on user defined networks only'),
    );
    await assert.rejects(
      t.svc.create('aa', { Image: 'busybox', HostConfig: { NetworkMode: 'bridge' }, NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: ['x'] } } } }),
      kindOf('InvalidArgument', /network-scoped alias is supported only for containers in user defined networks/),
    );
    await assert.rejects(t.svc.create('aa', { Image: 'busybox', HostConfig: { Links: ['nosuch:x'] } }), kindOf('InvalidArgument', 'could not get container for nosuch: No such container: nosuch'));
    const badc = await t.svc.create('badc', { Image: 'busybox', HostConfig: { NetworkMode: 'container:nosuch' } });
    assert.equal((await t.svc.inspect(badc.Id)).HostConfig.NetworkMode, 'container:nosuch');
    await assert.rejects(t.svc.start(badc.Id), kindOf('NotFound', 'No such container: nosuch'));
    const { Id: webId } = await t.svc.create('web', { Image: 'busybox', ExposedPorts: { '80/tcp': {} }, Env: ['SECRET=1'] });
    await assert.rejects(
      t.svc.create('aa', { Image: 'busybox', Hostname: 'hh', HostConfig: { NetworkMode: 'container:web' } }),
      kindOf('InvalidArgument', 'conflicting options: hostname and the network mode'),
    );
    await assert.rejects(
      t.svc.create('aa', { Image: 'busybox', HostConfig: { NetworkMode: 'container:web', PortBindings: { '80/tcp': [{ HostPort: '80' }] } } }),
      kindOf('InvalidArgument', 'conflicting options: port publishing and the container type network mode'),
    );
    await assert.rejects(
      t.svc.create('aa', { Image: 'busybox', HostConfig: { NetworkMode: 'host', Links: ['web'] } }),
      kindOf('InvalidArgument', /host type networking can't be used with links/),
    );
    const host = await t.svc.create('hh', { Image: 'busybox', HostConfig: { NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '80' }] } } });
    assert.deepEqual(host.Warnings, ['Published ports are discarded when using host network mode']);
    const joined = await t.svc.create('jj', { Image: 'busybox', HostConfig: { NetworkMode: 'container:web' } });
    assert.equal((await t.svc.inspect(joined.Id)).HostConfig.NetworkMode, `container:${webId}`);
    assert.deepEqual((await t.svc.inspect(joined.Id)).NetworkSettings.Networks, {});
    const user = await t.svc.create('uu', { Image: 'busybox', HostConfig: { NetworkMode: 'mynet' }, NetworkingConfig: { EndpointsConfig: { mynet: { Aliases: ['al'] } } } });
    const ui = await t.svc.inspect(user.Id);
    assert.deepEqual(Object.keys(ui.NetworkSettings.Networks), ['mynet']);
    assert.equal(ui.NetworkSettings.Networks.mynet!.NetworkID, networks.resolve('mynet').id);
    assert.deepEqual(ui.NetworkSettings.Networks.mynet!.Aliases, ['al']);
    const app = await t.svc.create('app', { Image: 'busybox', HostConfig: { Links: ['web:db'] } });
    assert.deepEqual((await t.svc.inspect(app.Id)).HostConfig.Links, ['/web:/app/db']);
  } finally {
    await t.cleanup();
  }
});

test('start: prepare, etc files, links, activate, inspect and list; exit releases', async () => {
  const networks = new FakeNetworks();
  const mynet = networks.addNetwork('mynet');
  const t = await makeService({ networks });
  try {
    const web = await t.svc.create('web', { Image: 'busybox', ExposedPorts: { '80/tcp': {} }, Env: ['SECRET=1'], HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } });
    await t.svc.start('web');
    assert.deepEqual(networks.calls, [`prepare ${web.Id}`, `activate ${web.Id} 4242`]);
    const wi = await t.svc.inspect('web');
    assert.equal(wi.NetworkSettings.IPAddress, '10.99.0.2');
    assert.equal(wi.NetworkSettings.Gateway, '10.99.0.1');
    assert.equal(wi.NetworkSettings.MacAddress, '02:42:0a:63:00:02');
    assert.equal(wi.NetworkSettings.IPPrefixLen, 24);
    assert.match(wi.NetworkSettings.SandboxID, /^[0-9a-f]{64}$/);
    assert.equal(wi.NetworkSettings.SandboxKey, '/proc/4242/ns/net');
    assert.deepEqual(wi.NetworkSettings.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] });
    assert.equal(wi.NetworkSettings.Networks.bridge!.IPAddress, '10.99.0.2');
    assert.equal(wi.NetworkSettings.Networks.bridge!.NetworkID, networks.resolve('bridge').id);
    const hosts = await readFile(wi.HostsPath, 'utf8');
    assert.match(hosts, new RegExp(`\\n10\\.99\\.0\\.2\\t${web.Id.slice(0, 12)}\\n$`));
    assert.match(await readFile(wi.ResolvConfPath, 'utf8'), /nameserver 10\.0\.0\.1/);
    const [ps] = await t.svc.list({ filters: new Map([['publish', ['8080']]]) });
    assert.deepEqual(ps!.Ports, [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]);
    assert.equal((await t.svc.list({ filters: new Map([['publish', ['8081']]]) })).length, 0);
    assert.equal((await t.svc.list({ filters: new Map([['network', [networks.resolve('bridge').id]]]) })).length, 1);

    // A link on the default bridge: env, hosts line.
    const app = await t.svc.create('app', { Image: 'busybox', HostConfig: { Links: ['web:db'], ExtraHosts: ['gw:host-gateway'] } });
    await t.svc.start('app');
    const spec = t.runtime.containers.get(app.Id)!.opts.spec;
    const env = spec.process!.env!;
    assert.ok(env.includes('DB_PORT=tcp://10.99.0.2:80'));
    assert.ok(env.includes('DB_NAME=/app/db'));
    assert.ok(env.includes('DB_ENV_SECRET=1'));
    const execEnvOf = execEnv({ config: { Hostname: 'h', Env: ['X=1'] }, net: { sandboxId: '', sandboxKey: '', linkEnv: ['DB_NAME=/app/db'] } } as never, false, []);
    assert.ok(execEnvOf.includes('DB_NAME=/app/db') && execEnvOf.includes('X=1'));
    const ai = await t.svc.inspect('app');
    const ahosts = await readFile(ai.HostsPath, 'utf8');
    assert.match(ahosts, /10\.99\.0\.1\tgw\n/);
    assert.match(ahosts, new RegExp(`10\\.99\\.0\\.2\\tdb ${web.Id.slice(0, 12)} web\\n`));

    // User network: embedded DNS nameserver, own resolv.conf search kept.
    const u = await t.svc.create('uu', { Image: 'busybox', HostConfig: { NetworkMode: 'mynet', DnsSearch: ['example.org'] } });
    await t.svc.start('uu');
    const ui = await t.svc.inspect('uu');
    assert.equal(await readFile(ui.ResolvConfPath, 'utf8'), 'search example.org\nnameserver ' + mynet.subnet + '.1\noptions ndots:0\n');
    assert.equal(ui.NetworkSettings.IPAddress, '');
    assert.equal(ui.NetworkSettings.Networks.mynet!.IPAddress, `${mynet.subnet}.2`);
    assert.deepEqual(ui.NetworkSettings.Networks.mynet!.Aliases, [u.Id.slice(0, 12)]);
    assert.equal(wi.NetworkSettings.Networks.bridge!.Aliases, null);

    // container: mode joins the target's namespace and files.
    const j = await t.svc.create('jj', { Image: 'busybox', HostConfig: { NetworkMode: 'container:web' } });
    await t.svc.start('jj');
    const jspec = t.runtime.containers.get(j.Id)!.opts.spec;
    assert.deepEqual(jspec.linux!.namespaces!.find((n) => n.type === 'network'), { type: 'network', path: '/proc/4242/ns/net' });
    const ji = await t.svc.inspect('jj');
    assert.equal(ji.Config.Hostname, web.Id.slice(0, 12));
    assert.equal(await readFile(ji.HostsPath, 'utf8'), hosts);

    // Exit releases.
    t.runtime.exitWith(web.Id, 0);
    await tick(50);
    assert.ok(networks.calls.includes(`release ${web.Id}`));
    const stopped = await t.svc.inspect('web');
    assert.equal(stopped.NetworkSettings.SandboxID, '');
    assert.deepEqual(stopped.NetworkSettings.Ports, {});
    assert.equal(stopped.NetworkSettings.Networks.bridge!.IPAddress, '');
    assert.equal(stopped.NetworkSettings.Networks.bridge!.NetworkID, networks.resolve('bridge').id);
  } finally {
    await t.cleanup();
  }
});

test('start failures: container target not running, port taken (wrapped), activate failure releases', async () => {
  const networks = new FakeNetworks();
  const t = await makeService({ networks });
  try {
    const web = await t.svc.create('web', { Image: 'busybox' });
    await t.svc.create('jj', { Image: 'busybox', HostConfig: { NetworkMode: 'container:web' } });
    await assert.rejects(t.svc.start('jj'), kindOf('Conflict', `cannot join network of a non running container: ${web.Id}`));
    networks.takenPorts.add('8080');
    await t.svc.create('pp', { Image: 'busybox', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } });
    await assert.rejects(
      t.svc.start('pp'),
      kindOf('Internal', /^driver failed programming external connectivity on endpoint pp \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated$/),
    );
    networks.failActivate = 'ip failed';
    const a = await t.svc.create('aa', { Image: 'busybox' });
    await assert.rejects(t.svc.start('aa'), /ip failed/);
    assert.ok(networks.calls.includes(`release ${a.Id}`));
    assert.ok(t.runtime.calls.includes(`delete ${a.Id}`));
    assert.equal((await t.svc.inspect('aa')).State.Status, 'created');
  } finally {
    await t.cleanup();
  }
});

test('connect/disconnect: stopped records, running goes live, Docker errors; rename and restore', async () => {
  const networks = new FakeNetworks();
  networks.addNetwork('mynet');
  networks.addNetwork('other');
  const t = await makeService({ networks });
  try {
    const c = await t.svc.create('cc', { Image: 'busybox' });
    await t.svc.connectNetwork!('cc', 'mynet', { Aliases: ['x'] });
    let i = await t.svc.inspect('cc');
    assert.deepEqual(Object.keys(i.NetworkSettings.Networks).sort(), ['bridge', 'mynet']);
    await assert.rejects(t.svc.connectNetwork!('cc', 'host', {}), kindOf('InvalidArgument', 'container cannot be disconnected from host network or connected to host network'));
    await assert.rejects(t.svc.connectNetwork!('cc', 'none', {}), kindOf('InvalidArgument', 'container cannot be connected to multiple networks with one of the networks in private (none) mode'));
    await assert.rejects(t.svc.connectNetwork!('cc', 'nosuch', {}), kindOf('NotFound', 'network nosuch not found'));
    await assert.rejects(t.svc.connectNetwork!('nosuch', 'mynet', {}), kindOf('NotFound', 'No such container: nosuch'));
    await t.svc.create('hh', { Image: 'busybox', HostConfig: { NetworkMode: 'host' } });
    await assert.rejects(t.svc.connectNetwork!('hh', 'mynet', {}), kindOf('InvalidArgument', /sharing network namespace/));
    await assert.rejects(t.svc.disconnectNetwork!('cc', 'other', false), kindOf('Internal', `container ${c.Id} is not connected to the network other`));
    await t.svc.disconnectNetwork!('cc', 'mynet', false);
    assert.deepEqual(Object.keys((await t.svc.inspect('cc')).NetworkSettings.Networks), ['bridge']);

    await t.svc.start('cc');
    await t.svc.connectNetwork!('cc', 'other', {});
    assert.ok(networks.calls.includes(`connect ${c.Id} other 4242`));
    i = await t.svc.inspect('cc');
    assert.equal(i.NetworkSettings.Networks.other!.IPAddress!.startsWith('10.98.'), true);
    const ip = i.NetworkSettings.Networks.other!.IPAddress!;
    assert.match(await readFile(i.HostsPath, 'utf8'), new RegExp(`${ip.replace(/\./g, '\\.')}\\t`));
    await assert.rejects(t.svc.connectNetwork!('cc', 'other', {}), kindOf('PermissionDenied', `endpoint with name cc already exists in network other`));
    await t.svc.disconnectNetwork!('cc', 'other', false);
    assert.ok(networks.calls.includes(`disconnect ${c.Id} other`));
    assert.doesNotMatch(await readFile(i.HostsPath, 'utf8'), new RegExp(`${ip.replace(/\./g, '\\.')}\\t`));
    await assert.rejects(t.svc.disconnectNetwork!('cc', 'other', false), kindOf('Internal', `container ${c.Id} is not connected to network other`));

    // The NetworkMode's own network: gone from the container's networks until connected again.
    await t.svc.stop('cc', { timeout: 1 });
    await t.svc.disconnectNetwork!('cc', 'bridge', false);
    assert.deepEqual((await t.svc.inspect('cc')).NetworkSettings.Networks, {});
    await assert.rejects(t.svc.disconnectNetwork!('cc', 'bridge', false), kindOf('Internal', `container ${c.Id} is not connected to the network bridge`));
    await t.svc.connectNetwork!('cc', 'mynet', {});
    networks.calls.length = 0;
    await t.svc.start('cc');
    assert.equal(networks.requests.get(c.Id)!.networkMode, 'mynet');
    assert.deepEqual(Object.keys((await t.svc.inspect('cc')).NetworkSettings.Networks), ['mynet']);
    await t.svc.stop('cc', { timeout: 1 });
    await t.svc.connectNetwork!('cc', 'bridge', {});
    assert.deepEqual(Object.keys((await t.svc.inspect('cc')).NetworkSettings.Networks), ['bridge', 'mynet']);
    await t.svc.start('cc');

    await t.svc.rename('cc', 'dd');
    assert.ok(networks.calls.includes(`renamed ${c.Id} dd`));

    networks.calls.length = 0;
    await t.svc.close();
    const again = await t.reopen();
    await again.restore();
    assert.ok(networks.calls.includes(`reconcile ${c.Id}`));
    await again.close();
  } finally {
    await t.cleanup();
  }
});

test('rm --link removes a legacy link from its parent', async () => {
  const networks = new FakeNetworks();
  const t = await makeService({ networks });
  try {
    await t.svc.create('web', { Image: 'busybox' });
    await t.svc.create('app', { Image: 'busybox', HostConfig: { Links: ['web:db', 'web:other'] } });
    await assert.rejects(t.svc.remove('/app/nosuch', { link: true }), kindOf('NotFound', 'No such container: /app/nosuch'));
    await assert.rejects(t.svc.remove('/zz/db', { link: true }), kindOf('InvalidArgument', 'Cannot get parent /zz for link name /zz/db'));
    await t.svc.remove('/app/db', { link: true });
    assert.deepEqual((await t.svc.inspect('app')).HostConfig.Links, ['/web:/app/other']);
    await t.svc.rename('web', 'web9');
    await t.svc.rename('app', 'app9');
    assert.deepEqual((await t.svc.inspect('app9')).HostConfig.Links, ['/web9:/app9/other']);
    assert.equal((await t.svc.list({ all: true })).length, 2);
  } finally {
    await t.cleanup();
  }
});
