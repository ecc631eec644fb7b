/**
 * An "outside" network a test makes for itself: a named network namespace joined to the host
 * by a veth pair on a /24 the test owns, with no route back to container subnets. Containers
 * reach it only through the daemon's masquerade (NAT tests), and the host reaches it directly.
 * Traffic never leaves the machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** A namespace made by {@link createOutsideNs}. */
export interface OutsideNs {
  /** Namespace name under /run/netns. */
  name: string;
  /** Host-side veth name. */
  hostIf: string;
  /** The host's address on the link (no prefix). */
  hostIp: string;
  /** The namespace's address (no prefix): what containers try to reach. */
  nsIp: string;
  /** Runs a command inside the namespace and waits. Never throws (look at status). */
  exec(args: string[], input?: string): { status: number; stdout: string; stderr: string };
  /** Starts a long-running command inside the namespace (killed by remove()). Never throws. */
  spawn(args: string[]): ChildProcess;
  /** Kills what spawn() started, deletes the namespace and the veth. Idempotent, never throws. */
  remove(): void;
}

function run(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(args[0] ?? 'true', args.slice(1), { encoding: 'utf8', input, timeout: 30_000 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * Creates namespace `<prefix>o<hex>` with address `<net24>.2/24` and the host side
 * `<prefix>h<hex>` with `<net24>.1/24`, both up (`lo` too). `net24` is three octets, e.g.
 * "10.123.120" (take it from the daemon's NetSpace). `prefix` must be ≤ 6 chars. Throws with
 * `ip`'s message when a step fails (after removing what it made).
 */
export function createOutsideNs(net24: string, prefix = 'pto'): OutsideNs {
  if (prefix.length > 6) throw new RangeError(`prefix ${prefix} longer than 6 chars`);
  const hex = randomBytes(3).toString('hex');
  const name = `${prefix}o${hex}`;
  const hostIf = `${prefix}h${hex}`;
  const nsIf = `${prefix}n${hex}`;
  const hostIp = `${net24}.1`;
  const nsIp = `${net24}.2`;
  const children: ChildProcess[] = [];
  let removed = false;
  const ns: OutsideNs = {
    name,
    hostIf,
    hostIp,
    nsIp,
    exec: (args, input) => run(['ip', 'netns', 'exec', name, ...args], input),
    spawn(args) {
      const c = spawn('ip', ['netns', 'exec', name, ...args], { stdio: 'ignore' });
      c.on('error', () => undefined);
      children.push(c);
      return c;
    },
    remove() {
      if (removed) return;
      removed = true;
      for (const c of children) {
        try {
          c.kill('SIGKILL');
        } catch { /* gone */ }
      }
      // Processes started some other way inside the namespace.
      const pids = run(['ip', 'netns', 'pids', name]).stdout.split(/\s+/).filter(Boolean);
      for (const p of pids) {
        try {
          process.kill(Number(p), 'SIGKILL');
        } catch { /* gone */ }
      }
      run(['ip', 'netns', 'delete', name]);
      run(['ip', 'link', 'delete', 'dev', hostIf]);
    },
  };
  const steps: string[][] = [
    ['ip', 'netns', 'add', name],
    ['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', name],
    ['ip', 'addr', 'add', `${hostIp}/24`, 'dev', hostIf],
    ['ip', 'link', 'set', hostIf, 'up'],
    ['ip', 'netns', 'exec', name, 'ip', 'addr', 'add', `${nsIp}/24`, 'dev', nsIf],
    ['ip', 'netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up'],
    ['ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'],
  ];
  for (const s of steps) {
    const r = run(s);
    if (r.status !== 0) {
      ns.remove();
      throw new Error(`outside namespace: ${s.join(' ')}: ${r.stderr.trim()}`);
    }
  }
  return ns;
}
