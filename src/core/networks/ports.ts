/**
 * Host-port reservations for published container ports. Each reserved port is held by a real
 * socket of pierd — a TCP server or a UDP socket bound to the host address (all addresses:
 * `::` dual-stack, `0.0.0.0` when the host has no IPv6) — so a port another program holds fails
 * at once with Docker's message, and nothing else can take it while the container runs.
 *
 * IPv4 traffic is DNAT'ed by the firewall before it reaches these sockets; what does reach a TCP
 * server (IPv6, e.g. `[::1]`) is proxied to the container's address set with `setTarget`, like
 * docker-proxy. UDP sockets only hold the port. SCTP ports are only booked here (no socket:
 * Node has no SCTP), so a conflict with another program is not detected for them.
 *
 * Messages (Docker's): `Bind for 0.0.0.0:8080 failed: port is already allocated` when another
 * owner of this instance holds the port; `Error starting userland proxy: listen tcp4
 * 0.0.0.0:8080: bind: address already in use` when the OS refuses.
 */
import net from 'node:net';
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { conflict, internal, invalidArgument, type EngineError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { PortReservations } from './parts.js';

/** What the port reservations are built from. */
export interface PortReservationsDeps {
  log: Logger;
}

/** First port of Docker's ephemeral host-port range (hostPort 0). */
export const EPHEMERAL_FIRST = 32768;
/** Last port of Docker's ephemeral host-port range. */
export const EPHEMERAL_LAST = 60999;

type Proto = 'tcp' | 'udp' | 'sctp';

/** One held host port. */
interface Held {
  owner: string;
  proto: Proto;
  /** Normalised: "" for every address. */
  ip: string;
  port: number;
  target?: { ip: string; port: number };
  /** Closes the socket (and proxied connections). */
  close(): Promise<void>;
}

/** "" for every address ("", "0.0.0.0"); otherwise the address as given. */
function normIp(ip: string): string {
  return ip === '0.0.0.0' ? '' : ip;
}

/** Whether two normalised host addresses overlap (one of them is "every address", or they are equal). */
function overlaps(a: string, b: string): boolean {
  if (a === '' || b === '' || a === b) return true;
  return (a === '::' && b.includes(':')) || (b === '::' && a.includes(':'));
}

/** How Docker prints a host address in port messages ("" → 0.0.0.0). */
function shownIp(ip: string): string {
  return ip === '' ? '0.0.0.0' : ip;
}

/** The Go-style text of a bind failure. */
function osReason(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'EADDRINUSE': return 'address already in use';
    case 'EADDRNOTAVAIL': return 'cannot assign requested address';
    case 'EACCES': return 'permission denied';
    default: return fallback;
  }
}

/** Docker's message when the OS refuses to bind `ip:port`. */
export function bindFailedMessage(proto: Proto, ip: string, port: number, code: string | undefined, fallback: string): string {
  const v6 = ip.includes(':');
  const where = v6 ? `[${ip}]:${port}` : `${shownIp(ip)}:${port}`;
  return `Error starting userland proxy: listen ${proto}${v6 ? '6' : '4'} ${where}: bind: ${osReason(code, fallback)}`;
}

/** Docker's message when another owner of this instance holds the port. */
export function allocatedMessage(ip: string, port: number | string): string {
  return `Bind for ${shownIp(ip)}:${port} failed: port is already allocated`;
}

/** An OS bind failure, kept apart from bookkeeping conflicts so ranges can try the next port. */
class BindError extends Error {
  constructor(readonly code: string | undefined, message: string) {
    super(message);
  }
}

/** Proxies one accepted connection to `target` (both directions, half-close kept). */
function proxy(client: net.Socket, target: { ip: string; port: number } | undefined, conns: Set<net.Socket>): void {
  if (!target) {
    client.destroy();
    return;
  }
  const upstream = net.connect({ host: target.ip, port: target.port, allowHalfOpen: true });
  conns.add(client);
  conns.add(upstream);
  const done = () => {
    client.destroy();
    upstream.destroy();
    conns.delete(client);
    conns.delete(upstream);
  };
  client.on('error', done);
  upstream.on('error', done);
  client.on('close', done);
  upstream.on('close', done);
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Binds a TCP server on `ip:port`; resolves to its close function and bound port. */
function bindTcp(held: Pick<Held, 'ip' | 'port' | 'target'>): Promise<{ port: number; close(): Promise<void> }> {
  const conns = new Set<net.Socket>();
  const attempt = (host: string, ipv6Only: boolean) =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true }, (c) => proxy(c, held.target, conns));
      server.once('error', reject);
      server.listen({ host, port: held.port, ipv6Only, exclusive: true }, () => {
        server.removeListener('error', reject);
        server.on('error', () => {});
        resolve(server);
      });
    });
  return bindEither(held.ip, attempt).then((server) => ({
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.destroy();
        server.close(() => resolve());
      }),
  }));
}

/** Binds a UDP socket on `ip:port` (holds the port only). */
function bindUdp(held: Pick<Held, 'ip' | 'port'>): Promise<{ port: number; close(): Promise<void> }> {
  const attempt = (host: string, ipv6Only: boolean) =>
    new Promise<dgram.Socket>((resolve, reject) => {
      const sock = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', ipv6Only, reuseAddr: false });
      sock.once('error', (e) => {
        try { sock.close(); } catch { /* never bound */ }
        reject(e);
      });
      sock.bind({ address: host, port: held.port, exclusive: true }, () => {
        sock.removeAllListeners('error');
        sock.on('error', () => {});
        sock.on('message', () => {});
        resolve(sock);
      });
    });
  return bindEither(held.ip, attempt).then((sock) => ({
    port: sock.address().port,
    close: () => new Promise<void>((resolve) => {
      try { sock.close(() => resolve()); } catch { resolve(); }
    }),
  }));
}

/**
 * Every address: `::` dual-stack, then `0.0.0.0` when the host has no IPv6; `::` alone: IPv6
 * only; otherwise the address itself. Rejects with a BindError carrying the errno code.
 */
async function bindEither<T>(ip: string, attempt: (host: string, ipv6Only: boolean) => Promise<T>): Promise<T> {
  try {
    if (ip === '') {
      try {
        return await attempt('::', false);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw e;
        return await attempt('0.0.0.0', false);
      }
    }
    return await attempt(ip, ip === '::');
  } catch (e) {
    throw new BindError((e as NodeJS.ErrnoException).code, (e as Error).message);
  }
}

/** Builds the port reservations of one daemon (see PortReservations in parts.ts). */
export function createPortReservations(deps: PortReservationsDeps): PortReservations {
  const log = deps.log;
  const held: Held[] = [];

  const taken = (proto: Proto, ip: string, port: number) => held.some((h) => h.proto === proto && h.port === port && overlaps(h.ip, ip));

  function drop(h: Held): void {
    const i = held.indexOf(h);
    if (i >= 0) held.splice(i, 1);
  }

  /** Books `port` synchronously, then binds it; the booking is dropped again when binding fails. */
  async function hold(owner: string, proto: Proto, ip: string, port: number): Promise<Held> {
    const h: Held = { owner, proto, ip, port, close: async () => {} };
    held.push(h);
    if (proto === 'sctp') return h;
    try {
      const b = proto === 'tcp' ? await bindTcp(h) : await bindUdp(h);
      h.close = b.close;
      h.port = b.port;
      return h;
    } catch (e) {
      drop(h);
      throw e;
    }
  }

  /** An ephemeral port: random tries in Docker's range, then whatever the OS gives. */
  async function holdEphemeral(owner: string, proto: Proto, ip: string): Promise<Held> {
    for (let i = 0; i < 64; i++) {
      const port = randomInt(EPHEMERAL_FIRST, EPHEMERAL_LAST + 1);
      if (taken(proto, ip, port)) continue;
      try {
        return await hold(owner, proto, ip, port);
      } catch (e) {
        if (!(e instanceof BindError) || e.code !== 'EADDRINUSE') throw e;
      }
    }
    if (proto === 'sctp') throw conflict('all ports are allocated');
    return hold(owner, proto, ip, 0);
  }

  /** The first port of `first..last` that is free here and that the OS lets us bind. */
  async function holdRange(owner: string, proto: Proto, ip: string, first: number, last: number): Promise<Held> {
    let lastError: EngineError | undefined;
    for (let port = first; port <= last; port++) {
      if (taken(proto, ip, port)) {
        lastError ??= conflict(first === last ? allocatedMessage(ip, port) : 'all ports are allocated');
        continue;
      }
      try {
        return await hold(owner, proto, ip, port);
      } catch (e) {
        if (!(e instanceof BindError)) throw e;
        const msg = bindFailedMessage(proto, ip, port, e.code, e.message);
        lastError = e.code === 'EADDRINUSE' ? conflict(msg) : internal(msg);
      }
    }
    throw lastError ?? conflict('all ports are allocated');
  }

  async function closeAll(list: Held[]): Promise<void> {
    for (const h of list) drop(h);
    await Promise.all(list.map((h) => h.close().catch((e: Error) => log.debug('port release failed', { port: h.port, err: e.message }))));
  }

  return {
    async reserve(owner, ports) {
      const mine: Held[] = [];
      try {
        for (const p of ports) {
          const ip = normIp(p.hostIp);
          const end = p.hostPortEnd ?? p.hostPort;
          if (!['tcp', 'udp', 'sctp'].includes(p.proto)) throw invalidArgument(`invalid proto: ${String(p.proto)}`);
          if (!Number.isInteger(p.hostPort) || p.hostPort < 0 || p.hostPort > 65535 || !Number.isInteger(end) || end < p.hostPort || end > 65535) {
            throw invalidArgument(`invalid hostPort: ${p.hostPort}${p.hostPortEnd !== undefined ? `-${p.hostPortEnd}` : ''}`);
          }
          mine.push(p.hostPort === 0 ? await holdEphemeral(owner, p.proto, ip) : await holdRange(owner, p.proto, ip, p.hostPort, end));
        }
      } catch (e) {
        await closeAll(mine);
        throw e;
      }
      return mine.map((h) => h.port);
    },

    setTarget(owner, hostPort, proto, target) {
      for (const h of held) {
        if (h.owner === owner && h.port === hostPort && h.proto === proto) h.target = { ...target };
      }
    },

    async release(owner) {
      await closeAll(held.filter((h) => h.owner === owner));
    },

    async close() {
      await closeAll([...held]);
    },
  };
}
