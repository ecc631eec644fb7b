/** `pier compose logs`: merged, prefixed logs of the project's containers (`-f` follows). */
import { createLogPrinter, listProjectContainers, streamAllLogs } from '../../../compose/engine/index.js';
import { UsageError } from '../../errors.js';
import { apiTimestamp } from '../../human.js';
import { str } from '../common.js';
import { sourcesOf } from './attach.js';
import type { SubSpec } from './types.js';
import { isKnownService } from './run-context.js';

/** The logs subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'View output from containers',
  options: [
    { long: 'follow', short: 'f', kind: 'bool', description: 'Follow log output' },
    { long: 'index', kind: 'int', description: 'index of the container if service has multiple replicas' },
    { long: 'no-color', kind: 'bool', description: 'Produce monochrome output' },
    { long: 'no-log-prefix', kind: 'bool', description: "Don't print prefix in logs" },
    { long: 'since', kind: 'string', description: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
    { long: 'tail', short: 'n', kind: 'string', description: 'Number of lines to show from the end of the logs for each container', helpDefault: '"all"' },
    { long: 'timestamps', short: 't', kind: 'bool', description: 'Show timestamps' },
    { long: 'until', kind: 'string', description: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
  ],
  run: async (c, args, o) => {
    const project = await c.projectOrName();
    for (const a of args) if (!isKnownService(project, a)) throw new UsageError(`no such service: ${a}`, { code: 1 });
    let cs = await listProjectContainers(c.ctx.client(), project.name, { oneoff: 'any' });
    if (args.length) cs = cs.filter((x) => args.includes(x.service));
    if (typeof o.index === 'number') cs = cs.filter((x) => x.number === o.index);
    const order = [...new Set(cs.map((x) => x.service))].sort();
    const sources = sourcesOf(project, cs.map((x) => ({ id: x.id, name: x.name, service: x.service })), order);
    const width = Math.max(0, ...sources.map((s) => s.label.length));
    const printer = createLogPrinter({ write: (t) => c.ctx.out(t), color: o['no-color'] !== true && c.color(), prefix: o['no-log-prefix'] !== true, width });
    const abort = new AbortController();
    const onSig = () => abort.abort();
    process.once('SIGINT', onSig);
    c.ctx.onExit(() => process.off('SIGINT', onSig));
    const since = str(o.since);
    const until = str(o.until);
    await streamAllLogs(c.engine(), sources, printer, { follow: o.follow === true, timestamps: o.timestamps === true, tail: str(o.tail), since: since ? apiTimestamp(since) : undefined, until: until ? apiTimestamp(until) : undefined, signal: abort.signal });
    return 0;
  },
};
