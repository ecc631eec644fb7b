/**
 * Shared set-up of the networking suites: a pierd with its own bridge and 10.<a>.0.0/16 (see
 * test/harness/net-space.ts), docker CLI runners that fail with the daemon's network log
 * lines, and small host-side probes (HTTP/UDP clients, veths on our bridges, our nft table).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import * as packet from 'dns-packet';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  engineUnderTest, rootMissing, runDocker, startBusyboxDaemon, type CliResult, type DaemonOptions,
  type Skippable, type TestDaemon,
} from '../../harness/index.js';
import { linksOnBridge, nftTableOf } from '../../harness/net-cleanup.js';

/** Long enough for a suite's container runs; node:test's default is no limit. */
export const SUITE_TIMEOUT = 300_000;

/**
 * Starts a busybox pierd for a networking suite. Returns skip true (after printing the reason)
 * without root, when the engine under test is the reference dockerd (started here with
 * --bridge none), or when this pierd build has no networking flags yet (no isolated
 * bridge/address space to test on). The tests then skip themselves: calling `skip()` on a
 * suite hook's context would cancel them instead. `_t` is kept for the callers' symmetry with
 * startBusyboxDaemon. Throws what startDaemon/loadBusybox throw.
 */
export async function startNetDaemon(_t: Skippable, name: string, opts: DaemonOptions = {}): Promise<{ d: TestDaemon; skip: boolean; reason?: string }> {
  const quiet: Skippable = { skip: () => undefined };
  const none = (reason: string) => {
    process.stderr.write(`# skip: ${reason}\n`);
    return { d: undefined as unknown as TestDaemon, skip: true, reason };
  };
  if (engineUnderTest() === 'docker') return none('the reference dockerd runs with --bridge none --iptables=false here');
  const root = rootMissing();
  if (root) return none(root);
  const r = await startBusyboxDaemon(quiet, { name, ...opts });
  if (r.skip) return none('the daemon could not be started');
  if (!r.d.net) {
    await r.d.stop();
    return none('pierd has no --bip/--bridge flags yet: no private bridge and address space for network tests');
  }
  return r;
}

/** The daemon log lines about networking (for assertion messages). Never throws. */
export function netLog(d: TestDaemon, lines = 30): string {
  return d.logs().split('\n')
    .filter((l) => /"subsystem":"networks"|"level":"(warn|error)"|network|endpoint/i.test(l) && !l.includes('starting conmon'))
    .slice(-lines).join('\n');
}

/** docker CLI helpers bound to one daemon (`run`/`create` always get `--pull never`). */
export interface Dock {
  run(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** Runs and asserts exit 0; returns stdout. */
  ok(args: string[], timeoutMs?: number): Promise<string>;
  /** Runs and asserts a non-zero exit; returns stderr. */
  fails(args: string[], timeoutMs?: number): Promise<string>;
  /** `docker exec ctr sh -c script`. */
  sh(ctr: string, script: string, timeoutMs?: number): Promise<CliResult>;
  /** `docker inspect -f fmt ref`, trimmed. */
  inspect(ref: string, fmt: string): Promise<string>;
  /** The container's IPv4 address on `network` (its only/first network when omitted). */
  ipOf(ctr: string, network?: string): Promise<string>;
  /** `docker run -d --name name …flags busybox cmd…` (cmd default `sleep 600`); returns the id. */
  start(name: string, flags: string[], cmd?: string[]): Promise<string>;
}

/** Builds the {@link Dock} helpers for `d`. Never throws. */
export function dock(d: TestDaemon): Dock {
  // A 404 from create makes the CLI pull the image: never, nothing may leave the machine.
  const noPull = (args: string[]) => ((args[0] === 'run' || args[0] === 'create') && !args.includes('--pull') ? [args[0], '--pull', 'never', ...args.slice(1)] : args);
  const run = (args: string[], timeoutMs = 60_000) => runDocker(d, noPull(args), { timeoutMs });
  const self: Dock = {
    run,
    async ok(args, timeoutMs) {
      const r = await run(args, timeoutMs);
      assert.equal(r.code, 0, `docker ${args.join(' ')} → ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\ndaemon:\n${netLog(d)}`);
      return r.stdout;
    },
    async fails(args, timeoutMs) {
      const r = await run(args, timeoutMs);
      assert.notEqual(r.code, 0, `docker ${args.join(' ')} should fail\nstdout: ${r.stdout}`);
      return r.stderr;
    },
    sh: (ctr, script, timeoutMs) => run(['exec', ctr, 'sh', '-c', script], timeoutMs),
    inspect: async (ref, fmt) => (await self.ok(['inspect', '-f', fmt, ref])).trim(),
    async ipOf(ctr, network) {
      const fmt = network
        ? `{{with index .NetworkSettings.Networks "${network}"}}{{.IPAddress}}{{end}}`
        : '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}';
      const ip = (await self.inspect(ctr, fmt)).split(' ')[0] ?? '';
      assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/, `address of ${ctr}${network ? ` on ${network}` : ''}`);
      return ip;
    },
    async start(name, flags, cmd = ['sleep', '600']) {
      return (await self.ok(['run', '-d', '--name', name, ...flags, 'busybox', ...cmd])).trim();
    },
  };
  return self;
}

/** A shell command for busybox: serve `text` as /www/index.html on `port` (foreground). */
export function httpdCmd(text: string, port = 80): string[] {
  return ['sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p ${port} -h /www`];
}

/** GET http://host:port/path with Node's client; rejects on connection errors or timeout. */
export function httpGet(host: string, port: number, path = '/', timeoutMs = 3000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}:${port}${path}: timed out`)));
    req.on('error', reject);
  });
}

/** Retries {@link httpGet} until it answers 200 (or `timeoutMs` passes, then rejects with the last error). */
export async function httpGetEventually(host: string, port: number, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const r = await httpGet(host, port, '/', 2000);
      if (r.status === 200) return r.body;
      last = new Error(`status ${r.status}`);
    } catch (e) {
      last = e;
    }
    await sleep(150);
  }
  throw new Error(`http://${host}:${port}/ never answered 200: ${(last as Error)?.message}`);
}

/** Sends `msg` over UDP to host:port until a reply arrives; resolves with it or rejects after `timeoutMs`. */
export function udpAsk(host: string, port: number, msg: string, timeoutMs = 8000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const send = () => s.send(msg, port, host, () => undefined);
    const tick = setInterval(send, 250);
    const timer = setTimeout(() => done(new Error(`no UDP answer from ${host}:${port}`)), timeoutMs);
    const done = (err: Error | null, v?: string) => {
      clearInterval(tick);
      clearTimeout(timer);
      s.close();
      if (err) reject(err);
      else resolve(v ?? '');
    };
    s.on('message', (m) => done(null, m.toString('utf8')));
    s.on('error', (e) => done(e));
    send();
  });
}

/**
 * Starts a UDP echo server ("pong:<msg>") on 0.0.0.0:`port` inside the network namespace of
 * process `pid` (busybox nc here has no UDP mode). Returns a function that stops it.
 */
export function udpEchoIn(pid: number, port: number): () => void {
  const code = `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('pong:'+m,r.port,r.address));s.bind(${port},'0.0.0.0');`;
  const c = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', code], { stdio: 'ignore' });
  c.on('error', () => undefined);
  return () => {
    try {
      c.kill('SIGKILL');
    } catch { /* gone */ }
  };
}

/** A TCP port free on every host address right now (from the kernel's ephemeral range). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '0.0.0.0', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** The host's first non-loopback IPv4 address outside 10.100–199/16 (eth0 here). Throws when none. */
export function hostAddress(): string {
  const ifs = os.networkInterfaces();
  const order = ['eth0', ...Object.keys(ifs).filter((n) => n !== 'eth0')];
  for (const n of order) {
    for (const a of ifs[n] ?? []) {
      if (a.family === 'IPv4' && !a.internal && !/^10\.1\d\d\./.test(a.address)) return a.address;
    }
  }
  throw new Error('no non-loopback IPv4 address on this host');
}

/** Host veths on the daemon's bridges (default bridge plus `extra`). Never throws. */
export function ourVeths(d: TestDaemon, extra: string[] = []): string[] {
  return [d.net?.bridge ?? '', ...extra].filter(Boolean).flatMap((b) => linksOnBridge(b)).sort();
}

/** `nft list table ip pier-<id>` text ('' when the table does not exist). Never throws. */
export function nftTable(d: TestDaemon): string {
  const t = nftTableOf(d.dataRoot);
  if (!t) return '';
  const r = spawnSync('nft', ['list', 'table', 'ip', t], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

/** Polls `fn` until it returns true (or `timeoutMs` passes, then fails with `what`). */
export async function eventually(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(150);
  }
  assert.fail(`timed out waiting for: ${what}`);
}

/** Why forwarded (bridged/routed) traffic is dropped by the host's firewall, or null. Never throws. */
export function forwardBlocked(): string | null {
  const r = spawnSync('nft', ['list', 'ruleset'], { encoding: 'utf8' });
  return /hook forward priority[^;]*;\s*policy drop;/.test(r.stdout ?? '') ? 'the host firewall drops forwarded traffic (FORWARD policy DROP)' : null;
}

/** A tiny DNS server the tests run: A records from `zone`, NXDOMAIN otherwise; records what it was asked. */
export interface TinyDns {
  asked: string[];
  close(): void;
}

/** Starts {@link TinyDns} on udp `address`:53. Rejects when the address cannot be bound. */
export async function tinyDns(address: string, zone: Record<string, string>): Promise<TinyDns> {
  const s = dgram.createSocket('udp4');
  const asked: string[] = [];
  s.on('message', (m, r) => {
    try {
      const q = packet.decode(m);
      const question = q.questions?.[0];
      if (!question) return;
      asked.push(`${question.type} ${question.name}`);
      const ip = zone[question.name.toLowerCase()];
      const answers: packet.Answer[] = ip && question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 30, data: ip }] : [];
      const rcode = ip ? 0 : 3;
      const out = packet.encode({ type: 'response', id: q.id, flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | rcode, questions: q.questions, answers });
      s.send(out, r.port, r.address);
    } catch { /* not DNS */ }
  });
  await new Promise<void>((res, rej) => {
    s.once('error', rej);
    s.bind(53, address, () => res());
  });
  return { asked, close: () => s.close() };
}
