/**
 * The daemon's nftables table, replaced as a whole with one `nft -e -f -` transaction per apply
 * (rules from firewall-rules.ts). Applies are serialised: while one runs, later calls wait and
 * only the newest state waiting is applied (last state wins); every caller whose state was
 * superseded settles with the outcome of the run that replaced it.
 *
 * After the table is in place, each listed bridge gets `net.ipv4.conf.<bridge>.route_localnet=1`
 * (DNAT from the host's 127.0.0.1 to a container must be allowed to leave through the bridge);
 * the table's `localnet` chain keeps containers from using it to reach the host's loopback.
 */
import { writeFile } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { start } from '../../lib/exec.js';
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

/**
 * Runs `nft -e -f -` with `script`. Resolves as soon as nft echoes the new ruleset generation
 * (the transaction is committed and live): nft's own exit comes 5–15 ms later, spent closing
 * its netlink socket while the kernel releases the old rules. Rejects with Internal carrying
 * nft's message when it exits without committing.
 */
export function runNft(script: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = start('nft', ['-e', '-f', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    let out = '';
    let err = '';
    let done = false;
    const finish = (e?: Error) => {
      if (done) return;
      done = true;
      if (e) reject(e);
      else resolve();
    };
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^# new generation \d+/m.test(out)) finish();
    });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => finish(internal(`cannot run nft: ${e.message}`, e)));
    child.on('close', (code) => {
      if (code === 0) finish();
      else finish(internal(`nft: ${(err || out).trim() || `exit status ${code}`}`));
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(script);
  });
}

/** Builds the firewall of one daemon (see Firewall in parts.ts). */
export function createFirewall(deps: FirewallDeps, opts: FirewallOptions): Firewall {
  const log = deps.log;
  let running = false;
  let pending: Pending | undefined;

  async function nft(script: string): Promise<void> {
    const started = performance.now();
    await runNft(script);
    log.debug('nft table applied', { table: opts.table, ms: Math.round(performance.now() - started) });
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
