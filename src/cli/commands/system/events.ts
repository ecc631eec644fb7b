/** `pier events [--since] [--until] [-f] [--format]`: one line per event in docker's format. */
import type { EventMessage } from '../../../api/types.js';
import type { CommandSpec } from '../../spec.js';
import { jsonLinesRaw } from '../../../client/index.js';
import { executeTemplate } from '../../output.js';
import { apiTimestamp } from '../../human.js';
import { FILTER_OPT, parseFilters, str, TEMPLATE_FORMAT_HELP } from '../common.js';

/** "2026-11-22T12:00:00.000000000Z" from nanoseconds since the epoch (UTC). */
export function eventTime(timeNano: number | bigint): string {
  const ns = BigInt(timeNano);
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/** docker's default event line: `<time> <type> <action> <id> (k=v, …)`. */
export function eventLine(e: EventMessage, exactTimeNano?: string): string {
  const attrs = Object.entries(e.Actor?.Attributes ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  const t = exactTimeNano ? eventTime(BigInt(exactTimeNano)) : e.timeNano ? eventTime(BigInt(Math.round(e.timeNano))) : eventTime(BigInt(e.time) * 1_000_000_000n);
  return `${t} ${e.Type} ${e.Action} ${e.Actor?.ID ?? ''}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

/** The events command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'Get real time events from the server',
  options: [
    FILTER_OPT,
    { long: 'format', kind: 'string', description: TEMPLATE_FORMAT_HELP },
    { long: 'since', kind: 'string', description: 'Show all events created since timestamp' },
    { long: 'until', kind: 'string', description: 'Stream events until this timestamp' },
  ],
  args: { max: 0 },
  run: async (ctx, _a, o) => {
    const ts = (v: string | undefined) => (v === undefined ? undefined : apiTimestamp(v));
    const res = await ctx.client().system.events({ since: ts(str(o.since)), until: ts(str(o.until)), filters: parseFilters(o.filter) });
    const format = str(o.format);
    for await (const { value: e, raw } of jsonLinesRaw<EventMessage>(res)) {
      if (format === 'json') ctx.out(`${raw}\n`);
      else if (format) ctx.out(`${await executeTemplate(format, e)}\n`);
      // timeNano exceeds a double's precision: take the digits from the source text.
      else ctx.out(`${eventLine(e, /"timeNano":(\d+)/.exec(raw)?.[1])}\n`);
    }
    return 0;
  },
};
