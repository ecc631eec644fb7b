/**
 * The embedded DNS server's own latency, without containers: the server (with a resolver that
 * knows a few names and rotates them like the real one) listens on a loopback address of its
 * own, and the client of dns-client.ts runs as a separate process sending `count` sequential
 * queries. Prints p50/p99 in ms.
 *
 * `node dist/bench/dns-server-latency.js [count]` (default 10000).
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../test/harness/index.js';
import { createDnsServer } from '../src/core/networks/dns/server.js';
import type { DnsResolver } from '../src/core/networks/parts.js';
import { nullLogger } from '../src/lib/log.js';
import type { DnsRun } from './dns-client.js';

/** A resolver knowing `web` (3 addresses, rotated) and `db`. */
function benchResolver(): DnsResolver {
  let turn = 0;
  const web = ['172.30.0.2', '172.30.0.3', '172.30.0.4'];
  return {
    lookup(_client, name) {
      if (name === 'db') return ['172.30.0.9'];
      if (name !== 'web') return undefined;
      const k = turn++ % web.length;
      return [...web.slice(k), ...web.slice(0, k)];
    },
    reverse: () => undefined,
  };
}

/** Measures `count` sequential queries against an in-process server. Throws when the client fails. */
export async function serverLatency(count: number): Promise<DnsRun> {
  const ip = `127.${randomInt(40, 200)}.${randomInt(0, 250)}.1`;
  const server = createDnsServer({ resolver: benchResolver(), upstreams: () => [], log: nullLogger });
  try {
    const { port } = await server.listen(ip);
    const client = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dns-client.js');
    const r = await runCommand(process.execPath, [client, ip, String(port), 'web,db', String(count)], process.env, { timeoutMs: 300_000 });
    if (r.code !== 0) throw new Error(`dns-client: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as DnsRun;
  } finally {
    await server.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const count = Number(process.argv[2] ?? 10000);
  const r = await serverLatency(count);
  process.stdout.write(`${count} sequential queries: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, resolved ${r.resolved}, empty ${r.empty}, lost ${r.lost}\n`);
}
