/**
 * The embedded DNS server: UDP and TCP listeners (one pair per address, normally a user
 * network's gateway on port 53) answering container names from the resolver and forwarding
 * everything else to the upstream nameservers (see answer.ts and forward.ts). Malformed
 * packets are dropped; nothing a client sends can crash the daemon.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { internal, errnoCode } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/log.js';
import type { CreateDnsServer, DnsResolver, DnsServer } from '../parts.js';
import { decide, errorResponse, RCODE_SERVFAIL } from './answer.js';
import { createForwarder, type Forwarder } from './forward.js';
import { createFrameReader, frame } from './framing.js';

/** Tunables (tests shorten the timeouts). */
export interface DnsServerOptions {
  /** Per-upstream timeout in ms (Docker-like default: 2000). */
  upstreamTimeoutMs?: number;
  /** An idle TCP client connection is closed after this many ms (default 10000). */
  tcpIdleMs?: number;
  /** The port to try first (default 53). */
  port?: number;
  /** Forwarded queries in flight at most; beyond, SERVFAIL at once (default 256). */
  maxForwarding?: number;
  /** Open TCP client connections per address at most; beyond, new ones are closed (default 128). */
  maxTcpConnections?: number;
}

interface Listener {
  ip: string;
  port: number;
  udp: UdpSocket;
  tcp: Server;
  conns: Set<Socket>;
}

/** Builds the embedded DNS server with Docker's behaviour (see parts.ts). */
export const createDnsServer: CreateDnsServer = (deps) => createDnsServerWith(deps, {});

/**
 * createDnsServer with explicit options. `listen` throws Internal when neither the wanted port
 * nor an ephemeral one can be bound on the address; the other methods never throw.
 */
export function createDnsServerWith(
  deps: { resolver: DnsResolver; upstreams: (clientIp?: string) => string[]; log: Logger },
  options: DnsServerOptions,
): DnsServer {
  const listeners = new Map<string, Listener>();
  const pending = new Map<string, Promise<{ port: number }>>();
  const wantedPort = options.port ?? 53;
  const tcpIdleMs = options.tcpIdleMs ?? 10_000;
  const maxForwarding = options.maxForwarding ?? 256;
  const maxTcpConns = options.maxTcpConnections ?? 128;
  const forwarder: Forwarder = createForwarder(deps, {
    timeoutMs: options.upstreamTimeoutMs ?? 2000,
    isSelf: (u) => listeners.get(u.host)?.port === u.port,
  });

  let forwarding = 0;
  /** Sends a response; a socket closed meanwhile (unlisten) is not an error. */
  const send = (reply: (b: Buffer) => void, b: Buffer): void => {
    try {
      reply(b);
    } catch {
      /* listener closed while the answer was on its way */
    }
  };
  /** Answers one message; `reply` gets the response (or nothing for dropped input). */
  const handle = (msg: Buffer, clientIp: string, transport: 'udp' | 'tcp', reply: (b: Buffer) => void): void => {
    const d = decide(msg, clientIp, deps.resolver, transport);
    if (d.kind === 'answer') return send(reply, d.packet);
    if (d.kind === 'ignore') return;
    if (forwarding >= maxForwarding) {
      const busy = errorResponse(msg, RCODE_SERVFAIL);
      if (busy) send(reply, busy);
      return;
    }
    forwarding++;
    forwarder
      .forward(msg, d.udpLimit, clientIp)
      .catch(() => undefined)
      .then((res) => {
        forwarding--;
        const out = res ?? errorResponse(msg, RCODE_SERVFAIL);
        if (out) send(reply, out);
      });
  };

  const onTcpConnection = (l: Listener, sock: Socket): void => {
    if (l.conns.size >= maxTcpConns) {
      sock.destroy();
      return;
    }
    l.conns.add(sock);
    const reader = createFrameReader();
    const clientIp = unmapped(sock.remoteAddress ?? '');
    sock.setTimeout(tcpIdleMs, () => sock.destroy());
    sock.on('error', () => sock.destroy());
    sock.on('close', () => l.conns.delete(sock));
    sock.on('data', (chunk: Buffer) => {
      for (const m of reader.push(chunk)) {
        handle(m, clientIp, 'tcp', (b) => {
          if (!sock.destroyed && b.length <= 0xffff) sock.write(frame(b));
        });
      }
    });
  };

  const bindPair = async (ip: string, port: number): Promise<Listener> => {
    const udp = createSocket({ type: 'udp4' });
    const tcp = createServer({ noDelay: true });
    const l: Listener = { ip, port, udp, tcp, conns: new Set() };
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind({ address: ip, port, exclusive: true }, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      l.port = udp.address().port;
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host: ip, port: l.port, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      closeListener(l);
      throw e;
    }
    udp.on('error', (e) => deps.log.warn('dns udp socket error', { ip, error: String(e) }));
    udp.on('message', (msg, rinfo) => {
      handle(msg, rinfo.address, 'udp', (b) => udp.send(b, rinfo.port, rinfo.address, () => undefined));
    });
    tcp.on('error', (e) => deps.log.warn('dns tcp listener error', { ip, error: String(e) }));
    tcp.on('connection', (s) => onTcpConnection(l, s));
    return l;
  };

  const doListen = async (ip: string): Promise<{ port: number }> => {
    let l: Listener | undefined;
    try {
      l = await bindPair(ip, wantedPort);
    } catch (e) {
      if (errnoCode(e) !== 'EADDRINUSE') throw internal(`embedded DNS: cannot listen on ${ip}:${wantedPort}: ${String((e as Error).message ?? e)}`, e);
      let last: unknown = e;
      for (let i = 0; i < 20 && !l; i++) {
        try {
          l = await bindPair(ip, 0);
        } catch (e2) {
          last = e2;
          if (errnoCode(e2) !== 'EADDRINUSE') break;
        }
      }
      if (!l) throw internal(`embedded DNS: cannot listen on ${ip}: ${String((last as Error)?.message ?? last)}`, last);
      deps.log.info('embedded DNS on an ephemeral port (53 is taken)', { ip, port: l.port });
    }
    listeners.set(ip, l);
    return { port: l.port };
  };

  return {
    async listen(ip) {
      const have = listeners.get(ip);
      if (have) return { port: have.port };
      const inflight = pending.get(ip);
      if (inflight) return inflight;
      const p = doListen(ip).finally(() => pending.delete(ip));
      pending.set(ip, p);
      return p;
    },
    async unlisten(ip) {
      await pending.get(ip)?.catch(() => undefined);
      const l = listeners.get(ip);
      if (!l) return;
      listeners.delete(ip);
      await closeListener(l);
    },
    async close() {
      await Promise.all([...pending.values()].map((p) => p.catch(() => undefined)));
      const all = [...listeners.values()];
      listeners.clear();
      await Promise.all(all.map(closeListener));
    },
  };
}

/** Closes both sockets and every TCP connection. Never throws. */
function closeListener(l: Listener): Promise<void> {
  for (const c of l.conns) c.destroy();
  l.conns.clear();
  const udpClosed = new Promise<void>((resolve) => {
    try {
      l.udp.close(() => resolve());
    } catch {
      resolve();
    }
  });
  const tcpClosed = new Promise<void>((resolve) => {
    if (!l.tcp.listening) return resolve();
    l.tcp.close(() => resolve());
  });
  return Promise.all([udpClosed, tcpClosed]).then(() => undefined);
}

/** "::ffff:10.0.0.2" → "10.0.0.2". */
function unmapped(addr: string): string {
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}
