/**
 * A private real dockerd WITH a bridge network, for the networking figures (the other groups
 * run Docker with `--bridge none`). dockerd's `--bridge` needs an existing bridge: the bench
 * creates `pbd<n>` with a free `10.254.<n>.1/24` and starts dockerd with `--bridge pbd<n>`,
 * `default-address-pools` on a free 10.<250-253>.0.0/16 (user networks get /24s from it) and
 * `--iptables=false`: Docker then adds no chains to the host's iptables (FORWARD policy
 * untouched) while its embedded DNS still works (its DNAT to the resolver lives in each
 * container's own namespace). Stopping removes the daemon's user networks, the daemon, the
 * bridge and any `br-*` link left with an address of the pool.
 */
import { spawnSync } from 'node:child_process';
import { loadBusybox, runDocker, startDaemon, type TestDaemon } from '../test/harness/index.js';

/** A bridged dockerd and its kernel objects. */
export interface BridgedDocker {
  daemon: TestDaemon;
  /** The default bridge device the bench created. */
  bridge: string;
  /** Its address, CIDR. */
  bridgeCidr: string;
  /** The /16 user networks are carved from. */
  pool: string;
  /** Removes user networks, stops dockerd, deletes the bridge and leftover links. Never throws. */
  stop(): Promise<void>;
}

function ip(args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '').trim() };
}

/** IPv4 route destinations and interface addresses of the host (all tables), as text. */
function hostNetText(): string {
  return `${ip(['-4', '-j', 'route', 'show', 'table', 'all']).out}\n${ip(['-4', '-j', 'addr', 'show']).out}`;
}

/** Links whose IPv4 address lies in 10.<a>.0.0/16. Never throws. */
function linksInPool(a: number): string[] {
  try {
    const list = JSON.parse(ip(['-4', '-j', 'addr', 'show']).out || '[]') as { ifname: string; addr_info?: { local: string }[] }[];
    return list.filter((l) => (l.addr_info ?? []).some((x) => x.local.startsWith(`10.${a}.`))).map((l) => l.ifname);
  } catch {
    return [];
  }
}

/**
 * Creates the bridge and starts the bridged dockerd with busybox loaded. Throws (after
 * cleaning up) when no free addresses are found, the bridge cannot be made or dockerd fails.
 */
export async function startBridgedDocker(): Promise<BridgedDocker> {
  const text = hostNetText();
  const n = [...Array(200).keys()].map((i) => 20 + i).find((k) => !text.includes(`"10.254.${k}.`) && !ip(['link', 'show', `pbd${k}`]).ok);
  const a = [253, 252, 251, 250].find((k) => !new RegExp(`"10\\.${k}\\.\\d+\\.\\d+`).test(text));
  if (n === undefined || a === undefined) throw new Error('no free 10.254.x.0/24 or 10.250-253.0.0/16 for the bridged dockerd');
  const bridge = `pbd${n}`;
  const bridgeCidr = `10.254.${n}.1/24`;
  const pool = `10.${a}.0.0/16`;
  const mk = [['link', 'add', bridge, 'type', 'bridge'], ['addr', 'add', bridgeCidr, 'dev', bridge], ['link', 'set', bridge, 'up']];
  for (const args of mk) {
    const r = ip(args);
    if (!r.ok) {
      ip(['link', 'del', bridge]);
      throw new Error(`ip ${args.join(' ')}: ${r.err}`);
    }
  }
  let daemon: TestDaemon | undefined;
  const cleanKernel = (): void => {
    ip(['link', 'del', bridge]);
    for (const l of linksInPool(a)) if (l.startsWith('br-')) ip(['link', 'del', l]);
  };
  try {
    daemon = await startDaemon({
      engine: 'docker', name: 'benchdbr', startTimeoutMs: 60_000,
      args: ['--bridge', bridge],
      config: { 'default-address-pools': [{ base: pool, size: 24 }] },
    });
    await loadBusybox(daemon);
  } catch (e) {
    await daemon?.stop().catch(() => undefined);
    cleanKernel();
    throw e;
  }
  const d = daemon;
  return {
    daemon: d, bridge, bridgeCidr, pool,
    async stop() {
      await runDocker(d, ['rm', '-f', ...(await runDocker(d, ['ps', '-aq'])).stdout.split(/\s+/).filter(Boolean)]).catch(() => undefined);
      await runDocker(d, ['network', 'prune', '-f']).catch(() => undefined);
      await d.stop().catch(() => undefined);
      cleanKernel();
    },
  };
}
