/** Fakes of the runtime, image service and snapshotter for the container service's unit tests. */
import { PassThrough, Readable } from 'node:stream';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AttachSession, ContainerRuntime, ExitStatus, RuntimeCreateOptions, RuntimeState } from '../runtime/index.js';
import type { ImageService, ResolvedImage } from '../images/index.js';
import type { Snapshotter } from '../snapshots/index.js';
import { internal, invalidArgument, notFound } from '../../lib/errors.js';
import { nullLogger } from '../../lib/log.js';
import { createEventBus } from '../events/index.js';
import type { EventMessage } from '../../api/types.js';
import { createContainerService } from './service.js';
import type { ContainerService } from './index.js';
import type { ContainerNetworkRequest, EndpointState, NetworkService, SandboxPlan } from '../networks/index.js';
import type { EndpointSettings, PortBinding } from '../../api/types.js';

interface FakeNet {
  id: string;
  name: string;
  driver: string;
  predefined: boolean;
  subnet: string;
  next: number;
}

/**
 * A fake network service: predefined bridge (10.99.0.0/24), host, none, plus `addNetwork`
 * user bridges; addresses given in order; ports bound as asked (`takenPorts` fail like Docker);
 * `calls` records prepare/activate/release/connect/disconnect/reconcile/renamed.
 */
export class FakeNetworks {
  readonly calls: string[] = [];
  readonly nets: FakeNet[] = [];
  readonly live = new Map<string, Map<string, EndpointState>>();
  readonly ports = new Map<string, Record<string, PortBinding[] | null>>();
  readonly requests = new Map<string, ContainerNetworkRequest>();
  readonly takenPorts = new Set<string>();
  failActivate: string | undefined;
  readonly defaults = { bridgeName: 'pier0', gateway: '10.99.0.1' };

  constructor() {
    this.addNetwork('bridge', 'bridge', true, '10.99.0');
    this.addNetwork('host', 'host', true, '');
    this.addNetwork('none', 'null', true, '');
  }
  /** Adds a network; `subnet` is the first three octets of its /24. */
  addNetwork(name: string, driver = 'bridge', predefined = false, subnet = `10.98.${this.nets.length}`): FakeNet {
    const id = (name.charCodeAt(0).toString(16) + String(this.nets.length)).padEnd(64, 'e');
    const n = { id, name, driver, predefined, subnet, next: 2 };
    this.nets.push(n);
    return n;
  }
  private find(ref: string): FakeNet {
    const n = this.nets.find((x) => x.id === ref || x.name === ref) ?? this.nets.filter((x) => x.id.startsWith(ref)).at(0);
    if (!n || ref === '') throw notFound(`network ${ref} not found`);
    return n;
  }
  resolve(ref: string) {
    const n = this.find(ref);
    return { id: n.id, name: n.name, driver: n.driver, predefined: n.predefined };
  }
  private endpoint(req: ContainerNetworkRequest, net: FakeNet, idx: number, given?: EndpointSettings): EndpointState {
    const ip = given?.IPAMConfig?.IPv4Address || `${net.subnet}.${net.next++}`;
    const user = !net.predefined;
    return {
      networkId: net.id,
      networkName: net.name,
      endpointId: ('e' + req.id.slice(0, 8) + net.id.slice(0, 4)).padEnd(64, '0'),
      containerId: req.id,
      containerName: req.name,
      driver: 'bridge',
      ifname: `eth${idx}`,
      mac: '02:42:' + ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':'),
      ipv4: ip,
      prefixLen: 24,
      gateway: `${net.subnet}.1`,
      ipamConfig: given?.IPAMConfig ?? null,
      aliases: given?.Aliases ?? [],
      dnsNames: user ? [req.name, ...(given?.Aliases ?? []), req.id.slice(0, 12)] : [],
      links: [],
    };
  }
  async prepare(req: ContainerNetworkRequest): Promise<SandboxPlan> {
    this.calls.push(`prepare ${req.id}`);
    this.requests.set(req.id, req);
    const primary = this.find(req.networkMode === 'default' ? 'bridge' : req.networkMode);
    const eps = new Map<string, EndpointState>();
    const givenFor = (n: FakeNet) => Object.entries(req.endpoints).find(([k]) => this.find(k === 'default' ? 'bridge' : k).id === n.id)?.[1];
    eps.set(primary.name, this.endpoint(req, primary, 0, givenFor(primary)));
    for (const k of Object.keys(req.endpoints)) {
      const n = this.find(k === 'default' ? 'bridge' : k);
      if (!eps.has(n.name)) eps.set(n.name, this.endpoint(req, n, eps.size, req.endpoints[k]));
    }
    const ports: Record<string, PortBinding[] | null> = {};
    for (const p of req.exposedPorts) ports[p] = null;
    for (const [p, bs] of Object.entries(req.portBindings)) {
      ports[p] = (bs ?? []).map((b) => ({ HostIp: b.HostIp || '0.0.0.0', HostPort: b.HostPort || '32768' }));
      for (const b of ports[p]!) {
        if (this.takenPorts.has(b.HostPort!)) throw internal(`Bind for ${b.HostIp}:${b.HostPort} failed: port is already allocated`);
      }
    }
    this.live.set(req.id, eps);
    this.ports.set(req.id, ports);
    return {
      endpoints: [...eps.values()],
      ports,
      nameservers: primary.predefined ? undefined : [`${primary.subnet}.1`],
      hostGatewayIp: this.defaults.gateway,
    };
  }
  async activate(id: string, pid: number) {
    this.calls.push(`activate ${id} ${pid}`);
    if (this.failActivate) {
      await this.release(id);
      throw internal(this.failActivate);
    }
  }
  async release(id: string) {
    this.calls.push(`release ${id}`);
    this.live.delete(id);
    this.ports.delete(id);
  }
  async connect(req: ContainerNetworkRequest, network: string, config: EndpointSettings, pid?: number) {
    this.calls.push(`connect ${req.id} ${network} ${pid ?? ''}`.trim());
    if (pid === undefined) return undefined;
    const eps = this.live.get(req.id) ?? new Map<string, EndpointState>();
    const n = this.find(network);
    const ep = this.endpoint(req, n, eps.size, config);
    eps.set(n.name, ep);
    this.live.set(req.id, eps);
    return ep;
  }
  async disconnect(id: string, network: string) {
    this.calls.push(`disconnect ${id} ${network}`);
    this.live.get(id)?.delete(network);
  }
  endpointsOf(id: string) {
    return new Map(this.live.get(id) ?? []);
  }
  portsOf(id: string) {
    return this.ports.get(id) ?? {};
  }
  renamed(id: string, name: string) {
    this.calls.push(`renamed ${id} ${name}`);
  }
  async reconcile(running: Map<string, number>) {
    this.calls.push(`reconcile ${[...running.keys()].join(',')}`);
    for (const id of [...this.live.keys()]) if (!running.has(id)) await this.release(id);
  }
  async close() {}
  create = async () => ({ Id: '', Warning: '' });
  inspect = () => {
    throw notFound('unused');
  };
  list = () => [];
  remove = async () => {};
  prune = async () => ({ NetworksDeleted: null });
}

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
