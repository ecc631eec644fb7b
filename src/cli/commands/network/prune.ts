/** `pier network prune [-f] [--filter]`: docker's warning, then the names of the deleted networks. */
import type { CommandSpec } from '../../spec.js';
import { UsageError } from '../../errors.js';
import { confirm, FILTER_OPT, list, parseFilters } from '../common.js';
import { noArgs } from './no-args.js';

/** The network prune command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'Remove all unused networks',
  options: [
    { ...FILTER_OPT, short: undefined, description: 'Provide filter values (e.g. "until=<timestamp>")' },
    { long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
  ],
  run: async (ctx, args, o) => {
    noArgs(ctx, args);
    // prune's --filter has no -f (that is --force): its error names the flag alone.
    const bad = list(o.filter).find((f) => f.indexOf('=') <= 0);
    if (bad !== undefined) throw new UsageError(`invalid argument "${bad}" for "--filter" flag: bad format of filter (expected name=value)`);
    const filters = parseFilters(o.filter);
    const q = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';
    if (o.force !== true && !(await confirm(ctx, q))) return 0;
    const r = await ctx.client().networks.prune(filters);
    const names = r.NetworksDeleted ?? [];
    if (names.length) ctx.out(`Deleted Networks:\n${names.map((n) => `${n}\n`).join('')}\n`);
    return 0;
  },
};
