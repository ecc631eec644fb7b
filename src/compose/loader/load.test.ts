import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { toConfigOutput } from '../config-output.js';
import { ComposeError } from '../model.js';
import { dependencyOrder, loadProject, type LoaderOptions } from './index.js';

// dist/src/compose/loader → the repository root is four levels up
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixtures = path.join(root, 'test/compose/fixtures');

function opts(cwd: string, more: Partial<LoaderOptions> = {}): LoaderOptions {
  return { files: [], cwd, env: { HOME: '/home/u' }, profiles: [], envFiles: [], ...more };
}

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'compose-loader-'));
  temps.push(d);
  return d;
}

function tmpProject(files: Record<string, string>, dirName = 'My_App.1'): string {
  const dir = path.join(tmp(), dirName);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

test('load: the counter example (.env, interpolation, user network, named volume)', async () => {
  const dir = path.join(fixtures, 'counter');
  const warnings: string[] = [];
  const p = await loadProject(opts(dir, { warn: (m) => warnings.push(m) }));
  assert.equal(p.name, 'counter');
  assert.equal(p.workingDir, dir);
  assert.deepEqual(p.configFiles, [path.join(dir, 'compose.yaml')]);
  const web = p.services.web!;
  assert.deepEqual(web.build, { context: path.join(dir, 'web'), dockerfile: 'Dockerfile' });
  assert.deepEqual(web.ports, [{ mode: 'ingress', target: 5000, protocol: 'tcp', published: '8000', host_ip: '127.0.0.1' }]);
  assert.deepEqual(web.environment, { KV_HOST: 'kv', GREETING: 'hello from .env' });
  assert.deepEqual(web.networks, { app: null });
  assert.equal(p.services.kv!.image, 'pier-test/kv:latest');
  assert.deepEqual(p.services.kv!.networks, { app: { aliases: ['store'] } });
  assert.deepEqual(p.services.kv!.volumes, [{ type: 'volume', source: 'counter-data', target: '/data', volume: {} }]);
  assert.deepEqual(p.networks, { app: { name: 'counter_app', labels: {} } });
  assert.deepEqual(p.volumes, { 'counter-data': { name: 'counter_counter-data', labels: {} } });
  assert.deepEqual(dependencyOrder(p), [['kv'], ['web']]);
  assert.deepEqual(warnings, []);
  // the process environment wins over .env; -p wins over the directory name
  const q = await loadProject(opts(dir, { env: { WEB_PORT: '9000', KV_IMAGE: 'other' }, projectName: 'demo' }));
  assert.equal(q.name, 'demo');
  assert.equal(q.services.web!.ports[0]!.published, '9000');
  assert.equal(q.services.kv!.image, 'other');
  assert.equal(q.networks.app!.name, 'demo_app');
});

test('load: scaled and depends_on service_healthy examples', async () => {
  const s = await loadProject(opts(path.join(fixtures, 'scaled')));
  assert.equal(s.name, 'scaled');
  assert.equal(s.services.echo!.deploy?.replicas, 3);
  assert.deepEqual(s.networks, { default: { name: 'scaled_default', labels: {} } });
  assert.deepEqual(s.services.client!.command, ['sh', '-c', 'nslookup echo']);
  const h = await loadProject(opts(path.join(fixtures, 'healthy')));
  assert.deepEqual(h.services.db!.healthcheck, { test: ['CMD-SHELL', 'test -f /tmp/ready'], interval: 1e9, timeout: 2e9, retries: 30, start_period: 5e8 });
  assert.deepEqual(h.services.app!.depends_on, { db: { condition: 'service_healthy', required: true, restart: true } });
  assert.equal(h.services.app!.stop_grace_period, 90e9);
  assert.deepEqual(dependencyOrder(h), [['db'], ['app']]);
});

test('load: discovery from a subdirectory, override file, profiles', async () => {
  const dir = path.join(fixtures, 'multi');
  const p = await loadProject(opts(dir));
  assert.deepEqual(p.configFiles, [path.join(dir, 'compose.yaml'), path.join(dir, 'compose.override.yaml')]);
  assert.equal(p.services.web!.image, 'web:dev');
  assert.deepEqual(p.services.web!.command, ['serve', '--debug']);
  assert.deepEqual(p.services.web!.ports.map((x) => x.published), ['8080', '9229']);
  assert.deepEqual(p.services.web!.environment, { A: '1', B: '2' });
  assert.deepEqual(Object.keys(p.services), ['web', 'db']);
  assert.deepEqual(Object.keys(p.disabledServices), ['debug']);
  const withProfile = await loadProject(opts(dir, { profiles: ['debug'] }));
  assert.deepEqual(Object.keys(withProfile.services), ['web', 'db', 'debug']);
  const fromEnv = await loadProject(opts(dir, { env: { COMPOSE_PROFILES: 'debug' } }));
  assert.deepEqual(fromEnv.profiles, ['debug']);
  const named = await loadProject(opts(dir, { services: ['debug'] }));
  assert.ok(named.services.debug);
  // -f: only the named file, no override
  const only = await loadProject(opts(dir, { files: ['compose.yaml'] }));
  assert.equal(only.services.web!.image, 'web:1');
  // found from a child directory
  const child = tmpProject({ 'compose.yml': 'services:\n  a:\n    image: x\n', 'deep/er/.keep': '' }, 'parent');
  const c = await loadProject(opts(path.join(child, 'deep/er')));
  assert.equal(c.workingDir, child);
  assert.equal(c.name, 'parent');
});

test('load: extends from another file and the same file', async () => {
  const dir = path.join(fixtures, 'extends');
  const p = await loadProject(opts(dir));
  const web = p.services.web!;
  assert.equal(web.image, 'pier-test/base');
  assert.deepEqual(web.environment, { FROM_BASE_ENV: 'yes', LEVEL: 'web', SHARED: '1' });
  assert.deepEqual(web.volumes, [{ type: 'bind', source: path.join(dir, 'common/conf'), target: '/conf', read_only: true, bind: { create_host_path: true } }]);
  const worker = p.services.worker!;
  assert.deepEqual(worker.command, ['work']);
  assert.equal(worker.environment.LEVEL, 'web');
  const cyc = tmpProject({ 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: y\n    extends: a\n' });
  await assert.rejects(loadProject(opts(cyc)), /circular reference with extends/);
  const missing = tmpProject({ 'compose.yaml': 'services:\n  a:\n    extends: nope\n' });
  await assert.rejects(loadProject(opts(missing)), /cannot extend service "a"/);
});

test('load: COMPOSE_FILE from the environment or .env', async () => {
  const dir = tmpProject({ 'a.yaml': 'services:\n  a:\n    image: a\n', 'b.yaml': 'services:\n  b:\n    image: b\n', '.env': 'COMPOSE_FILE=a.yaml:b.yaml\n' });
  const p = await loadProject(opts(dir));
  assert.deepEqual(p.configFiles, [path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')]);
  assert.deepEqual(Object.keys(p.services), ['a', 'b']);
  const q = await loadProject(opts(dir, { env: { COMPOSE_FILE: 'b.yaml' } }));
  assert.deepEqual(Object.keys(q.services), ['b']);
});

test('load: project names', async () => {
  const dir = tmpProject({ 'compose.yaml': 'services:\n  a:\n    image: x\n' });
  assert.equal((await loadProject(opts(dir))).name, 'my_app1');
  assert.equal((await loadProject(opts(dir, { env: { COMPOSE_PROJECT_NAME: 'fromenv' } }))).name, 'fromenv');
  await assert.rejects(loadProject(opts(dir, { projectName: 'Bad Name' })), /invalid project name "Bad Name"/);
  const named = tmpProject({ 'compose.yaml': 'name: ${N:-file-name}\nservices:\n  a:\n    image: x\n' });
  assert.equal((await loadProject(opts(named))).name, 'file-name');
  assert.equal((await loadProject(opts(named, { env: { N: 'My App!' } }))).name, 'myapp');
  const empty = tmpProject({ 'compose.yaml': 'services:\n  a:\n    image: x\n' }, '___');
  await assert.rejects(loadProject(opts(empty)), { message: 'project name must not be empty' });
});

test('load: stdin, --env-file, --project-directory', async () => {
  const dir = tmpProject({ 'vars.env': 'IMG=from-env-file\n', 'sub/.keep': '' });
  const p = await loadProject(opts(dir, { files: ['-'], readStdin: async () => 'services:\n  a:\n    image: ${IMG}\n    volumes: ["./d:/d"]\n', envFiles: ['vars.env'], projectDirectory: 'sub' }));
  assert.equal(p.services.a!.image, 'from-env-file');
  assert.equal(p.services.a!.volumes[0]!.source, path.join(dir, 'sub/d'));
  await assert.rejects(loadProject(opts(dir, { files: ['-'], readStdin: async () => 'services: {}\n', envFiles: ['nope.env'] })), {
    message: `couldn't find env file: ${path.join(dir, 'nope.env')}`,
  });
});

test('load: errors', async () => {
  const none = tmp();
  await assert.rejects(loadProject(opts(none)), { message: 'no configuration file provided: not found' });
  await assert.rejects(loadProject(opts(none, { files: ['x.yaml'] })), { message: `open ${path.join(none, 'x.yaml')}: no such file or directory` });
  const cases: [string, RegExp | string, number?][] = [
    ['services:\n  web:\n    image: x\n    foo: 1\n', 'services.web Additional property foo is not allowed', 4],
    ['services:\n  web:\n    image: x\n    ports: "80"\n', 'services.web.ports must be a list', 4],
    ['services:\n  web:\n    image: x\n    environment:\n      A: [1]\n', 'services.web.environment.A must be a string, number, boolean or null', 5],
    ['services:\n  web:\n    image: x\n  db:\n    image: y\n    depends_on:\n      web:\n        condition: bad\n', 'services.db.depends_on.web.condition must be one of the following', 8],
    ['services:\n  web:\n    image: x\n    depends_on: [db]\n', 'service "web" depends on undefined service "db": invalid compose project', 4],
    ['services:\n  web:\n    image: ${IMG:?set IMG}\n', 'required variable IMG is missing a value: set IMG', 3],
    ['services:\n  web:\n    image: ${IMG\n', 'invalid interpolation format for services.web.image', 3],
    ['services:\n  web:\n    image: x\n    build: {context: .}\n    deploy: {replicas: "${N:-2}"}\n    container_name: c\n', "can't set container_name"],
    ['services:\n  web:\n    image: x\n   bad: 1\n', 'yaml: line 4: did not find expected key', 4],
    ['services:\n  web: image: x\n', 'yaml: line 2: mapping values are not allowed in this context', 2],
    ['services:\n  web:\n    image: x\n    volumes: [data:/data]\n', 'service "web" refers to undefined volume data: invalid compose project', 4],
    ['services:\n  web: {}\n', 'service "web" has neither an image nor a build context specified'],
    ['# empty\n', 'empty compose file'],
    ['services:\n  web:\n    image: x\n    network_mode: service:db\n', 'service "web" depends on undefined service "db": invalid compose project', 2],
    ['services:\n  web:\n    image: x\nsecrets:\n  s: {}\n', 'secret "s" must declare either `file` or `environment`', 5],
  ];
  for (const [text, want, line] of cases) {
    const dir = tmpProject({ 'compose.yaml': text });
    await assert.rejects(loadProject(opts(dir)), (e: unknown) => {
      assert.ok(e instanceof ComposeError, String(e));
      if (typeof want === 'string') assert.ok(e.message.includes(want), `${e.message}\n  wanted: ${want}`);
      else assert.match(e.message, want);
      if (line !== undefined) assert.equal(e.where.line, line, e.message);
      return true;
    });
  }
});

test('load: casts interpolated values, version is ignored with a warning, unset variables warn', async () => {
  const dir = tmpProject({ 'compose.yaml': 'version: "3"\nservices:\n  a:\n    image: x${TAG}\n    tty: ${TTY:-true}\n    deploy: {replicas: "${N:-2}"}\n    ports: [{target: "${P:-80}"}]\n' });
  const warnings: string[] = [];
  const p = await loadProject(opts(dir, { warn: (m) => warnings.push(m) }));
  assert.equal(p.services.a!.tty, true);
  assert.equal(p.services.a!.deploy?.replicas, 2);
  assert.equal(p.services.a!.ports[0]!.target, 80);
  assert.ok(warnings.some((w) => w.includes('the attribute `version` is obsolete')));
  assert.ok(warnings.includes('The "TAG" variable is not set. Defaulting to a blank string.'));
  const rawDir = tmpProject({ 'compose.yaml': 'services:\n  a:\n    image: x${TAG}\n    ports: ["${P:-80}:80"]\n    depends_on: [b]\n' });
  const raw = await loadProject(opts(rawDir, { noInterpolate: true, env: {} }));
  assert.equal(raw.services.a!.image, 'x${TAG}');
  assert.deepEqual(raw.services.a!.ports, ['${P:-80}:80']);
  assert.match(toConfigOutput(raw, { format: 'yaml' }), /ports:\n {6}- \$\{P:-80\}:80\n/);
});

test('load: a 5-service file loads in a few ms', async () => {
  const svc = (n: string, dep?: string) =>
    `  ${n}:\n    image: img/${n}\n    ports: ["${8000 + n.length}:80"]\n    environment: [A=1, B=2]\n    volumes: ["./${n}:/data", "v:/v"]\n    healthcheck: {test: "true", interval: 5s}\n${dep ? `    depends_on: [${dep}]\n` : ''}`;
  const dir = tmpProject({ 'compose.yaml': `services:\n${svc('a')}${svc('bb', 'a')}${svc('ccc', 'bb')}${svc('dddd')}${svc('eeeee', 'a')}volumes:\n  v:\n` });
  await loadProject(opts(dir));
  const t = performance.now();
  for (let i = 0; i < 20; i++) await loadProject(opts(dir));
  const each = (performance.now() - t) / 20;
  // a few ms alone; generous here because test files run in parallel on a busy machine
  assert.ok(each < 60, `${each} ms per load`);
});

test('load: v2.4 and v3.x file formats', async () => {
  const dir = path.join(fixtures, 'formats');
  const v2 = await loadProject(opts(dir, { files: ['v2.yml'], projectName: 'wp' }));
  assert.equal(v2.services.db!.mem_limit, 512 * 1024 * 1024);
  assert.equal((v2.services.db as unknown as Record<string, unknown>).cpu_shares, 512);
  assert.deepEqual(v2.services.wordpress!.logging, { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
  assert.deepEqual(v2.services.wordpress!.ulimits, { nofile: { soft: 20000, hard: 40000 } });
  assert.deepEqual(v2.services.wordpress!.sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual(v2.volumes, { db_data: { name: 'wp_db_data', labels: {} } });
  const v3 = await loadProject(opts(dir, { files: ['v3.yml'], projectName: 'app' }));
  const web = v3.services.web!;
  assert.deepEqual(web.deploy, {
    replicas: 2,
    resources: { limits: { cpus: '0.50', memory: 50 * 1024 * 1024 } },
    restart_policy: { condition: 'on-failure', delay: 5e9, max_attempts: 3, window: 120e9 },
  });
  assert.deepEqual(web.secrets, [{ source: 'my_secret', target: '/run/secrets/my_secret' }]);
  assert.deepEqual(web.configs, [{ source: 'my_config', target: '/redis_config', mode: 0o440 }]);
  assert.deepEqual(web.tmpfs, ['/run']);
  assert.equal(web.init, true);
  assert.deepEqual(v3.secrets, { my_secret: { name: 'app_my_secret', file: path.join(dir, 'my_secret.txt') } });
  assert.deepEqual(v3.networks.front, { name: 'app_front', labels: {}, driver: 'bridge', ipam: { config: [{ subnet: '172.28.0.0/16' }] } });
});

test('load: include (own project directory and .env, the including file wins, cycles)', async () => {
  const dir = path.join(fixtures, 'include');
  const p = await loadProject(opts(dir));
  assert.deepEqual(Object.keys(p.services).sort(), ['db', 'web']);
  const db = p.services.db!;
  assert.equal(db.image, 'db:from-db-env');
  assert.deepEqual(db.environment, { OVERRIDDEN: 'yes' });
  assert.equal(db.volumes[0]!.source, path.join(dir, 'db/data'));
  assert.deepEqual(p.volumes, { dbdata: { name: 'include_dbdata', labels: {} } });
  const cyc = path.join(fixtures, 'include/cycle');
  await assert.rejects(loadProject(opts(cyc, { files: ['a.yaml'] })), {
    message: `include cycle detected:\n${path.join(cyc, 'a.yaml')}\n include ${path.join(cyc, 'b.yaml')}\n include ${path.join(cyc, 'a.yaml')}`,
  });
});
