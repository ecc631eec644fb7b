/** `pier network ls [-q] [--no-trunc] [-f] [--format]`: NETWORK ID, NAME, DRIVER, SCOPE sorted by name. */
import type { CommandSpec } from '../../spec.js';
import { FILTER_OPT, FORMAT_OPT, parseFilters, str } from '../common.js';
import { noArgs } from './no-args.js';
import { naturalLess } from '../volume/ls.js';
import { networkFields } from './fields.js';

/** The network ls command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'List networks',
  options: [
    { ...FILTER_OPT, description: 'Provide filter values (e.g. "driver=bridge")' },
    FORMAT_OPT,
    { long: 'no-trunc', kind: 'bool', description: 'Do not truncate the output' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display network IDs' },
  ],
  run: async (ctx, args, o) => {
    noArgs(ctx, args);
    const nets = await ctx.client().networks.list(parseFilters(o.filter));
    nets.sort((a, b) => (naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0));
    const quiet = o.quiet === true;
    let format = str(o.format) ?? '';
    if (format === '' || format === 'table') format = quiet ? '{{.ID}}' : '';
    else if (format === 'raw') format = quiet ? 'network_id: {{.ID}}' : 'network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n';
    const fmt = await import('../../format/index.js');
    const items = nets.map((n) => networkFields(n, o['no-trunc'] === true));
    ctx.out(fmt.formatItems(format, fmt.networkContext.defaultTable, items, { headers: fmt.networkContext.headers, typeName: fmt.networkContext.typeName }));
    return 0;
  },
};
