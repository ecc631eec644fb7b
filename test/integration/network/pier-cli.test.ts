// Integration: the pier CLI's networking commands against a real pierd, side by side with the
// docker CLI on the same daemon — same output for the read-only commands, same errors, and the
// containers it starts reachable (published port, name on a user network, connect/disconnect).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pierCliMissing, runPier, type CliResult, type TestDaemon } from '../../harness/index.js';
import { SUITE_TIMEOUT, dock, freePort, httpGetEventually, httpdCmd, startNetDaemon, type Dock } from './support.js';

describe('network: the pier CLI (pierd, pier and docker CLIs)', { concurrency: false, timeout: SUITE_TIMEOUT }, () => {
  let d: TestDaemon;
  let k: Dock;
  let skip = false;
  let base = '';
  before(async (t) => {
    const missing = pierCliMissing();
    if (missing) {
      process.stderr.write(`# skip: ${missing}\n`);
      skip = true;
      return;
    }
    ({ d, skip } = await startNetDaemon(t as never, 'net-pier'));
    if (skip) return;
    k = dock(d);
    base = d.net?.base ?? '';
  });
  after(async () => {
    await d?.stop();
  });
  const pier = (args: string[]): Promise<CliResult> => {
    const a = (args[0] === 'run' || args[0] === 'create') && !args.includes('--pull') ? [args[0], '--pull', 'never', ...args.slice(1)] : args;
    return runPier(d, a, { timeoutMs: 60_000 });
  };
  const pok = async (args: string[]) => {
    const r = await pier(args);
    assert.equal(r.code, 0, `pier ${args.join(' ')} → ${r.code}\n${r.stderr}`);
    return r.stdout;
  };
  /** Both CLIs give the same stdout and exit status. */
  const same = async (args: string[]) => {
    const [p, dk] = [await pier(args), await k.run(args)];
    assert.equal(p.stdout, dk.stdout, `stdout of ${args.join(' ')}`);
    assert.equal(p.code, dk.code, `status of ${args.join(' ')}`);
    return p.stdout;
  };
  /** Both CLIs fail alike: same status, same first stderr line. */
  const sameError = async (args: string[]) => {
    const [p, dk] = [await pier(args), await k.run(args)];
    assert.notEqual(dk.code, 0, `docker ${args.join(' ')} should fail`);
    assert.equal(p.code, dk.code, `status of ${args.join(' ')}: pier ${p.stderr} / docker ${dk.stderr}`);
    assert.equal(p.stderr.split('\n')[0], dk.stderr.split('\n')[0]);
  };

  test('network create/ls/inspect through pier, read back alike by both CLIs', async (t) => {
    if (skip) return t.skip();
    const id = (await pok(['network', 'create', '--subnet', d.net?.subnet(20) ?? '', '--label', 'via=pier', 'pc1'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    await same(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']);
    await same(['network', 'ls', '-q', '--no-trunc', '--filter', 'label=via=pier']);
    await same(['network', 'inspect', '--format', '{{json .IPAM}} {{.Internal}} {{json .Labels}}', 'pc1']);
    assert.equal(JSON.parse(await pok(['network', 'inspect', 'pc1']))[0].Id, id);
    await sameError(['network', 'create', 'pc1']);
    await sameError(['network', 'rm', 'bridge']);
    await sameError(['network', 'inspect', 'nosuchnet']);
  });

  test('pier run: a published port answers, names resolve, port/inspect read alike', async (t) => {
    if (skip) return t.skip();
    const p = await freePort();
    await pok(['run', '-d', '--name', 'pw', '--network', 'pc1', '--network-alias', 'pweb', '-p', `127.0.0.1:${p}:80`, 'busybox', ...httpdCmd('hello-pier')]);
    assert.equal(await httpGetEventually('127.0.0.1', p), 'hello-pier\n');
    await same(['port', 'pw']);
    await same(['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}} {{$v.Aliases}}{{end}}', 'pw']);
    await pok(['run', '-d', '--name', 'pc', '--network', 'pc1', '--dns', `${base}.0.1`, 'busybox', 'sleep', '600']);
    const r = await pier(['exec', 'pc', 'sh', '-c', 'for i in $(seq 1 20); do wget -qO- http://pweb/ && exit 0; sleep 0.2; done; exit 1']);
    assert.equal(r.stdout, 'hello-pier\n', r.stderr);
    await same(['ps', '--format', '{{.Names}} {{.Ports}} {{.Networks}}', '--filter', 'name=pw']);
  });

  test('pier network connect/disconnect, --network none/host, prune', async (t) => {
    if (skip) return t.skip();
    await pok(['network', 'create', 'pc2']);
    await pok(['network', 'connect', '--alias', 'second', 'pc2', 'pc']);
    assert.equal((await pier(['exec', 'pc', 'ip', '-o', 'link', 'show', 'eth1'])).code, 0);
    await same(['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'pc']);
    await sameError(['network', 'connect', 'pc2', 'pc']);
    await pok(['network', 'disconnect', 'pc2', 'pc']);
    assert.notEqual((await pier(['exec', 'pc', 'ip', '-o', 'link', 'show', 'eth1'])).code, 0);
    assert.equal((await pok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ip -o link | cut -d: -f2 | tr -d " "'])).trim(), 'lo');
    const hostRun = await pier(['run', '--rm', '--network', 'host', '-p', '18081:80', 'busybox', 'true']);
    assert.equal(hostRun.code, 0, hostRun.stderr);
    assert.match(hostRun.stderr, /Published ports are discarded when using host network mode/);
    await pok(['rm', '-f', 'pw', 'pc']);
    const pruned = await pok(['network', 'prune', '-f']);
    assert.match(pruned, /^Deleted Networks:\n/);
    assert.match(pruned, /^pc1$/m);
    assert.match(pruned, /^pc2$/m);
    await same(['network', 'ls', '--format', '{{.Name}}']);
  });
});
