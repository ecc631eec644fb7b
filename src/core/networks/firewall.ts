/**
 * The daemon's nftables table, replaced as a whole with one `nft -f -` transaction per apply
 * (rules from firewall-rules.ts). Applies are serialised: while one runs, later calls wait and
 * only the newest state waiting is applied (last state wins); every caller whose state was
 * superseded settles with the outcome of the run that replaced it.
 *
 * After the table is in place, each listed bridge gets `net.ipv4.conf.<bridge>.route_localnet=1`
 * (DNAT from the host's 127.0.0.1 to a container must be allowed to leave through the bridge);
 * the table's `localnet` chain keeps containers from using it to reach the host's loopback.
 */
import { writeFile } from 'node:fs/promises';
import { run } from '../../lib/exec.js';
import { internal } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { Firewall, FirewallState } from './parts.js';
import { renderDestroy, renderFirewall } from './firewall-rules.js';

/** What the firewall is built from. */
export interface FirewallDeps {
  log: Logger;
}

/** Firewall settings: `table` is the nft table name (`pier-<instanceId>`), family `ip`. */
export interface FirewallOptions {
  table: string;
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

/** A pending run: the newest script to apply (`destroy`: it deletes the table) and who waits for it. */
interface Pending {
  script: string;
  destroy: boolean;
  /** Bridges that need route_localnet once the script is applied. */
  bridges: string[];
  waiters: Waiter[];
}

/** Builds the firewall of one daemon (see Firewall in parts.ts). */
export function createFirewall(deps: FirewallDeps, opts: FirewallOptions): Firewall {
  const log = deps.log;
  let running = false;
  let pending: Pending | undefined;

  async function nft(script: string): Promise<void> {
    const started = Date.now();
    const r = await run('nft', ['-f', '-'], { input: script });
    if (r.code !== 0) {
      const msg = (r.stderr || r.stdout).trim() || `exit status ${r.code}`;
      throw internal(`nft: ${msg}`);
    }
    log.debug('nft table applied', { table: opts.table, ms: Date.now() - started });
  }

  function pump(): void {
    if (running || !pending) return;
    const job = pending;
    pending = undefined;
    running = true;
    nft(job.script).then(
      async () => {
        await Promise.all(job.bridges.map((b) => localnet(b)));
        job.waiters.forEach((w) => w.resolve());
      },
      (e: unknown) => {
        if (job.destroy) {
          log.debug('nft table delete failed', { table: opts.table, err: (e as Error).message });
          job.waiters.forEach((w) => w.resolve());
        } else job.waiters.forEach((w) => w.reject(e));
      },
    ).finally(() => {
      running = false;
      pump();
    });
  }

  /** Sets route_localnet on `bridge`; a bridge that does not exist (yet) is only logged. */
  async function localnet(bridge: string): Promise<void> {
    try {
      await writeFile(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, '1');
    } catch (e) {
      log.debug('route_localnet not set', { bridge, err: (e as Error).message });
    }
  }

  function enqueue(script: string, destroy: boolean, bridges: string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject };
      pending = { script, destroy, bridges, waiters: [...(pending?.waiters ?? []), w] };
      pump();
    });
  }

  return {
    apply(state: FirewallState) {
      let script: string;
      try {
        script = renderFirewall(opts.table, state);
      } catch (e) {
        return Promise.reject(e);
      }
      return enqueue(script, false, [...new Set(state.networks.map((n) => n.bridge))]);
    },
    async destroy() {
      try {
        await enqueue(renderDestroy(opts.table), true, []);
      } catch (e) {
        log.debug('nft table delete failed', { table: opts.table, err: (e as Error).message });
      }
    },
  };
}
