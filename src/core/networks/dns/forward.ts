/**
 * Forwarding of queries the embedded DNS server does not answer: the raw query goes to each
 * upstream in order over UDP (with a fresh random id, `timeoutMs` per upstream); a truncated
 * UDP answer is retried over TCP with the same upstream. The first answer is relayed with the
 * client's id.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import type { Logger } from '../../../lib/log.js';
import { createFrameReader, frame } from './framing.js';

/** One upstream nameserver address. */
export interface Upstream {
  host: string;
  port: number;
}

/** Sends queries to the upstream nameservers. */
export interface Forwarder {
  /**
   * The upstreams' answer to the raw `query` from `clientIp`, with the client's id; `udpLimit`
   * is the largest answer the client takes (65535 over TCP). Undefined when no upstream
   * answered. Never throws.
   */
  forward(query: Buffer, udpLimit: number, clientIp: string): Promise<Buffer | undefined>;
}

/**
 * Parses "ip", "ip:port", "[v6]:port" or a bare IPv6 address (port 53 by default).
 * Undefined when malformed.
 */
export function parseUpstream(s: string): Upstream | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  let host = t;
  let port = 53;
  const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (br) {
    host = br[1]!;
    if (br[2] !== undefined) port = Number(br[2]);
  } else if (!isIPv6(t)) {
    const i = t.lastIndexOf(':');
    if (i >= 0) {
      host = t.slice(0, i);
      port = Number(t.slice(i + 1));
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535 || host === '') return undefined;
  return { host, port };
}

/**
 * Creates a forwarder over `upstreams(clientIp)` (read at each query: a container's own `--dns`
 * servers, else the host's); `isSelf` excludes the server's own listeners (no loops). Never throws.
 */
export function createForwarder(
  deps: { upstreams: (clientIp?: string) => string[]; log: Logger },
  options: { timeoutMs: number; isSelf: (u: Upstream) => boolean },
): Forwarder {
  return {
    async forward(query, udpLimit, clientIp) {
      if (query.length < 12) return undefined;
      const clientId = query.readUInt16BE(0);
      let list: string[];
      try {
        list = deps.upstreams(clientIp);
      } catch {
        return undefined;
      }
      for (const s of list) {
        const up = parseUpstream(s);
        if (!up || options.isSelf(up)) continue;
        const ask = Buffer.from(query);
        const id = randomInt(0, 0x10000);
        ask.writeUInt16BE(id, 0);
        let res = await udpQuery(up, ask, id, options.timeoutMs);
        if (res && isTruncated(res)) {
          const full = await tcpQuery(up, ask, id, options.timeoutMs);
          if (full && full.length <= udpLimit) res = full;
        }
        if (!res) {
          deps.log.debug('dns upstream did not answer', { upstream: s });
          continue;
        }
        res.writeUInt16BE(clientId, 0);
        return res;
      }
      return undefined;
    },
  };
}

function isTruncated(msg: Buffer): boolean {
  return (msg.readUInt16BE(2) & 0x0200) !== 0;
}

/** True when `msg` is a response to query id `id`. */
function isAnswerTo(msg: Buffer, id: number): boolean {
  return msg.length >= 12 && msg.readUInt16BE(0) === id && (msg.readUInt16BE(2) & 0x8000) !== 0;
}

/** One UDP exchange; undefined on timeout or error. */
function udpQuery(up: Upstream, ask: Buffer, id: number, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket(isIPv6(up.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (v: Buffer | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('error', () => finish(undefined));
    sock.on('message', (msg, rinfo) => {
      if (rinfo.port !== up.port || !isAnswerTo(msg, id)) return;
      finish(msg);
    });
    sock.send(ask, up.port, up.host, (err) => {
      if (err) finish(undefined);
    });
  });
}

/** One TCP exchange; undefined on timeout or error. */
function tcpQuery(up: Upstream, ask: Buffer, id: number, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const reader = createFrameReader();
    let done = false;
    const sock = connect({ host: up.host, port: up.port });
    const finish = (v: Buffer | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('error', () => finish(undefined));
    sock.on('close', () => finish(undefined));
    sock.on('connect', () => sock.write(frame(ask)));
    sock.on('data', (chunk: Buffer) => {
      for (const m of reader.push(chunk)) if (isAnswerTo(m, id)) return finish(Buffer.from(m));
    });
  });
}
