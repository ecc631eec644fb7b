/**
 * The docker CLI's own share of a figure: a stub engine on a private unix socket that answers
 * the requests of `docker run --rm busybox true` and `docker exec <c> true` at once (no
 * container runs), so that timing the docker CLI against it gives the client's floor — its
 * start-up, request round trips and output — which both real engines' figures include.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';

/** A running stub engine; `env` points the docker CLI at it. */
export interface StubEngine {
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const CONTAINER_ID = 'c'.repeat(64);
const EXEC_ID = 'e'.repeat(64);
const HEADERS = { 'Api-Version': '1.44', 'Content-Type': 'application/json', Ostype: 'linux', Server: 'Docker/25.0.0 (linux)' };

/**
 * Starts the stub: `/_ping`, container create/attach/wait/start, container inspect, exec
 * create/start/inspect, each answered at once as Docker would for a container that exits 0.
 * Throws when the socket cannot be bound.
 */
export async function startStubEngine(): Promise<StubEngine> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-bench-stub-'));
  const sock = path.join(dir, 'stub.sock');
  let attached: Socket | undefined;
  let waiting: http.ServerResponse | undefined;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const json = (code: number, body: unknown): void => {
      res.writeHead(code, HEADERS);
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on('end', () => {
      if (url.endsWith('/_ping')) {
        res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/plain' });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
      } else if (url.includes('/containers/create')) json(201, { Id: CONTAINER_ID, Warnings: [] });
      else if (/\/containers\/[^/]+\/wait/.test(url)) {
        res.writeHead(200, HEADERS);
        res.flushHeaders();
        waiting = res;
      } else if (/\/containers\/[^/]+\/start/.test(url)) {
        res.writeHead(204, HEADERS);
        res.end();
        setImmediate(() => {
          attached?.end();
          attached = undefined;
          waiting?.end('{"StatusCode":0}\n');
          waiting = undefined;
        });
      } else if (/\/containers\/[^/]+\/json/.test(url)) {
        json(200, { Id: CONTAINER_ID, Name: '/stub', State: { Status: 'running', Running: true, Pid: 1 }, Config: { Tty: false }, HostConfig: {} });
      } else if (/\/containers\/[^/]+\/exec/.test(url)) json(201, { Id: EXEC_ID });
      else if (/\/exec\/[^/]+\/json/.test(url)) {
        json(200, { ID: EXEC_ID, Running: false, ExitCode: 0, Pid: 0, ContainerID: CONTAINER_ID, OpenStdin: false, OpenStdout: true, OpenStderr: true, ProcessConfig: {} });
      } else json(404, { message: `stub engine: no answer for ${req.method} ${url}` });
    });
  });
  // Every connection, upgraded ones included (the http server forgets those), so stop() never
  // waits on a socket whose client is gone.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
    socket.resume();
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    if ((req.url ?? '').includes('/exec/')) socket.end();
    else attached = socket;
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(sock, () => ok());
  });
  return {
    env: { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: dir },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
