// Integration: supervision across pierd restarts — live restore after kill -9 of pierd (logs,
// exec, stop, wait work on the re-adopted container), exits that happened while pierd was down
// recorded and their policy applied, unless-stopped remembering a user stop, always started
// on daemon start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runDocker, type TestDaemon, startBusyboxDaemon } from '../../harness/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('supervision across daemon restarts (pierd)', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  before(async (t) => {
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'sup-dr' }));
  });
  after(async () => {
    await d?.stop();
  });
  const docker = (args: string[]) => runDocker(d, args);
  const inspect = async (name: string, fmt: string) => (await docker(['inspect', '-f', fmt, name])).stdout.trim();

  test('live restore: kill -9 pierd, container keeps running; logs, stop, wait after restart', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'lr', 'busybox', 'sh', '-c', 'echo before; trap "echo bye; exit 7" TERM; while true; do sleep 0.1; done']);
    const pid = Number(await inspect('lr', '{{.State.Pid}}'));
    await d.kill9();
    await sleep(500);
    process.kill(pid, 0); // still alive
    await d.restart();
    assert.equal(await inspect('lr', '{{.State.Running}} {{.State.Pid}}'), `true ${pid}`);
    assert.match((await docker(['logs', 'lr'])).stdout, /^before\n/);
    const ex = await docker(['exec', 'lr', 'echo', 'exec-after-restore']);
    assert.equal(ex.stdout, 'exec-after-restore\n', ex.stderr);
    const wait = docker(['wait', 'lr']);
    await sleep(300);
    assert.equal((await docker(['stop', 'lr'])).code, 0);
    assert.equal((await wait).stdout.trim(), '7');
    assert.equal(await inspect('lr', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 7');
    assert.match((await docker(['logs', 'lr'])).stdout, /bye\n$/);
    await docker(['rm', 'lr']);
  });

  test('exits while pierd is down are recorded; always restarts, no-policy stays exited', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'dal', '--restart', 'always', 'busybox', 'sleep', '1000']);
    await docker(['run', '-d', '--name', 'dno', 'busybox', 'sh', '-c', 'sleep 1; exit 5']);
    const pid = Number(await inspect('dal', '{{.State.Pid}}'));
    await d.kill9();
    process.kill(pid, 'SIGKILL');
    await sleep(1500);
    await d.restart();
    const end = Date.now() + 10_000;
    while (Date.now() < end && (await inspect('dal', '{{.State.Status}}')) !== 'running') await sleep(100);
    // Docker starts it from the daemon's restore, which resets RestartCount.
    const why = () => d.logs().split('\n').filter((l) => /missed|re-adopted|restart|warn|error/i.test(l)).slice(-15).join('\n');
    // (1 when the runtime still listed the process as running and the exit was seen live.)
    assert.match(await inspect('dal', '{{.State.Status}} {{.State.Running}} {{.RestartCount}}'), /^running true [01]$/, why());
    assert.notEqual(await inspect('dal', '{{.State.Pid}}'), String(pid));
    assert.equal(await inspect('dno', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 5');
    const finished = Date.parse(await inspect('dno', '{{.State.FinishedAt}}'));
    const started = Date.parse(await inspect('dno', '{{.State.StartedAt}}'));
    assert.ok(finished - started >= 900, `ran ${finished - started} ms`);
    await docker(['rm', '-f', 'dal', 'dno']);
  });

  test('unless-stopped remembers a user stop; always starts again on daemon start', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'us-run', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
    await docker(['run', '-d', '--name', 'us-stop', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
    await docker(['run', '-d', '--name', 'al-stop', '--restart', 'always', 'busybox', 'sleep', '1000']);
    await docker(['stop', '-t', '0', 'us-stop', 'al-stop']);
    await d.restart();
    assert.equal(await inspect('us-run', '{{.State.Running}}'), 'true');
    assert.equal(await inspect('us-stop', '{{.State.Status}}'), 'exited');
    const end = Date.now() + 10_000;
    while (Date.now() < end && (await inspect('al-stop', '{{.State.Status}}')) !== 'running') await sleep(100);
    assert.equal(await inspect('al-stop', '{{.State.Running}}'), 'true');
    // unless-stopped stopped by the user is started again only by the user.
    await d.kill9();
    await d.restart();
    assert.equal(await inspect('us-stop', '{{.State.Status}}'), 'exited');
    await docker(['rm', '-f', 'us-run', 'us-stop', 'al-stop']);
  });
});
