/**
 * pierd's entry point: parses flags and daemon.json, claims the pid file, builds the engine
 * (engine.ts, the composition root), serves the Engine API, and shuts down gracefully on
 * SIGTERM/SIGINT (containers keep running under conmon).
 */
import { readFileSync, writeFileSync, unlinkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadConfig, usage } from './config-load.js';
import { createEngine } from './engine.js';
import { createApiServer } from './server.js';
import { createLogger } from '../lib/log.js';
import { PIER_VERSION } from '../version.js';

async function main(): Promise<void> {
  // V8 counts Buffer memory against the heap's limits: without a larger growing factor a 50 MB
  // build context's socket chunks cost 2 full GCs per cached rebuild (median 115 → 88 ms with
  // it); a 1 GB / 100k-file context peaks at ~255 MB RSS with it, ~238 without (bench/context-rss.ts).
  setFlagsFromString('--heap-growing-percent=400');
  let parsed;
  try {
    parsed = loadConfig(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`pierd: ${(e as Error).message}\nSee 'pierd --help'.\n`);
    process.exit(1);
  }
  if ('help' in parsed) {
    process.stdout.write(usage);
    return;
  }
  if ('version' in parsed) {
    process.stdout.write(`Pier version ${PIER_VERSION}, API 1.44\n`);
    return;
  }
  const config = parsed.config;
  if (process.getuid?.() !== 0) {
    process.stderr.write('pierd needs to be started with root privileges.\n');
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  claimPidFile(config.pidfile);

  process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: String((e as Error)?.stack ?? e) }));
  process.on('uncaughtException', (e) => log.error('uncaught exception', { error: String(e?.stack ?? e) }));

  const engine = await createEngine(config, log);
  const server = createApiServer(engine.backend, {
    hosts: config.hosts,
    socketGroup: config.group,
    version: { version: PIER_VERSION, apiVersion: '1.44', minApiVersion: '1.24' },
  });
  await server.listen();

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`Processing signal '${sig}'`);
    const force = setTimeout(() => process.exit(0), 15000);
    force.unref();
    await server.close().catch(() => {});
    await engine.close().catch((e: unknown) => log.error('engine close', { error: String(e) }));
    try {
      unlinkSync(config.pidfile);
    } catch {
      /* already gone */
    }
    log.info('Daemon shutdown complete');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('terminated'));
  process.on('SIGINT', () => void shutdown('interrupt'));
}

/** Writes our pid; refuses when another live pierd holds the file (dockerd's wording). */
function claimPidFile(file: string): void {
  try {
    const old = Number(readFileSync(file, 'utf8').trim());
    if (old > 0 && old !== process.pid) {
      try {
        process.kill(old, 0);
        const cmd = readFileSync(`/proc/${old}/cmdline`, 'utf8');
        if (cmd.includes('pierd')) {
          process.stderr.write(`pid file found, ensure pierd is not running or delete ${file}\n`);
          process.exit(1);
        }
      } catch {
        /* stale */
      }
    }
  } catch {
    /* no pid file */
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, String(process.pid));
}

main().catch((e) => {
  process.stderr.write(`pierd: failed to start daemon: ${(e as Error).message}\n`);
  process.exit(1);
});
