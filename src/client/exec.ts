/**
 * Exec and filesystem endpoints: exec create/start/resize/inspect, container changes (diff)
 * and the archive endpoints used by `cp`. Every method throws ApiError with the daemon's
 * message on a non-2xx answer and ConnectError when the daemon is unreachable.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Hijacked, Transport } from './transport.js';
import { ApiError } from './errors.js';
import type { ContainerPathStat, ExecConfig } from '../api/types.js';

const enc = encodeURIComponent;

/** Body of POST /containers/{id}/exec. */
export type ExecCreateRequest = ExecConfig & { Cmd: string[] };

/** GET /exec/{id}/json (the fields the CLI reads). */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ContainerID: string;
  [k: string]: unknown;
}

/** One entry of GET /containers/{id}/changes (Kind 0 modified, 1 added, 2 deleted). */
export interface ChangeItem {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** The decoded X-Docker-Container-Path-Stat header. */
export type PathStat = ContainerPathStat;

/** Typed exec and archive calls bound to one transport. */
export class ExecApi {
  constructor(private readonly t: Transport) {}

  /** POST /containers/{id}/exec → exec id. */
  async create(container: string, body: ExecCreateRequest): Promise<string> {
    const r = await this.t.json<{ Id: string }>('POST', `/containers/${enc(container)}/exec`, { body });
    return r.Id;
  }
  /** POST /exec/{id}/start, hijacked (attached). */
  start(id: string, tty: boolean): Promise<Hijacked> {
    return this.t.hijack('POST', `/exec/${enc(id)}/start`, { body: { Detach: false, Tty: tty } });
  }
  /** POST /exec/{id}/start with Detach: true. */
  startDetached(id: string, tty: boolean): Promise<number> {
    return this.t.call('POST', `/exec/${enc(id)}/start`, { body: { Detach: true, Tty: tty } });
  }
  /** POST /exec/{id}/resize. */
  resize(id: string, h: number, w: number): Promise<number> {
    return this.t.call('POST', `/exec/${enc(id)}/resize`, { query: { h, w } });
  }
  /** GET /exec/{id}/json. */
  inspect(id: string): Promise<ExecInspect> {
    return this.t.json('GET', `/exec/${enc(id)}/json`);
  }
  /** GET /containers/{id}/changes. */
  changes(container: string): Promise<ChangeItem[] | null> {
    return this.t.json('GET', `/containers/${enc(container)}/changes`);
  }
  /** HEAD /containers/{id}/archive?path= → the path's stat. */
  async statPath(container: string, path: string): Promise<PathStat> {
    let res: IncomingMessage;
    try {
      res = await this.t.request('HEAD', `/containers/${enc(container)}/archive`, { query: { path } });
    } catch (e) {
      // A HEAD answer has no body: word the 404 as the daemon does for GET.
      if (e instanceof ApiError && e.status === 404 && /^404 /.test(e.message)) throw new ApiError(404, `Could not find the file ${path} in container ${container}`);
      throw e;
    }
    res.resume();
    const h = res.headers['x-docker-container-path-stat'];
    return JSON.parse(Buffer.from(String(h ?? ''), 'base64').toString('utf8') || '{}') as PathStat;
  }
  /** GET /containers/{id}/archive?path= → a tar stream (stat in the header). */
  getArchive(container: string, path: string): Promise<IncomingMessage> {
    return this.t.request('GET', `/containers/${enc(container)}/archive`, { query: { path } });
  }
  /** PUT /containers/{id}/archive?path= with a tar body. */
  putArchive(container: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<number> {
    return this.t.call('PUT', `/containers/${enc(container)}/archive`, {
      query: { path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir ? 'true' : undefined, copyUIDGID: opts.copyUIDGID ? 'true' : undefined },
      body: tar,
      headers: { 'Content-Type': 'application/x-tar' },
    });
  }
}
