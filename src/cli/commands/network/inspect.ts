/** `pier network inspect [-f] [-v] NETWORK…`. */
import type { CommandSpec } from '../../spec.js';
import { describeError } from '../../describe.js';
import { str } from '../common.js';
import { INSPECT_FORMAT, inspectAll } from '../inspect-common.js';
import { networkTemplateData } from './fields.js';

/** The network inspect command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  options: [INSPECT_FORMAT, { long: 'verbose', short: 'v', kind: 'bool', description: 'Verbose output for diagnostics' }],
  args: { min: 1 },
  run: (ctx, args, o) =>
    inspectAll(ctx, args, str(o.format), (n) => ctx.client().networks.inspectRaw(n, { verbose: o.verbose === true }), (_n, e) => describeError(e), networkTemplateData),
};
