/** `pier compose scale SERVICE=REPLICAS...`: converges the named services to those counts. */
import { up } from '../../../compose/engine/index.js';
import { parseScale } from './up.js';
import type { SubSpec } from './types.js';

/** The scale subcommand. */
export const sub: SubSpec = {
  usage: '[SERVICE=REPLICAS...]',
  description: 'Scale services ',
  options: [{ long: 'no-deps', kind: 'bool', description: "Don't start linked services" }],
  args: { min: 1 },
  run: async (c, args, o) => {
    const scale = parseScale(args);
    await up(c.engine(), await c.project(), { services: Object.keys(scale), scale, noDeps: o['no-deps'] === true });
    return 0;
  },
};
