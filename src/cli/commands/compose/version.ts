/** `pier compose version`: the Compose version pier implements. */
import { COMPOSE_VERSION } from '../../../compose/engine/index.js';
import { str } from '../common.js';
import type { SubSpec } from './types.js';

/** The version subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS]',
  description: 'Show the Docker Compose version information',
  options: [
    { long: 'format', short: 'f', kind: 'string', description: 'Format the output. Values: [pretty | json]. (Default: pretty)' },
    { long: 'short', kind: 'bool', description: 'Shows only Compose\'s version number' },
  ],
  args: { max: 0 },
  run: async (c, _args, o) => {
    if (o.short === true) c.ctx.out(`${COMPOSE_VERSION}\n`);
    else if (str(o.format) === 'json') c.ctx.out(`${JSON.stringify({ version: `v${COMPOSE_VERSION}` })}\n`);
    else c.ctx.out(`Docker Compose version v${COMPOSE_VERSION} (pier)\n`);
    return 0;
  },
};
