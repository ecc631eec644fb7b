/** `pier volume prune [-a] [-f] [--filter]`: docker's warning, deleted names, reclaimed space. */
import type { CommandSpec, OptSpec } from '../../spec.js';
import { humanSize } from '../../../lib/units.js';
import { compareVersions } from '../../../client/index.js';
import { confirm, FILTER_OPT, parseFilters } from '../common.js';

/** prune's --filter has no -f (that is --force): errors name "--filter" alone. */
const PRUNE_FILTER: OptSpec = { ...FILTER_OPT, short: undefined, description: 'Provide filter values (e.g. "label=<label>")' };

/** The volume prune command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'Remove unused local volumes',
  options: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Remove all unused volumes, not just anonymous ones' },
    PRUNE_FILTER,
    { long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  run: async (ctx, _a, o) => {
    const all = o.all === true;
    const filters = parseFilters(o.filter, PRUNE_FILTER) ?? {};
    if (all) (filters.all ??= []).push('true');
    // Daemons before API 1.42 prune every unused volume: docker warns so.
    const c = ctx.client();
    const old = compareVersions(await c.transport.apiVersion(), '1.42') < 0;
    const what = all || old ? 'all local volumes' : 'anonymous local volumes';
    if (o.force !== true && !(await confirm(ctx, `WARNING! This will remove ${what} not used by at least one container.\nAre you sure you want to continue?`))) return 0;
    const r = await c.volumes.prune(Object.keys(filters).length ? filters : undefined);
    const names = r.VolumesDeleted ?? [];
    if (names.length) ctx.out(`Deleted Volumes:\n${names.map((n) => `${n}\n`).join('')}\n`);
    ctx.out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
