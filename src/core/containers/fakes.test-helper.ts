/** Fakes of the runtime, image service and snapshotter for the container service's unit tests. */
import { PassThrough, Readable } from 'node:stream';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AttachSession, ContainerRuntime, ExitStatus, RuntimeCreateOptions, RuntimeState } from '../runtime/index.js';
import type { ImageService, ResolvedImage } from '../images/index.js';
import type { Snapshotter } from '../snapshots/index.js';
import { invalidArgument, notFound } from '../../lib/errors.js';
import { nullLogger } from '../../lib/log.js';
import { createEventBus } from '../events/index.js';
import type { EventMessage } from '../../api/types.js';
import { createContainerService } from './service.js';
import type { ContainerService } from './index.js';
import type { NetworkService } from '../networks/index.js';
import type { FakeNetworks } from './fake-networks.test-helper.js';

export { FakeNetworks } from './fake-networks.test-helper.js';

interface FakeContainer {
  opts: RuntimeCreateOptions;
  status: RuntimeState['status'];
  exit: Promise<ExitStatus>;
  resolve(s: ExitStatus): void;
  sessions: { stdout: PassThrough; stderr: PassThrough; stdin?: PassThrough }[];
}

/** A fake runtime: processes exit when killed with TERM/KILL (or via `exit`). */
export class FakeRuntime {
  readonly runtimes = { names: ['runc', 'crun'], default: 'runc' };
  readonly initPath = '/usr/bin/tini';
  readonly containers = new Map<string, FakeContainer>();
  readonly calls: string[] = [];
  failCreate: string | undefined;
  ignoreTerm = false;

  async create(opts: RuntimeCreateOptions) {
    this.calls.push(`create ${opts.id}`);
    if (this.failCreate) throw invalidArgument(this.failCreate);
    let resolve!: (s: ExitStatus) => void;
    const exit = new Promise<ExitStatus>((r) => (resolve = r));
    this.containers.set(opts.id, { opts, status: 'created', exit, resolve, sessions: [] });
    return { pid: 4242 };
  }
  async start(id: string) {
    this.calls.push(`start ${id}`);
    this.get(id).status = 'running';
  }
  /** Makes container `id` exit with `code`; output closes. */
  exitWith(id: string, code: number, oom = false) {
    const c = this.get(id);
    c.status = 'stopped';
    for (const s of c.sessions) {
      s.stdout.end();
      s.stderr.end();
    }
    c.resolve({ exitCode: code, oomKilled: oom, finishedAt: new Date() });
  }
  async kill(id: string, signal: string | number) {
    this.calls.push(`kill ${id} ${signal}`);
    const n = Number(signal);
    if (n === 9 || (n === 15 && !this.ignoreTerm)) setTimeout(() => this.exitWith(id, 128 + n), 5);
  }
  async pause(id: string) {
    this.get(id).status = 'paused';
  }
  async resume(id: string) {
    this.get(id).status = 'running';
  }
  async state(id: string): Promise<RuntimeState> {
    return { status: this.get(id).status, pid: 4242 };
  }
  waitExit(id: string) {
    return this.get(id).exit;
  }
  async delete(id: string) {
    this.calls.push(`delete ${id}`);
    this.containers.delete(id);
  }
  async attach(id: string, opts: { stdin: boolean }): Promise<AttachSession> {
    const c = this.get(id);
    const s = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: opts.stdin ? new PassThrough() : undefined };
    c.sessions.push(s);
    let done!: () => void;
    const closed = new Promise<void>((r) => (done = r));
    s.stdout.on('end', () => done());
    return { ...s, close: () => done(), closed };
  }
  async resize() {}
  async list() {
    return [...this.containers.entries()].map(([id, c]) => ({ id, state: { status: c.status, pid: 4242 } }));
  }
  private get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw notFound(`No such container: ${id}`);
    return c;
  }
}

const IMAGE: ResolvedImage = {
  id: 'sha256:' + 'a'.repeat(64),
  config: {
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: ['sha256:' + 'b'.repeat(64)] },
  },
  topLayer: 'sha256:' + 'b'.repeat(64),
  repoTags: ['busybox:latest'],
};

function fakeImages(): ImageService {
  return {
    async resolve(ref: string) {
      if (['busybox', 'busybox:latest', IMAGE.id].includes(ref)) return IMAGE;
      throw notFound(`No such image: ${ref}`);
    },
    async inspect() {
      return { Size: 1000 } as never;
    },
    async createFromDiff() {
      return 'sha256:' + 'c'.repeat(64);
    },
  } as unknown as ImageService;
}

function fakeSnapshots(dir: string): Snapshotter {
  const merged = (id: string) => path.join(dir, 'rw', id, 'merged');
  return {
    driver: 'overlay2',
    async createRw(id: string) {
      await mkdir(path.join(merged(id), 'etc'), { recursive: true });
      await writeFile(path.join(merged(id), 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      await writeFile(path.join(merged(id), 'etc', 'group'), 'root:x:0:\n');
    },
    async mountRw(id: string) {
      return merged(id);
    },
    async unmountRw() {},
    async removeRw(id: string) {
      await rm(path.join(dir, 'rw', id), { recursive: true, force: true });
    },
    rwPaths(id: string) {
      return { MergedDir: merged(id) };
    },
    async rwSize() {
      return 10;
    },
    rwDiff: () => Readable.from([]),
    exportRw: () => Readable.from([Buffer.from('tar')]),
  } as unknown as Snapshotter;
}

/** A container service on fakes in a temp dir, with the events it emitted (and `networks` when given). */
export async function makeService(opts: { networks?: FakeNetworks } = {}): Promise<{
  svc: ContainerService;
  runtime: FakeRuntime;
  events: EventMessage[];
  dir: string;
  cleanup(): Promise<void>;
  reopen(): Promise<ContainerService>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pier-ctr-'));
  const runtime = new FakeRuntime();
  const bus = createEventBus();
  const events: EventMessage[] = [];
  const ac = new AbortController();
  void (async () => {
    for await (const e of bus.subscribe({ signal: ac.signal })) events.push(e);
  })().catch(() => {});
  await writeFile(path.join(dir, 'resolv.conf'), 'nameserver 10.0.0.1\n');
  await writeFile(path.join(dir, 'hosts'), '127.0.0.1 localhost myhost\n');
  const build = () =>
    createContainerService(
      {
        runtime: runtime as unknown as ContainerRuntime,
        images: fakeImages(),
        snapshots: fakeSnapshots(dir),
        events: bus,
        log: nullLogger,
        networks: opts.networks as unknown as NetworkService | undefined,
      },
      {
        root: path.join(dir, 'root'),
        execRoot: path.join(dir, 'exec'),
        instanceId: 'test1234',
        hostEtc: { resolvConf: path.join(dir, 'resolv.conf'), hosts: path.join(dir, 'hosts') },
        cpuCount: 2,
      },
    );
  const svc = await build();
  return {
    svc,
    runtime,
    events,
    dir,
    reopen: build,
    cleanup: async () => {
      ac.abort();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Yields to pending timers and I/O. */
export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
