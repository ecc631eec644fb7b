// `pier compose` in-process against the in-memory Engine API with the real loader: global
// flags, subcommand dispatch, progress lines, ps/ls/config/images output, bad input and the
// file-less `-p` form.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/app.js';
import { startFakeEngine, type FakeEngine } from './fake-engine.js';

const COMPOSE = `services:
  web:
    image: busybox
    command: ["httpd", "-f", "-p", "80"]
    ports: ["127.0.0.1:8080:80"]
    depends_on: [kv]
  kv:
    image: busybox
    volumes: [data:/data]
volumes:
  data:
`;

describe('pier compose CLI (fake engine)', () => {
  let fe: FakeEngine;
  let dir: string;
  let file: string;
  before(async () => {
    fe = await startFakeEngine();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h30cli-'));
    file = path.join(dir, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
  });
  after(async () => {
    await fe.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  async function pier(argv: string[]) {
    const out = new PassThrough();
    const err = new PassThrough();
    const o: Buffer[] = [];
    const e: Buffer[] = [];
    out.on('data', (b: Buffer) => o.push(b));
    err.on('data', (b: Buffer) => e.push(b));
    const code = await runCli(argv, { io: { stdout: out, stderr: err, stdin: Readable.from([]) }, env: { PIER_HOST: fe.host } });
    return { code, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() };
  }
  const compose = (...args: string[]) => pier(['compose', '-f', file, '-p', 'demo', ...args]);

  test('help lists the subcommands; version', async () => {
    const h = await pier(['compose', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^Usage:  pier compose \[OPTIONS\] COMMAND/);
    assert.match(h.stdout, /\n {2}up +Create and start containers\n/);
    assert.match(h.stdout, /--project-name string/);
    const u = await pier(['compose', 'up', '--help']);
    assert.match(u.stdout, /^Usage:  pier compose up \[OPTIONS\] \[SERVICE\.\.\.\]/);
    assert.match(u.stdout, /--abort-on-container-exit/);
    assert.equal((await pier(['compose', 'version', '--short'])).stdout, '2.29.7\n');
    const bad = await pier(['compose', 'bogus']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /unknown docker command: "compose bogus"/);
  });

  test('up -d, ps, ls, images, config, down -v', async () => {
    const up = await compose('up', '-d');
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout, '');
    assert.match(up.stderr, /^ Network demo_default {2}Creating\n Network demo_default {2}Created\n Volume "demo_data" {2}Creating\n Volume "demo_data" {2}Created\n/);
    assert.match(up.stderr, / Container demo-kv-1 {2}Started\n[^]* Container demo-web-1 {2}Started\n/);
    const ps = await compose('ps');
    assert.equal(ps.code, 0, ps.stderr);
    const [head, ...rows] = ps.stdout.trimEnd().split('\n');
    assert.match(head!, /^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS$/);
    assert.deepEqual(rows.map((r) => r.split(/\s+/)[0]), ['demo-kv-1', 'demo-web-1']);
    const json = (await compose('ps', '--format', 'json')).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(json.map((j) => [j.Name, j.Service, j.Project, j.State]), [['demo-kv-1', 'kv', 'demo', 'running'], ['demo-web-1', 'web', 'demo', 'running']]);
    assert.equal((await compose('ps', '--services')).stdout, 'kv\nweb\n');
    assert.equal((await compose('ps', '-q')).stdout.trim().split('\n').length, 2);
    const ls = await pier(['compose', 'ls']);
    assert.match(ls.stdout, /^NAME +STATUS +CONFIG FILES\ndemo +running\(2\) +\/.*compose\.yaml\n$/);
    assert.match((await compose('images')).stdout, /^CONTAINER +REPOSITORY +TAG +IMAGE ID +SIZE\ndemo-kv-1 +busybox +latest +bb/);
    assert.equal((await compose('config', '--services')).stdout, 'kv\nweb\n');
    assert.equal((await compose('config', '--volumes')).stdout, 'data\n');
    const stop = await compose('stop', 'web');
    assert.match(stop.stderr, / Container demo-web-1 {2}Stopped\n/);
    assert.equal((await compose('ps', '-a', '--status', 'exited')).stdout.split('\n')[1]!.split(/\s+/)[0], 'demo-web-1');
    const start = await compose('start');
    assert.match(start.stderr, / Container demo-web-1 {2}Started\n/);
    const down = await compose('down', '-v');
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, / Container demo-web-1 {2}Removed\n[^]* Container demo-kv-1 {2}Removed\n[^]* Network demo_default {2}Removed\n[^]* Volume "demo_data" {2}Removed\n/);
    assert.equal(fe.containers.size + fe.networks.size + fe.volumes.size, 0);
  });

  test('down with -p and no compose file works from the labels', async () => {
    assert.equal((await compose('up', '-d')).code, 0);
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      const r = await pier(['compose', '-p', 'demo', 'down']);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      process.chdir(cwd);
    }
    assert.equal(fe.containers.size, 0);
    assert.equal(fe.networks.size, 0);
  });

  test('bad input: unknown service, bad scale, invalid YAML, missing image', async () => {
    const s = await compose('up', '-d', 'nope');
    assert.equal(s.code, 1);
    assert.equal(s.stderr, 'no such service: nope\n');
    const sc = await compose('up', '-d', '--scale', 'web=x');
    assert.equal(sc.code, 125);
    assert.match(sc.stderr, /invalid --scale option "web=x"/);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'services:\n  web:\n    image: [busybox\n');
    const y = await pier(['compose', '-f', bad, 'up', '-d']);
    assert.equal(y.code, 1);
    assert.match(y.stderr, /bad\.yaml: yaml: line \d+/);
    const noimg = path.join(dir, 'noimg.yaml');
    fs.writeFileSync(noimg, 'services:\n  web:\n    image: missing:1\n');
    const m = await pier(['compose', '-f', noimg, '-p', 'noimg', 'up', '-d']);
    assert.equal(m.code, 1);
    assert.ok(fe.containers.size === 0);
  });
  test('pause, unpause, kill, restart, rm -s -f, create', async () => {
    assert.equal((await compose('create')).code, 0);
    const state = () => [...fe.containers.values()].map((c) => `${c.Name.slice(1)}=${c.State.Status}`).sort().join(' ');
    assert.equal(state(), 'demo-kv-1=created demo-web-1=created');
    assert.equal((await compose('start')).code, 0);
    assert.match((await compose('pause', 'web')).stderr, / Container demo-web-1 {2}Paused\n/);
    assert.equal(state(), 'demo-kv-1=running demo-web-1=paused');
    assert.equal((await compose('unpause')).code, 0);
    assert.equal(state(), 'demo-kv-1=running demo-web-1=running');
    assert.match((await compose('kill', '-s', 'KILL', 'kv')).stderr, / Container demo-kv-1 {2}Killed\n/);
    assert.equal(state(), 'demo-kv-1=exited demo-web-1=running');
    assert.match((await compose('restart')).stderr, / Container demo-kv-1 {2}Started\n/);
    assert.equal(state(), 'demo-kv-1=running demo-web-1=running');
    const none = await compose('rm', '-f');
    assert.equal(none.stderr, 'No stopped containers\n');
    const rm = await compose('rm', '-s', '-f');
    assert.match(rm.stderr, / Container demo-web-1 {2}Removed\n/);
    assert.equal(fe.containers.size, 0);
    await compose('down', '-v');
  });
});
