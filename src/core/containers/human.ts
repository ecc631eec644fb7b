/** Human-readable strings of `docker ps`: durations ("About a minute") and Status. */
import type { ContainerRecord } from './types.js';
import { toSeconds } from './time.js';
import { humanDuration as humanDurationMs } from '../../lib/units.js';

/** Docker's human duration for `seconds` (go-units HumanDuration, lib/units.ts). Never throws. */
export function humanDuration(seconds: number): string {
  return humanDurationMs(seconds * 1000);
}

/** The Status column of `docker ps` for a record at time `now` (ms). */
export function statusString(rec: ContainerRecord, removing: boolean, now = Date.now()): string {
  const st = rec.state;
  const since = (t: string) => humanDuration(now / 1000 - toSeconds(t));
  if (st.Running) {
    if (st.Paused) return `Up ${since(st.StartedAt)} (Paused)`;
    if (st.Restarting) return `Restarting (${st.ExitCode}) ${since(st.FinishedAt)} ago`;
    const h = st.Health?.Status;
    if (h === 'starting') return `Up ${since(st.StartedAt)} (health: starting)`;
    if (h && h !== 'none') return `Up ${since(st.StartedAt)} (${h})`;
    return `Up ${since(st.StartedAt)}`;
  }
  if (removing) return 'Removal In Progress';
  if (st.Dead) return 'Dead';
  if (toSeconds(st.StartedAt) === 0) return 'Created';
  if (toSeconds(st.FinishedAt) === 0) return '';
  return `Exited (${st.ExitCode}) ${since(st.FinishedAt)} ago`;
}

/** The State column value (created, running, paused, restarting, removing, exited, dead). */
export function stateName(rec: ContainerRecord, removing: boolean): string {
  if (removing) return 'removing';
  if (rec.state.Paused) return 'paused';
  if (rec.state.Restarting) return 'restarting';
  if (rec.state.Running) return 'running';
  if (rec.state.Dead) return 'dead';
  return rec.state.Status === 'created' ? 'created' : rec.hasBeenStarted ? 'exited' : 'created';
}

/** The Command field of the list API: path and args joined by spaces. */
export function commandString(rec: ContainerRecord): string {
  return rec.args.length ? `${rec.path} ${rec.args.join(' ')}` : rec.path;
}
