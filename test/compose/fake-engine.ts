/**
 * An in-memory Engine API on a unix socket, just enough for compose: containers (create,
 * list with label filters, inspect, start/stop/kill/restart/pause/unpause, remove, logs),
 * networks, volumes and image inspect. It records every request and the peak number of
 * concurrent creates/starts, so tests can check order and parallelism without a daemon.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** A container the fake holds. */
export interface FakeContainer {
  Id: string;
  Name: string;
  Config: Record<string, unknown> & { Labels?: Record<string, string>; Healthcheck?: { Test?: string[] } };
  HostConfig: Record<string, unknown>;
  NetworkingConfig?: unknown;
  State: { Status: string; Running: boolean; Paused: boolean; Restarting: boolean; ExitCode: number; Health?: { Status: string; FailingStreak: number; Log: [] } };
  Networks: Record<string, unknown>;
  Created: number;
  logs: string;
}

/** The fake engine. */
export interface FakeEngine {
  socket: string;
  host: string;
  containers: Map<string, FakeContainer>;
  networks: Map<string, { Name: string; Id: string; Labels: Record<string, string>; body: unknown }>;
  volumes: Map<string, { Name: string; Labels: Record<string, string> }>;
  images: Map<string, string>;
  requests: string[];
  /** Health status a started container with a healthcheck reports (by name; default healthy). */
  health: Map<string, string>;
  /** Exit code of a container that "exits" at once when started (by name). */
  exitOnStart: Map<string, number>;
  peak: { create: number; start: number };
  /** Artificial latency of create/start (ms). */
  delayMs: number;
  close(): Promise<void>;
}

const ok = (res: http.ServerResponse, status: number, body?: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': '1.44' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};
const fail = (res: http.ServerResponse, status: number, message: string) => ok(res, status, { message });

function labelMatch(labels: Record<string, string>, filters: Record<string, Record<string, boolean>> | undefined): boolean {
  for (const l of Object.keys(filters?.label ?? {})) {
    const i = l.indexOf('=');
    if (i < 0 ? !(l in labels) : labels[l.slice(0, i)] !== l.slice(i + 1)) return false;
  }
  return true;
}

function frame(payload: string): Buffer {
  const p = Buffer.from(payload);
  const h = Buffer.alloc(8);
  h[0] = 1;
  h.writeUInt32BE(p.length, 4);
  return Buffer.concat([h, p]);
}

/** Starts a fake engine on a temporary socket. */
export async function startFakeEngine(): Promise<FakeEngine> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h30fake-'));
  const socket = path.join(dir, 'api.sock');
  const inflight = { create: 0, start: 0 };
  const fe: FakeEngine = {
    socket, host: `unix://${socket}`, containers: new Map(), networks: new Map(), volumes: new Map(), images: new Map([['busybox', 'sha256:bb'], ['busybox:latest', 'sha256:bb']]),
    requests: [], health: new Map(), exitOnStart: new Map(), peak: { create: 0, start: 0 }, delayMs: 0,
    close: () => new Promise((r) => server.close(() => { fs.rmSync(dir, { recursive: true, force: true }); r(); })),
  };
  const find = (ref: string) => fe.containers.get(ref) ?? [...fe.containers.values()].find((c) => c.Name === ref || c.Name === `/${ref}` || c.Id.startsWith(ref));
  const sleep = () => new Promise((r) => setTimeout(r, fe.delayMs));
  const track = async (kind: 'create' | 'start', fn: () => void | Promise<void>) => {
    inflight[kind]++;
    fe.peak[kind] = Math.max(fe.peak[kind], inflight[kind]);
    try {
      await sleep();
      await fn();
    } finally {
      inflight[kind]--;
    }
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text && req.headers['content-type']?.includes('json') ? JSON.parse(text) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const p = decodeURIComponent(url.pathname.replace(/^\/v1\.\d+/, ''));
    const q = url.searchParams;
    const m = req.method ?? 'GET';
    fe.requests.push(`${m} ${p}${q.get('name') ? `?name=${q.get('name')}` : ''}`);
    const filters = q.get('filters') ? JSON.parse(q.get('filters')!) : undefined;
    let mm: RegExpExecArray | null;
    if (p === '/_ping') return ok(res, 200, 'OK');
    if (m === 'GET' && p === '/containers/json') {
      const all = q.get('all') === '1' || q.get('all') === 'true';
      const list = [...fe.containers.values()].filter((c) => (all || c.State.Running) && labelMatch(c.Config.Labels ?? {}, filters));
      return ok(res, 200, list.map((c) => ({ Id: c.Id, Names: [c.Name], Image: c.Config.Image, ImageID: 'sha256:bb', Command: 'sh', Created: c.Created, Ports: [], Labels: c.Config.Labels ?? {}, State: c.State.Status, Status: c.State.Running ? 'Up 1 second' : `Exited (${c.State.ExitCode}) 1 second ago`, HostConfig: { NetworkMode: String(c.HostConfig.NetworkMode ?? '') }, NetworkSettings: { Networks: c.Networks }, Mounts: [] })));
    }
    if (m === 'POST' && p === '/containers/create') {
      const name = `/${q.get('name')}`;
      const dup = [...fe.containers.values()].find((c) => c.Name === name);
      if (dup) return fail(res, 409, `Conflict. The container name "${name}" is already in use by container "${dup.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
      if (!fe.images.has(String(body.Image))) return fail(res, 404, `No such image: ${body.Image}`);
      const id = randomBytes(32).toString('hex');
      await track('create', () => {
        const { HostConfig, NetworkingConfig, ...config } = body;
        fe.containers.set(id, { Id: id, Name: name, Config: config, HostConfig: HostConfig ?? {}, NetworkingConfig, State: { Status: 'created', Running: false, Paused: false, Restarting: false, ExitCode: 0 }, Networks: { ...(NetworkingConfig?.EndpointsConfig ?? {}) }, Created: Math.floor(Date.now() / 1000), logs: '' });
      });
      return ok(res, 201, { Id: id, Warnings: [] });
    }
    if ((mm = /^\/containers\/([^/]+)\/(json|start|stop|kill|restart|pause|unpause|logs|wait)$/.exec(p)) || (mm = /^\/containers\/([^/]+)()$/.exec(p))) {
      const c = find(mm[1]!);
      if (!c) return fail(res, 404, `No such container: ${mm[1]}`);
      const op = mm[2];
      const hc = () => (c.Config.Healthcheck?.Test?.length && c.Config.Healthcheck.Test[0] !== 'NONE' ? { Status: fe.health.get(c.Name.slice(1)) ?? 'healthy', FailingStreak: 0, Log: [] as [] } : undefined);
      if (op === 'json') return ok(res, 200, { Id: c.Id, Name: c.Name, Config: c.Config, HostConfig: c.HostConfig, State: { ...c.State, Health: c.State.Running ? hc() : undefined }, NetworkSettings: { Networks: c.Networks } });
      if (op === 'start') {
        if (c.State.Running) return ok(res, 304);
        await track('start', () => {
          const code = fe.exitOnStart.get(c.Name.slice(1));
          c.State = code !== undefined ? { Status: 'exited', Running: false, Paused: false, Restarting: false, ExitCode: code } : { Status: 'running', Running: true, Paused: false, Restarting: false, ExitCode: 0 };
          c.logs += `started ${c.Name.slice(1)}\n`;
        });
        return ok(res, 204);
      }
      if (op === 'stop' || op === 'kill') {
        c.State = { Status: 'exited', Running: false, Paused: false, Restarting: false, ExitCode: op === 'kill' ? 137 : 0 };
        return ok(res, 204);
      }
      if (op === 'restart') {
        c.State = { Status: 'running', Running: true, Paused: false, Restarting: false, ExitCode: 0 };
        return ok(res, 204);
      }
      if (op === 'pause' || op === 'unpause') {
        c.State = { ...c.State, Status: op === 'pause' ? 'paused' : 'running', Paused: op === 'pause' };
        return ok(res, 204);
      }
      if (op === 'logs') {
        res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
        return res.end(c.logs ? frame(c.logs) : undefined);
      }
      if (op === 'wait') return ok(res, 200, { StatusCode: c.State.ExitCode });
      if (m === 'DELETE') {
        if (c.State.Running && q.get('force') !== '1') return fail(res, 409, 'container is running');
        fe.containers.delete(c.Id);
        return ok(res, 204);
      }
    }
    if (m === 'GET' && (mm = /^\/images\/(.+)\/json$/.exec(p))) {
      const id = fe.images.get(mm[1]!);
      return id ? ok(res, 200, { Id: id, RepoTags: [mm[1]], Size: 1000 }) : fail(res, 404, `No such image: ${mm[1]}`);
    }
    if (m === 'POST' && p === '/networks/create') {
      if (fe.networks.has(body.Name)) return fail(res, 409, `network with name ${body.Name} already exists`);
      fe.networks.set(body.Name, { Name: body.Name, Id: randomBytes(32).toString('hex'), Labels: body.Labels ?? {}, body });
      return ok(res, 201, { Id: fe.networks.get(body.Name)!.Id });
    }
    if (m === 'GET' && p === '/networks') return ok(res, 200, [...fe.networks.values()].filter((n) => labelMatch(n.Labels, filters)).map((n) => ({ Name: n.Name, Id: n.Id, Labels: n.Labels })));
    if ((mm = /^\/networks\/([^/]+)(\/connect)?$/.exec(p))) {
      const n = fe.networks.get(mm[1]!);
      if (!n) return fail(res, 404, `network ${mm[1]} not found`);
      if (mm[2]) {
        const c = find(body.Container);
        if (c) c.Networks[n.Name] = body.EndpointConfig ?? {};
        return ok(res, 200);
      }
      if (m === 'DELETE') {
        fe.networks.delete(n.Name);
        return ok(res, 204);
      }
      return ok(res, 200, { Name: n.Name, Id: n.Id, Labels: n.Labels });
    }
    if (m === 'POST' && p === '/volumes/create') {
      fe.volumes.set(body.Name, { Name: body.Name, Labels: body.Labels ?? {} });
      return ok(res, 201, fe.volumes.get(body.Name));
    }
    if (m === 'GET' && p === '/volumes') return ok(res, 200, { Volumes: [...fe.volumes.values()].filter((v) => labelMatch(v.Labels, filters)), Warnings: null });
    if ((mm = /^\/volumes\/([^/]+)$/.exec(p))) {
      const v = fe.volumes.get(mm[1]!);
      if (!v) return fail(res, 404, `get ${mm[1]}: no such volume`);
      if (m === 'DELETE') {
        fe.volumes.delete(v.Name);
        return ok(res, 204);
      }
      return ok(res, 200, v);
    }
    fail(res, 404, `fake: no route ${m} ${p}`);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return fe;
}
