/**
 * The generated /etc/hostname, /etc/hosts and /etc/resolv.conf of a container. The builders
 * are pure; `etcFilesFor` + `writeNewEtcFiles` make them for a new container's directory
 * (without fsync, as Docker).
 *
 * At create, network mode "host" copies the host's files; every other mode gets the
 * loopback-only hosts file of `--network none`. Containers on bridge/user networks get theirs
 * rewritten at every start with their addresses and links (network-attach.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { HostConfig } from '../../api/types.js';
import type { ContainerPaths } from './types.js';

const LOCAL_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** Parses an ExtraHosts entry (`name:ip` — the ip may be IPv6 with colons; `name=ip` too). */
export function parseExtraHost(entry: string): { name: string; ip: string } | undefined {
  const sep = entry.search(/[:=]/);
  if (sep <= 0) return undefined;
  return { name: entry.slice(0, sep), ip: entry.slice(sep + 1).replace(/^\[|\]$/g, '') };
}

/** `host-gateway` in an ExtraHosts address: replaced by the daemon's host gateway address. */
export const HOST_GATEWAY = 'host-gateway';

/**
 * The hosts file for a non-host network: localhost lines, ExtraHosts (`host-gateway` replaced
 * by `opts.hostGatewayIp` when known), `opts.links` lines, then one `ip hostname` line per
 * address of the container (`self`).
 */
export function buildHosts(
  extraHosts: readonly string[] | null | undefined,
  self?: { ip: string; names: string[] } | { ip: string; names: string[] }[],
  opts: { hostGatewayIp?: string; links?: readonly string[] } = {},
): string {
  const lines = [...LOCAL_HOSTS];
  for (const e of extraHosts ?? []) {
    const h = parseExtraHost(e);
    if (!h) continue;
    const ip = h.ip === HOST_GATEWAY && opts.hostGatewayIp ? opts.hostGatewayIp : h.ip;
    lines.push(`${ip}\t${h.name}`);
  }
  lines.push(...(opts.links ?? []));
  for (const s of Array.isArray(self) ? self : self ? [self] : []) lines.push(`${s.ip}\t${s.names.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** The names of a container's own hosts line: `hostname.domain hostname`, or just `hostname`. */
export function selfNames(hostname: string, domainname?: string): string[] {
  return domainname ? [`${hostname}.${domainname}`, hostname] : [hostname];
}

function isLocalNameserver(ip: string): boolean {
  return /^127\./.test(ip) || ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}

/**
 * The resolv.conf of a container from the host's: localhost nameservers dropped (unless
 * `keepLocal`, host networking), Docker's fallback nameservers when none remain, then
 * Dns/DnsSearch/DnsOptions override the respective parts.
 */
export function buildResolvConf(host: string, hc: Pick<HostConfig, 'Dns' | 'DnsSearch' | 'DnsOptions'>, keepLocal = false): string {
  let nameservers: string[] = [];
  let search: string[] = [];
  let options: string[] = [];
  const other: string[] = [];
  for (const raw of host.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) {
      if (keepLocal || !isLocalNameserver(rest[0])) nameservers.push(rest[0]);
    } else if (key === 'search' || key === 'domain') search = rest;
    else if (key === 'options') options.push(...rest);
    else other.push(line);
  }
  if (nameservers.length === 0 && !keepLocal) nameservers = ['8.8.8.8', '8.8.4.4'];
  if (hc.Dns && hc.Dns.length > 0) nameservers = [...hc.Dns];
  if (hc.DnsSearch && hc.DnsSearch.length > 0) search = hc.DnsSearch.filter((s) => s !== '.');
  if (hc.DnsOptions && hc.DnsOptions.length > 0) options = [...hc.DnsOptions];
  const out: string[] = [];
  if (search.length > 0) out.push(`search ${search.join(' ')}`);
  for (const n of nameservers) out.push(`nameserver ${n}`);
  if (options.length > 0) out.push(`options ${options.join(' ')}`);
  out.push(...other);
  return out.join('\n') + '\n';
}

/** Reads a file, or `fallback` when it cannot be read. Never throws. */
export async function readOr(file: string, fallback: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** What a container's etc files hold at create. */
export interface EtcFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

/**
 * The hostname, hosts and resolv.conf of a new container, from the host's files (`hostEtc`
 * overrides the host files read: tests). Never throws.
 */
export async function etcFilesFor(opts: {
  hostname: string;
  domainname?: string;
  hostConfig: HostConfig;
  hostEtc?: { hosts?: string; resolvConf?: string };
  hostGatewayIp?: string;
}): Promise<EtcFiles> {
  const hc = opts.hostConfig;
  const hostMode = hc.NetworkMode === 'host';
  const [hostResolv, hostHosts] = await Promise.all([
    readOr(opts.hostEtc?.resolvConf ?? '/etc/resolv.conf', ''),
    hostMode ? readOr(opts.hostEtc?.hosts ?? '/etc/hosts', LOCAL_HOSTS.join('\n') + '\n') : undefined,
  ]);
  let hosts: string;
  if (hostMode) {
    hosts = hostHosts!;
    for (const e of hc.ExtraHosts ?? []) {
      const h = parseExtraHost(e);
      if (h) hosts += `${h.ip === HOST_GATEWAY && opts.hostGatewayIp ? opts.hostGatewayIp : h.ip}\t${h.name}\n`;
    }
  } else {
    hosts = buildHosts(hc.ExtraHosts, undefined, { hostGatewayIp: opts.hostGatewayIp });
  }
  return { hostname: opts.hostname + '\n', hosts, resolvConf: buildResolvConf(hostResolv, hc, hostMode) };
}

/**
 * Writes `files` into the directory of a container being created: plain writes, no temporary
 * names, since nothing reads them before the container exists (a crash leaves a directory
 * without a record, removed at daemon start). Throws fs errors.
 */
export async function writeNewEtcFiles(paths: ContainerPaths, files: EtcFiles): Promise<void> {
  const mode = 0o644;
  await Promise.all([
    writeFile(paths.hostname, files.hostname, { mode }),
    writeFile(paths.hosts, files.hosts, { mode }),
    writeFile(paths.resolvConf, files.resolvConf, { mode }),
  ]);
}
