/**
 * Healthcheck rules, pure (moby daemon/health.go): defaults, probe command, how a probe result
 * changes State.Health, and Go's duration spelling used in the timeout message.
 */
import type { HealthConfig, HealthLogEntry } from '../../api/types.js';
import { invalidArgument } from '../../lib/errors.js';

/** Default interval between probes (and before the first). */
export const DEFAULT_INTERVAL_MS = 30_000;
/** Default probe timeout. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default interval while in the start period. */
export const DEFAULT_START_INTERVAL_MS = 5_000;
/** Default failures in a row before unhealthy. */
export const DEFAULT_RETRIES = 3;
/** Longest probe output kept (bytes). */
export const MAX_OUTPUT = 4096;
/** Probe results kept in State.Health.Log. */
export const MAX_LOG_ENTRIES = 5;

/** Health as stored in State.Health. */
export interface HealthState {
  Status: 'none' | 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/** Timing of one container's checks in milliseconds (0 or absent → default). Never throws. */
export function healthTimings(hc: HealthConfig): { intervalMs: number; timeoutMs: number; startPeriodMs: number; startIntervalMs: number; retries: number } {
  const ms = (ns: number | undefined, def: number) => (ns && ns > 0 ? ns / 1e6 : def);
  return {
    intervalMs: ms(hc.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(hc.Timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(hc.StartPeriod, 0),
    startIntervalMs: ms(hc.StartInterval, DEFAULT_START_INTERVAL_MS),
    retries: hc.Retries && hc.Retries > 0 ? hc.Retries : DEFAULT_RETRIES,
  };
}

/**
 * The program a probe runs: `CMD a b` → [a, b]; `CMD-SHELL s` → shell + [s] (`/bin/sh -c` unless
 * the container sets Shell). Undefined for NONE, an empty test or an unknown kind. Never throws.
 */
export function probeArgs(test: string[] | undefined, shell: string[] | undefined | null): string[] | undefined {
  if (!test || test.length === 0) return undefined;
  if (test[0] === 'CMD') return test.length > 1 ? test.slice(1) : undefined;
  if (test[0] === 'CMD-SHELL') return [...(shell && shell.length ? shell : ['/bin/sh', '-c']), test.slice(1).join(' ')];
  return undefined;
}

/**
 * Applies one probe result to `h` (mutated): keeps the last 5 results, resets the streak on
 * success, counts failures (not while starting inside the start period) and turns unhealthy
 * after `retries` failures in a row. Returns the new status when it changed. Never throws.
 */
export function applyProbeResult(
  h: HealthState,
  result: HealthLogEntry,
  o: { retries: number; startPeriodMs: number; startedAtMs: number; probeStartMs: number },
): HealthState['Status'] | undefined {
  const old = h.Status;
  h.Log.push(result);
  if (h.Log.length > MAX_LOG_ENTRIES) h.Log.splice(0, h.Log.length - MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) {
    h.FailingStreak = 0;
    h.Status = 'healthy';
  } else {
    const inStartPeriod = h.Status === 'starting' && o.probeStartMs - o.startedAtMs < o.startPeriodMs;
    if (!inStartPeriod) {
      h.FailingStreak++;
      if (h.FailingStreak >= o.retries) h.Status = 'unhealthy';
    }
  }
  return h.Status !== old ? h.Status : undefined;
}

/** Go's time.Duration String() of `ms` milliseconds ("1s", "500ms", "1m30s", "1.5s"). Never throws. */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let n = Math.abs(ns);
  let out: string;
  if (n < 1e9) {
    const [unit, div] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    out = trimFrac(n / (div as number)) + unit;
  } else {
    const h = Math.floor(n / 3.6e12);
    n -= h * 3.6e12;
    const m = Math.floor(n / 6e10);
    n -= m * 6e10;
    out = (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + trimFrac(n / 1e9) + 's';
  }
  return neg ? '-' + out : out;
}

function trimFrac(v: number): string {
  return String(Number(v.toFixed(9)));
}

/** Cuts `buf` to the first MAX_OUTPUT bytes. Never throws. */
export function limitOutput(chunks: Buffer[]): string {
  return Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8');
}

/**
 * Checks a create request's healthcheck durations and retries (moby validateHealthCheck).
 * Throws InvalidArgument with Docker's wording ("Interval in Healthcheck cannot be less than 1ms"…).
 */
export function validateHealthConfig(hc: HealthConfig | null | undefined): void {
  if (!hc) return;
  const MIN_NS = 1e6;
  const check = (v: number | undefined, name: string) => {
    if (v !== undefined && v !== 0 && v < MIN_NS) throw invalidArgument(`${name} in Healthcheck cannot be less than 1ms`);
  };
  check(hc.Interval, 'Interval');
  check(hc.Timeout, 'Timeout');
  if ((hc.Retries ?? 0) < 0) throw invalidArgument('Retries in Healthcheck cannot be negative');
  check(hc.StartPeriod, 'StartPeriod');
  check(hc.StartInterval, 'StartInterval');
}
