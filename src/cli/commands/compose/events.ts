/** `pier compose events [SERVICE...]`: container events of the project as they happen (`--json`). */
import { jsonLines } from '../../../client/index.js';
import { LABEL } from '../../../compose/engine/index.js';
import type { SubSpec } from './types.js';

interface EventMessage {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  id?: string;
  time?: number;
  timeNano?: number;
}

/** The events subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Receive real time events from containers',
  options: [{ long: 'json', kind: 'bool', description: 'Output events as a stream of json objects' }],
  run: async (c, args, o) => {
    const project = await c.projectOrName();
    const res = await c.ctx.client().system.events({ filters: { type: ['container'], label: [`${LABEL.project}=${project.name}`] } });
    const onSig = () => res.destroy();
    process.once('SIGINT', onSig);
    c.ctx.onExit(() => process.off('SIGINT', onSig));
    try {
      for await (const e of jsonLines<EventMessage>(res)) {
        const attrs = { ...(e.Actor?.Attributes ?? {}) };
        const service = attrs[LABEL.service] ?? '';
        if (args.length && !args.includes(service)) continue;
        const time = new Date(Math.floor((e.timeNano ?? (e.time ?? 0) * 1e9) / 1e6)).toISOString();
        const id = e.Actor?.ID ?? e.id ?? '';
        if (o.json === true) {
          c.ctx.out(`${JSON.stringify({ time, type: 'container', action: e.Action, id, service, attributes: attrs })}\n`);
        } else {
          const a = Object.entries(attrs).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `${k}=${v}`).join(', ');
          c.ctx.out(`${time.replace('T', ' ').replace('Z', '')} container ${e.Action} ${id} (${a})\n`);
        }
      }
    } catch {
      /* stream closed */
    }
    return 0;
  },
};
