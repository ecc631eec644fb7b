/**
 * Starts a private engine (pierd, or Debian's real dockerd as the reference) on temporary
 * roots and a temporary unix socket, so several can run side by side and none touches the
 * system's daemons. Paths are kept short: a unix socket path must stay below 108 bytes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomInt } from 'node:crypto';
import { killProcessesMentioning, removeDaemonCgroups, removeTree } from './cleanup.js';
import { netLeftovers, removeNetLeftovers } from './net-cleanup.js';
import { allocateNetSpace, pierdHasNetFlags, type NetSpace } from './net-space.js';
import { apiRequest, ping } from './http.js';
import { engineUnderTest, type EngineKind } from './probes.js';
import { pierdPath } from './paths.js';

/** Options of {@link startDaemon}. */
export interface DaemonOptions {
  /** Which engine; default from PIER_TEST_ENGINE (pier). */
  engine?: EngineKind;
  /** Written as the daemon's --config-file (daemon.json). */
  config?: Record<string, unknown>;
  /** Extra daemon flags. */
  args?: string[];
  /** Extra environment for the daemon process. */
  env?: Record<string, string>;
  /** How long to wait for /_ping (default 30 s). */
  startTimeoutMs?: number;
  /** Short tag in the temp dir name, e.g. the test file's name. */
  name?: string;
  /**
   * Give pierd its own default bridge and address space (`--bridge`, `--bip`,
   * `default-address-pools`; see net-space.ts). Default true; applied only when this pierd
   * build has the flags, and each setting only when `args`/`config` do not set it already.
   */
  isolateNetwork?: boolean;
}

/** A running private daemon. Every method is safe to call more than once. */
export interface TestDaemon {
  engine: EngineKind;
  /** The unix socket path. */
  socket: string;
  /** `unix://<socket>` */
  host: string;
  /** Environment for clients: process.env plus DOCKER_HOST, PIER_HOST, a private DOCKER_CONFIG. */
  env: NodeJS.ProcessEnv;
  /** The private base directory (everything below it belongs to this daemon). */
  dir: string;
  dataRoot: string;
  execRoot: string;
  logPath: string;
  /**
   * The daemon's private address space and default bridge name, when the harness gave it one
   * (pierd with networking flags); undefined for dockerd or an older pierd.
   */
  net?: NetSpace;
  /** Current daemon pid (changes on restart). */
  pid(): number;
  /** The daemon's log so far (stdout and stderr). */
  logs(): string;
  /**
   * Removes its containers via the API, SIGTERM (SIGKILL after 15 s), kills leftovers, deletes
   * its kernel network objects (nft table, bridges, veths on them), unmounts, deletes roots.
   * With PIER_TEST_LOG_DIR set, the daemon log is copied there first.
   */
  stop(): Promise<void>;
  /** SIGKILL the daemon only (a crash); roots and containers stay. */
  kill9(): Promise<void>;
  /** Starts the daemon again on the same roots and socket (after kill9, or SIGTERM first when running). */
  restart(): Promise<void>;
}

/**
 * Proxy settings that make any attempt to reach a non-loopback registry fail at once on
 * loopback (no DNS lookups leave the machine) while loopback registries stay reachable.
 */
const NO_INTERNET: Readonly<Record<string, string>> = {
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost,::1',
  no_proxy: '127.0.0.1,localhost,::1',
};

function daemonCommand(kind: EngineKind, d: { dataRoot: string; execRoot: string; socket: string; pidFile: string; configFile: string }, extra: string[]): [string, string[]] {
  const common = ['--data-root', d.dataRoot, '--exec-root', d.execRoot, '-H', `unix://${d.socket}`, '--pidfile', d.pidFile, '--config-file', d.configFile];
  if (kind === 'docker') return ['dockerd', [...common, '--bridge', 'none', '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--userland-proxy=false', ...extra]];
  return [process.execPath, [pierdUnderTest(), ...common, '--log-level', 'debug', ...extra]];
}

/** The pierd bundle test daemons run: `PIER_TEST_PIERD` when set, else dist/pierd.mjs. Never throws. */
export function pierdUnderTest(): string {
  return process.env.PIER_TEST_PIERD || pierdPath();
}

/**
 * Starts a private daemon and waits until `/_ping` answers. Throws (after stopping it and
 * removing its directory) when it exits early or does not answer in time; the error message
 * includes the end of its log.
 */
export async function startDaemon(opts: DaemonOptions = {}): Promise<TestDaemon> {
  const engine = opts.engine ?? engineUnderTest();
  const tag = (opts.name ?? engine).replace(/[^a-zA-Z0-9]/g, '').slice(0, 8);
  const dir = fs.mkdtempSync(`/tmp/pt-${tag}-`);
  const paths = {
    dataRoot: path.join(dir, 'root'),
    execRoot: path.join(dir, 'exec'),
    socket: path.join(dir, 'd.sock'),
    pidFile: path.join(dir, 'd.pid'),
    configFile: path.join(dir, 'daemon.json'),
  };
  const logPath = path.join(dir, 'daemon.log');
  const cliConfig = path.join(dir, 'cli');
  fs.mkdirSync(cliConfig);
  fs.writeFileSync(path.join(cliConfig, 'config.json'), '{}\n');
  const net = engine === 'pier' && opts.isolateNetwork !== false && pierdHasNetFlags(pierdUnderTest()) ? allocateNetSpace(randomInt(1_000_000)) : undefined;
  const config: Record<string, unknown> = { ...(opts.config ?? {}) };
  const extraArgs = [...(opts.args ?? [])];
  if (net) {
    const given = (flag: string, key: string) => key in config || extraArgs.some((a) => a === flag || a.startsWith(`${flag}=`));
    const ownBridge = given('--bridge', 'bridge');
    if (!ownBridge) extraArgs.push('--bridge', net.bridge);
    if (!ownBridge && !given('--bip', 'bip')) extraArgs.push('--bip', net.bip);
    if (!('default-address-pools' in config)) config['default-address-pools'] = net.pools;
  }
  fs.writeFileSync(paths.configFile, `${JSON.stringify(config, null, 2)}\n`);
  const host = `unix://${paths.socket}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKER_HOST: host,
    PIER_HOST: host,
    DOCKER_CONFIG: cliConfig,
    DOCKER_CLI_HINTS: 'false',
    DOCKER_BUILDKIT: '0',
  };
  delete env.DOCKER_CONTEXT;
  delete env.DOCKER_TLS_VERIFY;
  const timeout = opts.startTimeoutMs ?? 30_000;
  let child: ChildProcess | undefined;
  let exited = true;

  const launch = async (): Promise<void> => {
    const [cmd, args] = daemonCommand(engine, paths, extraArgs);
    const fd = fs.openSync(logPath, 'a');
    try {
      child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...NO_INTERNET, ...opts.env }, detached: false });
    } finally {
      fs.closeSync(fd);
    }
    exited = false;
    const c = child;
    c.on('exit', () => { exited = true; });
    c.on('error', () => { exited = true; });
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${engine} daemon exited during start-up:\n${tail(logPath)}`);
      if (await ping(paths.socket)) return;
      await sleep(50);
    }
    throw new Error(`${engine} daemon did not answer /_ping within ${timeout} ms:\n${tail(logPath)}`);
  };

  const terminate = async (signal: NodeJS.Signals, waitMs: number): Promise<void> => {
    const c = child;
    if (!c || exited) return;
    const done = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    const ac = new AbortController();
    const t = sleep(waitMs, 'timeout' as const, { signal: ac.signal }).catch(() => 'done' as const);
    const winner = await Promise.race([done.then(() => 'done' as const), t]);
    ac.abort();
    if (winner === 'timeout') {
      c.kill('SIGKILL');
      await done;
    }
  };

  /** Kernel objects the stopped daemon left (read from its data root before it goes). */
  const cleanNet = (): void => {
    if (engine !== 'pier') return;
    const ours = net && extraArgs.includes(net.bridge) ? [net.bridge] : [];
    removeNetLeftovers(netLeftovers(paths.dataRoot, ours));
    net?.release();
    removeDaemonCgroups(paths.dataRoot);
  };

  let stopped = false;
  const daemon: TestDaemon = {
    engine,
    socket: paths.socket,
    host,
    env,
    dir,
    dataRoot: paths.dataRoot,
    execRoot: paths.execRoot,
    logPath,
    net,
    pid: () => child?.pid ?? 0,
    logs: () => (fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : ''),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) await removeAllContainers(paths.socket).catch(() => undefined);
      await terminate('SIGTERM', 15_000);
      killProcessesMentioning(dir);
      await sleep(50);
      keepLog(logPath, `${engine}-${path.basename(dir)}`);
      cleanNet();
      removeTree(dir);
    },
    async kill9() {
      await terminate('SIGKILL', 5_000);
      // dockerd's managed containerd hangs once its parent is gone: a crash takes both down
      // (the containers stay with their shims), as when the host kills the service's group.
      if (engine === 'docker') killManagedContainerd(paths.execRoot);
    },
    async restart() {
      await terminate('SIGTERM', 15_000);
      await launch();
    },
  };
  try {
    await launch();
  } catch (e) {
    stopped = true;
    await terminate('SIGKILL', 5_000);
    killProcessesMentioning(dir);
    cleanNet();
    removeTree(dir);
    throw e;
  }
  return daemon;
}

/** Force-removes every container on the daemon at `socket` (with anonymous volumes). Rejects on API failure. */
export async function removeAllContainers(socket: string): Promise<void> {
  const r = await apiRequest(socket, 'GET', '/containers/json?all=1', { timeoutMs: 10_000 });
  if (r.status !== 200) return;
  const list = r.json<{ Id: string }[]>();
  await Promise.all(list.map((c) => apiRequest(socket, 'DELETE', `/containers/${c.Id}?force=1&v=1`, { timeoutMs: 20_000 }).catch(() => undefined)));
}

/** Copies the daemon log to $PIER_TEST_LOG_DIR (when set) before the directory goes. Never throws. */
function keepLog(logPath: string, name: string): void {
  const dir = process.env.PIER_TEST_LOG_DIR;
  if (!dir) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(logPath, path.join(dir, `${name}.log`));
  } catch { /* best effort */ }
}

function killManagedContainerd(execRoot: string): void {
  try {
    const pidFile = path.join(execRoot, 'containerd', 'containerd.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGKILL');
    // It may linger as a zombie (no reaper here) that dockerd would take for alive.
    fs.rmSync(pidFile, { force: true });
  } catch { /* not running */ }
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
