/**
 * Builds the DaemonConfig from pierd's command line (dockerd's flag names) and daemon.json
 * (Docker's keys). As dockerd does, a setting given both as a flag and in the file is refused.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { invalidArgument, errnoCode } from '../lib/errors.js';
import type { DaemonConfig } from './config.js';

const DEFAULT_CONFIG_FILE = '/etc/pier/daemon.json';

/** Flags pierd accepts, in node:util parseArgs form. */
const flagSpec = {
  host: { type: 'string', short: 'H', multiple: true },
  'data-root': { type: 'string' },
  'exec-root': { type: 'string' },
  pidfile: { type: 'string', short: 'p' },
  'config-file': { type: 'string' },
  'log-level': { type: 'string', short: 'l' },
  debug: { type: 'boolean', short: 'D' },
  'default-runtime': { type: 'string' },
  'add-runtime': { type: 'string', multiple: true },
  'storage-driver': { type: 'string', short: 's' },
  'live-restore': { type: 'boolean' },
  'registry-mirror': { type: 'string', multiple: true },
  'insecure-registry': { type: 'string', multiple: true },
  group: { type: 'string', short: 'G' },
  'default-ulimit': { type: 'string', multiple: true },
  'log-driver': { type: 'string' },
  'log-opt': { type: 'string', multiple: true },
  'default-shm-size': { type: 'string' },
  bridge: { type: 'string', short: 'b' },
  bip: { type: 'string' },
  'fixed-cidr': { type: 'string' },
  'default-address-pool': { type: 'string', multiple: true },
  'ip-forward': { type: 'boolean' },
  iptables: { type: 'boolean' },
  'ip-masq': { type: 'boolean' },
  icc: { type: 'boolean' },
  'userland-proxy': { type: 'boolean' },
  mtu: { type: 'string' },
  ip: { type: 'string' },
  'resolv-conf': { type: 'string' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** daemon.json key for each flag that has one. */
const fileKeyOfFlag: Record<string, string> = {
  host: 'hosts',
  'data-root': 'data-root',
  'exec-root': 'exec-root',
  pidfile: 'pidfile',
  'log-level': 'log-level',
  debug: 'debug',
  'default-runtime': 'default-runtime',
  'storage-driver': 'storage-driver',
  'live-restore': 'live-restore',
  'registry-mirror': 'registry-mirrors',
  'insecure-registry': 'insecure-registries',
  group: 'group',
  'default-ulimit': 'default-ulimits',
  'log-driver': 'log-driver',
  'log-opt': 'log-opts',
  'default-shm-size': 'default-shm-size',
  bridge: 'bridge',
  bip: 'bip',
  'fixed-cidr': 'fixed-cidr',
  'default-address-pool': 'default-address-pools',
  'ip-forward': 'ip-forward',
  iptables: 'iptables',
  'ip-masq': 'ip-masq',
  icc: 'icc',
  'userland-proxy': 'userland-proxy',
  mtu: 'mtu',
  ip: 'ip',
  'resolv-conf': 'resolv-conf',
};

/**
 * Go's flag package accepts `--flag=false` for booleans (dockerd users write
 * `--iptables=false`); node's parseArgs does not. Rewrites `--b=true` to `--b` and takes
 * `--b=false` out, returning the names set to false.
 */
function splitBooleanValues(argv: string[]): { args: string[]; falses: string[] } {
  const args: string[] = [];
  const falses: string[] = [];
  for (const a of argv) {
    const m = /^--([a-z-]+)=(true|false|1|0)$/i.exec(a);
    const spec = m ? (flagSpec as Record<string, { type: string }>)[m[1]!] : undefined;
    if (!m || !spec || spec.type !== 'boolean') {
      args.push(a);
      continue;
    }
    if (/^(true|1)$/i.test(m[2]!)) args.push(`--${m[1]}`);
    else falses.push(m[1]!);
  }
  return { args, falses };
}

export const usage = `Usage:	pierd [OPTIONS]

A self-sufficient runtime for containers (Docker Engine API compatible).

Options:
      --add-runtime runtime               Register an additional OCI compatible runtime (name=path)
      --config-file string                Daemon configuration file (default "/etc/pier/daemon.json")
      --data-root string                  Root directory of persistent Pier state (default "/var/lib/pier")
  -D, --debug                             Enable debug mode
      --default-runtime string            Default OCI runtime for containers (default: probed, runc or crun)
      --default-shm-size bytes            Default shm size for containers (default 64MiB)
      --default-ulimit ulimit             Default ulimits for containers (default [])
      --exec-root string                  Root directory for execution state files (default "/run/pier")
  -G, --group string                      Group for the unix socket (default "root")
  -H, --host list                         Daemon socket(s) to connect to (default unix:///run/pier/pier.sock)
      --insecure-registry list            Enable insecure registry communication
      --live-restore                      Enable live restore of containers when the daemon stops
      --log-driver string                 Default driver for container logs (default "json-file")
  -l, --log-level string                  Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
      --log-opt map                       Default log driver options for containers (default map[])
  -p, --pidfile string                    Path to use for daemon PID file (default "/run/pier/pierd.pid")
      --registry-mirror list              Preferred registry mirror
  -s, --storage-driver string             Storage driver to use (overlay2 or vfs)
  -v, --version                           Print version information and quit

Networking:
  -b, --bridge string                     Attach containers to a network bridge (default "pier0"; "none" disables it)
      --bip string                        Specify default-bridge IPv4 network (e.g. 172.17.0.1/16)
      --default-address-pool pool-options Default address pools for node specific local networks (base=CIDR,size=N)
      --fixed-cidr string                 IPv4 subnet for fixed IPs on the default bridge
      --icc                               Enable inter-container communication (default true)
      --ip ip                             Default IP when binding container ports (default 0.0.0.0)
      --ip-forward                        Enable net.ipv4.ip_forward (default true)
      --ip-masq                           Enable IP masquerading (default true)
      --iptables                          Enable addition of firewall rules (nftables) (default true)
      --mtu int                           Set the containers network MTU (default 1500)
      --resolv-conf string                Host resolv.conf for containers and the embedded DNS (default "/etc/resolv.conf")
      --userland-proxy                    Accepted and ignored: pier always holds published ports itself
`;

export type ParsedCommandLine = { help: true } | { version: true } | { config: DaemonConfig };

/**
 * Parses argv (without node and script) and the config file. Throws InvalidArgument with
 * dockerd-like messages for unknown flags, bad values, unreadable JSON or conflicts.
 */
export function loadConfig(argv: string[]): ParsedCommandLine {
  let parsed;
  const { args, falses } = splitBooleanValues(argv);
  try {
    parsed = parseArgs({ args, options: flagSpec, strict: true, allowPositionals: false });
  } catch (e) {
    throw invalidArgument((e as Error).message.replace(/^Unknown option '(.*?)'.*$/s, 'unknown flag: $1'));
  }
  const flags = parsed.values as Record<string, unknown>;
  for (const f of falses) flags[f] = false;
  if (flags.help) return { help: true };
  if (flags.version) return { version: true };

  const configFile = (flags['config-file'] as string | undefined) ?? DEFAULT_CONFIG_FILE;
  const file = readConfigFile(configFile, flags['config-file'] !== undefined);
  const conflicts = Object.keys(flags)
    .filter((f) => fileKeyOfFlag[f] && file[fileKeyOfFlag[f]] !== undefined)
    .map((f) => `${fileKeyOfFlag[f]}: (from flag: ${JSON.stringify(flags[f])}, from file: ${JSON.stringify(file[fileKeyOfFlag[f]])})`);
  if (conflicts.length) {
    throw invalidArgument(`the following directives are specified both as a flag and in the configuration file: ${conflicts.join(', ')}`);
  }
  const pick = <T>(flag: string): T | undefined => (flags[flag] ?? file[fileKeyOfFlag[flag] ?? flag]) as T | undefined;

  const runtimes: DaemonConfig['runtimes'] = { ...((file.runtimes as DaemonConfig['runtimes']) ?? {}) };
  for (const r of (flags['add-runtime'] as string[] | undefined) ?? []) {
    const eq = r.indexOf('=');
    if (eq <= 0) throw invalidArgument(`runtime must be in the format name=path: ${r}`);
    runtimes[r.slice(0, eq)] = { path: r.slice(eq + 1) };
  }
  const logLevel = (flags.debug || file.debug ? 'debug' : (pick<string>('log-level') ?? 'info')) as DaemonConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'fatal'].includes(logLevel)) throw invalidArgument(`unable to parse logging level: ${logLevel}`);
  const storageDriver = pick<string>('storage-driver');
  if (storageDriver !== undefined && storageDriver !== 'overlay2' && storageDriver !== 'vfs') {
    throw invalidArgument(`error initializing graphdriver: driver not supported: ${storageDriver}`);
  }

  const config: DaemonConfig = {
    hosts: pick<string[]>('host') ?? ['unix:///run/pier/pier.sock'],
    dataRoot: pick<string>('data-root') ?? '/var/lib/pier',
    execRoot: pick<string>('exec-root') ?? '/run/pier',
    pidfile: pick<string>('pidfile') ?? '',
    configFile,
    logLevel,
    defaultRuntime: pick<string>('default-runtime'),
    runtimes,
    logDriver: pick<string>('log-driver') ?? 'json-file',
    logOpts: parseLogOpts(flags['log-opt'] as string[] | undefined, file['log-opts'] as Record<string, string> | undefined),
    defaultUlimits: parseUlimits(flags['default-ulimit'] as string[] | undefined, file['default-ulimits'] as DaemonConfig['defaultUlimits'] | undefined),
    liveRestore: Boolean(pick<boolean>('live-restore')),
    registryMirrors: pick<string[]>('registry-mirror') ?? [],
    insecureRegistries: pick<string[]>('insecure-registry') ?? [],
    storageDriver: storageDriver as DaemonConfig['storageDriver'],
    defaultShmSize: parseShmSize(pick<string | number>('default-shm-size')),
    group: pick<string>('group'),
    resolvConf: optString(pick('resolv-conf'), 'resolv-conf'),
    network: {
      bridge: optString(pick('bridge'), 'bridge'),
      bip: optString(pick('bip'), 'bip'),
      fixedCidr: optString(pick('fixed-cidr'), 'fixed-cidr'),
      defaultAddressPools: parsePools(flags['default-address-pool'] as string[] | undefined, file['default-address-pools']),
      ipForward: optBool(pick('ip-forward'), 'ip-forward'),
      iptables: optBool(pick('iptables'), 'iptables'),
      ipMasq: optBool(pick('ip-masq'), 'ip-masq'),
      icc: optBool(pick('icc'), 'icc'),
      mtu: parseMtu(pick<string | number>('mtu')),
      defaultBindIp: optString(pick('ip'), 'ip'),
      userlandProxy: optBool(pick('userland-proxy'), 'userland-proxy'),
    },
  };
  if (!config.pidfile) config.pidfile = `${config.execRoot}/pierd.pid`;
  for (const h of config.hosts) {
    if (!/^(unix:\/\/\/.+|tcp:\/\/[^/]+|fd:\/\/.*)$/.test(h)) throw invalidArgument(`invalid host: ${h}`);
  }
  return { config };
}

function readConfigFile(file: string, explicit: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' && !explicit) return {};
    throw invalidArgument(`unable to configure the Pier daemon with file ${file}: ${(e as Error).message}`);
  }
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw invalidArgument(`unable to configure the Pier daemon with file ${file}: ${(e as Error).message}`);
  }
}

function parseLogOpts(flagOpts: string[] | undefined, fileOpts: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...(fileOpts ?? {}) };
  for (const o of flagOpts ?? []) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw invalidArgument(`invalid key/value pair format in log-opt: ${o}`);
    out[o.slice(0, eq)] = o.slice(eq + 1);
  }
  return out;
}

function parseUlimits(flagVals: string[] | undefined, fileVals: DaemonConfig['defaultUlimits'] | undefined): DaemonConfig['defaultUlimits'] {
  const out: DaemonConfig['defaultUlimits'] = { ...(fileVals ?? {}) };
  for (const u of flagVals ?? []) {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(u);
    if (!m) throw invalidArgument(`invalid ulimit argument: ${u}`);
    const soft = Number(m[2]);
    out[m[1]] = { Name: m[1], Soft: soft, Hard: m[3] !== undefined ? Number(m[3]) : soft };
  }
  return out;
}

function parseShmSize(v: string | number | undefined): number {
  if (v === undefined) return 64 * 1024 * 1024;
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(v.trim());
  if (!m) throw invalidArgument(`invalid default-shm-size: ${v}`);
  const mult: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.floor(Number(m[1]) * mult[m[2].toLowerCase()]);
}

function optString(v: unknown, key: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidArgument(`invalid value for ${key}: ${JSON.stringify(v)}`);
  return v;
}

function optBool(v: unknown, key: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidArgument(`invalid value for ${key}: ${JSON.stringify(v)}`);
  return v;
}

function parseMtu(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 68 || n > 65535) throw invalidArgument(`invalid mtu: ${v}`);
  return n;
}

const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/** `--default-address-pool base=10.10.0.0/16,size=24` (repeatable) or daemon.json `default-address-pools`. */
function parsePools(flagVals: string[] | undefined, fileVal: unknown): { base: string; size: number }[] | undefined {
  const check = (p: { base: unknown; size: unknown }, raw: string) => {
    const size = typeof p.size === 'string' ? Number(p.size) : p.size;
    if (typeof p.base !== 'string' || !CIDR.test(p.base) || typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 32) {
      throw invalidArgument(`invalid default-address-pool: ${raw}`);
    }
    if (size < Number(p.base.split('/')[1])) throw invalidArgument(`invalid default-address-pool: ${raw}: size is smaller than the base's prefix`);
    return { base: p.base, size };
  };
  if (flagVals && flagVals.length > 0) {
    return flagVals.map((v) => {
      const fields: Record<string, string> = {};
      for (const part of v.split(',')) {
        const eq = part.indexOf('=');
        if (eq <= 0) throw invalidArgument(`invalid default-address-pool: ${v}`);
        fields[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
      }
      return check({ base: fields.base, size: fields.size }, v);
    });
  }
  if (fileVal === undefined || fileVal === null) return undefined;
  if (!Array.isArray(fileVal)) throw invalidArgument(`invalid default-address-pools: ${JSON.stringify(fileVal)}`);
  return fileVal.map((p) => check((p ?? {}) as { base: unknown; size: unknown }, JSON.stringify(p)));
}
