/**
 * Which proxy reaches a registry URL, as dockerd decides it: `HTTPS_PROXY` for https URLs,
 * `HTTP_PROXY` for http ones (upper or lower case), never for loopback hosts or hosts matched
 * by `NO_PROXY` (`*`, host names with their subdomains, `.domain`, IPs, CIDRs, `host:port`).
 * Proxied connections are CONNECT tunnels (TLS on top for https), so the registry's host name is
 * resolved by the proxy, never locally.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

/** Proxy configuration (from the environment or daemon settings). */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** Reads HTTP_PROXY/HTTPS_PROXY/NO_PROXY (either case; upper case wins, as in Go). Never throws. */
export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (k: string) => env[k] || env[k.toLowerCase()] || undefined;
  return { httpProxy: pick('HTTP_PROXY'), httpsProxy: pick('HTTPS_PROXY'), noProxy: pick('NO_PROXY') };
}

function parseProxy(raw: string): URL | undefined {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

function bare(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

function matchesNoProxy(u: URL, noProxy: string): boolean {
  const host = bare(u.hostname);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(',')) {
    let e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e === '*') return true;
    if (e.includes('/')) {
      const [base, bits] = e.split('/');
      if (net.isIP(host) && net.isIP(base!)) {
        const list = new net.BlockList();
        try {
          list.addSubnet(base!, Number(bits), net.isIP(base!) === 6 ? 'ipv6' : 'ipv4');
          if (list.check(host, net.isIP(host) === 6 ? 'ipv6' : 'ipv4')) return true;
        } catch {
          /* malformed entry: ignore */
        }
      }
      continue;
    }
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(e);
    if (m) {
      if (m[2] !== port) continue;
      e = m[1]!;
    }
    e = bare(e);
    if (host === e) return true;
    const suffix = e.startsWith('.') ? e : `.${e}`;
    if (!net.isIP(host) && host.endsWith(suffix)) return true;
  }
  return false;
}

/** The proxy for `url`, or undefined for a direct connection. Never throws. */
export function proxyFor(url: URL, settings: ProxySettings): URL | undefined {
  const raw = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!raw) return undefined;
  const host = bare(url.hostname);
  if (host === 'localhost' || host.endsWith('.localhost') || isLoopback(host)) return undefined;
  if (settings.noProxy && matchesNoProxy(url, settings.noProxy)) return undefined;
  return parseProxy(raw);
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || /^127\./.test(ip) || /^::ffff:127\./i.test(ip);
}

/** The message clients see when the proxy itself cannot be reached (Go's wording). */
function proxyError(proxy: URL, e: Error & { code?: string }): Error {
  const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.code === 'ENOTFOUND' ? 'no such host' : e.message;
  const err = new Error(`proxyconnect tcp: dial tcp ${proxy.host}: ${why}`) as Error & { code?: string };
  err.code = e.code;
  return err;
}

interface TunnelTarget {
  host?: string | null;
  hostname?: string | null;
  port?: number | string | null;
  servername?: string;
}

function openTunnel(proxy: URL, target: TunnelTarget, done: (err: Error | null, socket?: net.Socket) => void): void {
  const host = target.hostname ?? target.host ?? 'localhost';
  const port = Number(target.port) || 443;
  const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  const headers: Record<string, string> = { Host: authority };
  if (proxy.username) headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  const mod = proxy.protocol === 'https:' ? https : http;
  const req = mod.request({ host: bare(proxy.hostname), port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: authority, headers, agent: false, setHost: false });
  let settled = false;
  const finish = (err: Error | null, socket?: net.Socket) => {
    if (settled) return;
    settled = true;
    done(err, socket);
  };
  req.once('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      finish(new Error(`proxyconnect tcp: proxy ${proxy.host} answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
      return;
    }
    finish(null, socket);
  });
  req.once('error', (e) => finish(proxyError(proxy, e)));
  req.end();
}

/**
 * A keep-alive agent whose connections go through a CONNECT tunnel of `proxy`; `secure` adds
 * TLS (with `tlsOptions`: CAs, client certificate, verification) on top, for https URLs.
 * Connection failures surface as request errors ("proxyconnect tcp: …"). Never throws.
 */
export function createTunnelAgent(proxy: URL, secure: boolean, tlsOptions: tls.ConnectionOptions = {}, agentOptions: http.AgentOptions = {}): http.Agent {
  const create = (options: TunnelTarget, cb: (err: Error | null, stream: Duplex) => void): void => {
    openTunnel(proxy, options, (err, socket) => {
      if (err || !socket) {
        cb(err ?? new Error('proxyconnect tcp: no socket'), undefined as never);
        return;
      }
      if (!secure) {
        cb(null, socket);
        return;
      }
      const host = options.hostname ?? options.host ?? undefined;
      const s = tls.connect({ ...tlsOptions, socket, servername: options.servername ?? (host && !net.isIP(host) ? host : undefined) });
      const onErr = (e: Error) => cb(e, undefined as never);
      s.once('error', onErr);
      s.once('secureConnect', () => {
        s.off('error', onErr);
        cb(null, s);
      });
    });
  };
  if (secure) {
    const a = new https.Agent({ ...agentOptions, ...tlsOptions });
    a.createConnection = ((options: TunnelTarget, cb: (err: Error | null, stream: Duplex) => void) => {
      create(options, cb);
      return undefined;
    }) as typeof a.createConnection;
    return a;
  }
  const a = new http.Agent(agentOptions);
  a.createConnection = ((options: TunnelTarget, cb: (err: Error | null, stream: Duplex) => void) => {
    create(options, cb);
    return undefined;
  }) as typeof a.createConnection;
  return a;
}
