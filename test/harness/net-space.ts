/**
 * A private IPv4 address space and default-bridge name per test daemon, so test files running
 * in parallel (each with its own pierd) never pick the same subnet or bridge device.
 *
 * Each daemon gets one /16 `10.<a>.0.0/16` (a in 100…199): its default bridge is
 * `10.<a>.0.1/24`, automatic subnets of user networks come from `10.<a>.128.0/17` in /24s, and
 * `10.<a>.1.0`–`10.<a>.127.255` is left for subnets the tests choose themselves (see
 * {@link NetSpace.subnet}). A claim is a lock file `/tmp/pier-test-nets/<a>` holding the owner's
 * pid (a dead owner's claim is taken over), and a /16 any host route or address already
 * touches is skipped.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The network settings of one test daemon. */
export interface NetSpace {
  /** Second octet: the daemon owns 10.<a>.0.0/16. */
  a: number;
  /** "10.<a>" — prefix for addresses the tests write themselves. */
  base: string;
  /** Default bridge device name (≤ 15 chars), e.g. "pt123a1b2". */
  bridge: string;
  /** `--bip` value: "10.<a>.0.1/24". */
  bip: string;
  /** daemon.json `default-address-pools`. */
  pools: { base: string; size: number }[];
  /** A /24 for tests to pass as `--subnet` (n in 1…127): "10.<a>.<n>.0/24". Throws RangeError outside 1…127. */
  subnet(n: number): string;
  /** Gives the /16 back (removes the lock file if still ours). Never throws. */
  release(): void;
}

const LOCK_DIR = '/tmp/pier-test-nets';

/** Per-process probe cache: whether a pierd bundle accepts --bip/--bridge (by path). */
const probes = new Map<string, boolean>();

/**
 * Whether the pierd bundle at `bundle` has the networking flags (`pierd --help` mentions
 * `--bip`). Probed once per test process and bundle. Never throws (false when it cannot run).
 */
export function pierdHasNetFlags(bundle: string): boolean {
  let has = probes.get(bundle);
  if (has === undefined) {
    const r = spawnSync(process.execPath, [bundle, '--help'], { encoding: 'utf8', timeout: 20_000 });
    has = `${r.stdout ?? ''}${r.stderr ?? ''}`.includes('--bip');
    probes.set(bundle, has);
  }
  return has;
}

function alive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every IPv4 route destination and interface address on the host (all tables), as text. */
function hostNetText(): string {
  const routes = spawnSync('ip', ['-4', '-j', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout ?? '';
  const addrs = spawnSync('ip', ['-4', '-j', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
  return `${routes}\n${addrs}`;
}

function inUse(a: number, text: string): boolean {
  return new RegExp(`"10\\.${a}\\.\\d+\\.\\d+(/\\d+)?"`).test(text);
}

function tryClaim(a: number): boolean {
  const file = path.join(LOCK_DIR, String(a));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      let owner = 0;
      try {
        owner = Number(fs.readFileSync(file, 'utf8').trim());
      } catch { /* vanished: retry */ }
      if (alive(owner)) return false;
      // Stale claim of a dead process: take it over (rename is atomic; one winner re-creates it).
      try {
        const stale = `${file}.stale-${process.pid}`;
        fs.renameSync(file, stale);
        fs.rmSync(stale, { force: true });
      } catch { /* someone else took it over first */ }
    }
  }
  return false;
}

/**
 * Claims a free /16 for one daemon, with a fresh bridge name. Throws when all 100 are taken
 * (more than 100 live test daemons, or the host uses every 10.100–199 network).
 */
export function allocateNetSpace(seq: number): NetSpace {
  fs.mkdirSync(LOCK_DIR, { recursive: true });
  const text = hostNetText();
  const start = (process.pid * 7 + seq) % 100;
  for (let i = 0; i < 100; i++) {
    const a = 100 + ((start + i * 13) % 100);
    if (inUse(a, text) || !tryClaim(a)) continue;
    const file = path.join(LOCK_DIR, String(a));
    const base = `10.${a}`;
    return {
      a,
      base,
      bridge: `pt${a}${randomBytes(3).toString('hex')}`,
      bip: `${base}.0.1/24`,
      pools: [{ base: `${base}.128.0/17`, size: 24 }],
      subnet(n: number) {
        if (!Number.isInteger(n) || n < 1 || n > 127) throw new RangeError(`subnet index ${n} outside 1…127`);
        return `${base}.${n}.0/24`;
      },
      release() {
        try {
          if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) fs.rmSync(file, { force: true });
        } catch { /* already gone */ }
      },
    };
  }
  throw new Error('test harness: no free 10.100-199.0.0/16 left for a test daemon');
}
