// Integration: `pier registry serve --htpasswd FILE` with bcrypt entries (as `htpasswd -B` and
// Docker's registry use; generated here with bcryptjs since apache2-utils may be absent):
// docker login, push and pull through pierd; wrong passwords are refused as unauthorized;
// MD5 ($apr1$) files are refused at start with a clear message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { busyboxTarPath, needsRoot, repoRoot } from '../../harness/index.js';
import { has, openEnv, skopeo, waitFor, type RegistryEnv } from './support.js';

/**
 * `pier registry <argv>` as a child process, through the command's entry point
 * (runRegistryCommand in dist/src/registry/main.js) rather than dist/pier.mjs, whose lazy
 * loader path does not match the chunked bundle layout yet.
 */
function registryCommand(argv: string[], stdio: ('ignore' | 'pipe')[]): ChildProcess {
  const main = path.join(repoRoot(), 'dist', 'src', 'registry', 'main.js');
  const script = `import(${JSON.stringify(main)}).then(async (m) => process.exit(await m.runRegistryCommand(${JSON.stringify(argv)})))`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: stdio as never });
}

/** Runs `pier registry serve` on a random loopback port; resolves once it answers. */
async function serve(dir: string, htpasswd: string): Promise<{ host: string; proc: ChildProcess; out: () => string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = registryCommand(['serve', '--addr', `127.0.0.1:${port}`, '--root', path.join(dir, 'htreg'), '--htpasswd', htpasswd], ['ignore', 'pipe', 'pipe']);
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const host = `127.0.0.1:${port}`;
  await waitFor(`http://${host}/v2/`);
  return { host, proc, out: () => out };
}

describe('pier registry --htpasswd with bcrypt entries', { concurrency: false }, () => {
  let env: RegistryEnv;
  let skip = false;
  before(async (t) => {
    if (needsRoot(t as never) || !has('skopeo')) {
      skip = true;
      return;
    }
    env = await openEnv('reghtpw');
    const c = await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${busyboxTarPath()}`, `docker://${env.host}/busybox:1`]);
    assert.equal(c.code, 0, c.out);
    assert.equal((await env.docker(['pull', `${env.host}/busybox:1`])).code, 0);
  });
  after(async () => {
    await env?.close();
  });

  test('login with a $2y$ entry, push, pull; wrong password unauthorized', async (t) => {
    if (skip) return t.skip();
    const { docker, dir } = env;
    const file = path.join(dir, 'htpasswd');
    const y = bcrypt.hashSync('p4ss', 5).replace(/^\$2.\$/, '$2y$');
    await writeFile(file, `# made by the test\nother:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\nu:${y}\n`);
    const reg = await serve(dir, file);
    try {
      const bh = reg.host;
      const v2 = await fetch(`http://${bh}/v2/`);
      assert.equal(v2.status, 401);
      assert.match(v2.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      const wrong = await fetch(`http://${bh}/v2/`, { headers: { Authorization: `Basic ${Buffer.from('u:nope').toString('base64')}` } });
      assert.equal(wrong.status, 401);
      assert.equal(((await wrong.json()) as { errors: { code: string }[] }).errors[0]!.code, 'UNAUTHORIZED');

      await docker(['tag', `${env.host}/busybox:1`, `${bh}/bc/bb:1`]);
      const denied = await docker(['push', `${bh}/bc/bb:1`]);
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr + denied.stdout, /no basic auth credentials|unauthorized/);
      const bad = await docker(['login', '-u', 'u', '--password-stdin', bh], 'wrong\n');
      assert.notEqual(bad.code, 0);
      // Docker's wording for a basic-auth registry refusing the login.
      assert.match(bad.stderr, /login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized/);
      const ok = await docker(['login', '-u', 'u', '--password-stdin', bh], 'p4ss\n');
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /Login Succeeded/);
      const p = await docker(['push', `${bh}/bc/bb:1`]);
      assert.equal(p.code, 0, p.stderr);
      assert.equal((await docker(['rmi', `${bh}/bc/bb:1`])).code, 0);
      const pulled = await docker(['pull', `${bh}/bc/bb:1`]);
      assert.equal(pulled.code, 0, pulled.stderr);
      const sha = await docker(['login', '-u', 'other', '--password-stdin', bh], 'password\n');
      assert.equal(sha.code, 0, sha.stderr);
      await docker(['logout', bh]);
    } finally {
      reg.proc.kill('SIGTERM');
    }
  });

  test('an MD5 ($apr1$) htpasswd file is refused at start with a clear message', async (t) => {
    if (skip) return t.skip();
    const file = path.join(env.dir, 'htpasswd-md5');
    await writeFile(file, 'u:$apr1$Qh0j7wWl$3eD8S1N8eO8bJtE3Jd2yV/\n');
    const proc = registryCommand(['serve', '--addr', '127.0.0.1:0', '--root', path.join(env.dir, 'md5reg'), '--htpasswd', file], ['ignore', 'ignore', 'pipe']);
    let err = '';
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
    assert.equal(code, 1);
    assert.match(err, /MD5 \(\$apr1\$\) passwords are not supported, only bcrypt/);
  });
});
