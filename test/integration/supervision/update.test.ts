// Integration: docker update against pierd — values in inspect and in the cgroup files of a
// running container, Docker's errors, restart policy changes taking effect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apiRequest, runDocker, type TestDaemon, startBusyboxDaemon } from '../../harness/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads a cgroup file of process `pid` for `controller` (v1 layout, or the v2 unified tree). */
function cgroupFile(pid: number, controller: string, v1: string, v2: string): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  for (const l of lines) {
    const [, ctrls, p] = l.split(':') as [string, string, string];
    if (ctrls.split(',').includes(controller)) return readFileSync(`/sys/fs/cgroup/${controller}${p}/${v1}`, 'utf8').trim();
  }
  const unified = lines.find((l) => l.startsWith('0::'))!.slice(3);
  return readFileSync(`/sys/fs/cgroup${unified}/${v2}`, 'utf8').trim();
}

describe('docker update (pierd)', { concurrency: false }, () => {
  let d: TestDaemon;
  let skip = false;
  before(async (t) => {
    ({ d, skip } = await startBusyboxDaemon(t as never, { name: 'sup-upd' }));
  });
  after(async () => {
    await d?.stop();
  });
  const docker = (args: string[]) => runDocker(d, args);
  const inspect = async (name: string, fmt: string) => (await docker(['inspect', '-f', fmt, name])).stdout.trim();

  test('memory, cpus, pids and restart policy on a running container', async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'up', 'busybox', 'sleep', '1000']);
    // As in Docker: a memory limit above the (unset) swap limit needs --memory-swap too.
    const bad = await docker(['update', '--memory', '64m', 'up']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/);
    const r = await docker(['update', '--memory', '64m', '--memory-swap', '128m', '--cpus', '0.5', '--pids-limit', '50', '--restart', 'always', 'up']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'up');
    assert.equal(
      await inspect('up', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}'),
      `${64 << 20} ${128 << 20} 500000000 50 always`,
    );
    const pid = Number(await inspect('up', '{{.State.Pid}}'));
    assert.equal(cgroupFile(pid, 'memory', 'memory.limit_in_bytes', 'memory.max'), String(64 << 20));
    assert.equal(cgroupFile(pid, 'pids', 'pids.max', 'pids.max'), '50');
    const quota = cgroupFile(pid, 'cpu', 'cpu.cfs_quota_us', 'cpu.max');
    assert.ok(quota === '50000' || quota === '50000 100000', quota);
    // The new policy applies at the next exit.
    process.kill(pid, 'SIGKILL');
    const end = Date.now() + 10_000;
    while (Date.now() < end && (await inspect('up', '{{.RestartCount}} {{.State.Running}} {{.State.Restarting}}')) !== '1 true false') await sleep(100);
    assert.equal(await inspect('up', '{{.RestartCount}} {{.State.Running}}'), '1 true');
    // Limits are kept for the restarted process.
    const pid2 = Number(await inspect('up', '{{.State.Pid}}'));
    assert.equal(cgroupFile(pid2, 'pids', 'pids.max', 'pids.max'), '50');
    const ev = await docker(['events', '--since', String(Math.floor(Date.now() / 1000) - 30), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'container=up', '--filter', 'event=update', '--format', '{{.Action}}']);
    assert.equal(ev.stdout.trim(), 'update');
    // -1 lifts the limit on the running container (crun needs pierd to write "max" itself).
    assert.equal((await docker(['update', '--pids-limit', '-1', 'up'])).code, 0);
    assert.equal(cgroupFile(pid2, 'pids', 'pids.max', 'pids.max'), 'max');
    await docker(['rm', '-f', 'up']);
  });

  test('stopped containers: recorded, applied at the next start', async (t) => {
    if (skip) return t.skip();
    await docker(['create', '--name', 'ups', 'busybox', 'sleep', '1000']);
    assert.equal((await docker(['update', '--pids-limit', '33', 'ups'])).code, 0);
    assert.equal(await inspect('ups', '{{.HostConfig.PidsLimit}}'), '33');
    await docker(['start', 'ups']);
    const pid = Number(await inspect('ups', '{{.State.Pid}}'));
    assert.equal(cgroupFile(pid, 'pids', 'pids.max', 'pids.max'), '33');
    await docker(['rm', '-f', 'ups']);
  });

  test("Docker's errors", async (t) => {
    if (skip) return t.skip();
    await docker(['run', '-d', '--name', 'uperr', '--cpus', '1', 'busybox', 'sleep', '1000']);
    const cpus = await docker(['update', '--cpus', '64', 'uperr']);
    assert.match(cpus.stderr, /Range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available/);
    const period = await docker(['update', '--cpu-period', '50000', 'uperr']);
    assert.match(period.stderr, /Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set/);
    const pol = await apiRequest(d.socket, 'POST', '/containers/uperr/update', { body: { RestartPolicy: { Name: 'sometimes' } } });
    assert.equal(pol.status, 400);
    assert.match(pol.body, /invalid restart policy: unknown policy 'sometimes'/);
    const none = await apiRequest(d.socket, 'POST', '/containers/nope/update', { body: {} });
    assert.equal(none.status, 404);
    const ok = await apiRequest(d.socket, 'POST', '/containers/uperr/update', { body: { CpuShares: 512 } });
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(ok.json(), { Warnings: [] });
    await docker(['run', '-d', '--rm', '--name', 'uprm', 'busybox', 'sleep', '1000']);
    const rm = await docker(['update', '--restart', 'always', 'uprm']);
    assert.match(rm.stderr, /Cannot update container [0-9a-f]{64}: Restart policy cannot be updated because AutoRemove is enabled for the container/);
    await docker(['rm', '-f', 'uperr', 'uprm']);
  });
});
