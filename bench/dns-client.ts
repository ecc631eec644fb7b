/**
 * A tiny DNS latency client: `count` sequential A queries for `name` to `server:port` over UDP,
 * each timed from send to answer. Used by the network figures from inside a container's
 * network namespace (`nsenter --net=/proc/<pid>/ns/net node dist/bench/dns-client.js …`), so
 * the server sees the container's source address, and for the embedded server's own figure.
 *
 * CLI: `node dist/bench/dns-client.js <server> <port> <name>[,<name>…] <count> [timeoutMs]`
 * prints one JSON line: {@link DnsRun}. Names are asked in turn.
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import * as packet from 'dns-packet';

/** Outcome of a run: per-query latencies (ms) of answered queries, and counts. */
export interface DnsRun {
  /** Latency of each answered query in ms, in order. */
  samples: number[];
  /** Queries answered with at least one A record. */
  resolved: number;
  /** Queries answered without records (NXDOMAIN, SERVFAIL, empty). */
  empty: number;
  /** Queries with no answer before the timeout. */
  lost: number;
  /** Names that got at least one A record. */
  resolvedNames: string[];
  p50: number;
  p99: number;
}

/** The q-th quantile (0…1) of `xs` (nearest rank); NaN when empty. Never throws. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}

/**
 * Sends `count` queries one after the other (names in turn), waiting for each answer up to
 * `timeoutMs`. Rejects only when the socket cannot be created or bound.
 */
export async function queryLoop(o: { server: string; port: number; names: string[]; count: number; timeoutMs?: number }): Promise<DnsRun> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  const queries = o.names.map((name, i) => packet.encode({ id: i & 0xffff, type: 'query', flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name, class: 'IN' }] }));
  const run: DnsRun = { samples: [], resolved: 0, empty: 0, lost: 0, resolvedNames: [], p50: NaN, p99: NaN };
  const got = new Set<string>();
  let waiting: ((m: Buffer) => void) | undefined;
  sock.on('message', (m) => waiting?.(m));
  sock.on('error', () => undefined);
  try {
    for (let i = 0; i < o.count; i++) {
      const k = i % queries.length;
      const q = Buffer.from(queries[k]!);
      const id = i & 0xffff;
      q.writeUInt16BE(id, 0);
      const t0 = process.hrtime.bigint();
      const answer = await new Promise<Buffer | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          resolve(undefined);
        }, o.timeoutMs ?? 2000);
        waiting = (m) => {
          if (m.length < 12 || m.readUInt16BE(0) !== id) return;
          clearTimeout(timer);
          waiting = undefined;
          resolve(m);
        };
        sock.send(q, o.port, o.server);
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!answer) {
        run.lost++;
        continue;
      }
      run.samples.push(ms);
      if (answer.readUInt16BE(6) > 0 && (answer.readUInt16BE(2) & 0xf) === 0) {
        run.resolved++;
        got.add(o.names[k]!);
      } else run.empty++;
    }
  } finally {
    sock.close();
  }
  run.resolvedNames = [...got];
  run.p50 = quantile(run.samples, 0.5);
  run.p99 = quantile(run.samples, 0.99);
  return run;
}

async function cli(argv: string[]): Promise<void> {
  const [server, port, names, count, timeout] = argv;
  if (!server || !port || !names || !count) {
    process.stderr.write('usage: dns-client.js <server> <port> <name>[,<name>…] <count> [timeoutMs]\n');
    process.exitCode = 2;
    return;
  }
  const r = await queryLoop({ server, port: Number(port), names: names.split(','), count: Number(count), timeoutMs: timeout ? Number(timeout) : undefined });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await cli(process.argv.slice(2));
