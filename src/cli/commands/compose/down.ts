/** `pier compose down`: stop and remove containers, networks (and with -v volumes, --rmi images). */
import { down } from '../../../compose/engine/index.js';
import { UsageError } from '../../errors.js';
import { str } from '../common.js';
import type { SubSpec } from './types.js';

/** The down subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICES]',
  description: 'Stop and remove containers, networks',
  options: [
    { long: 'remove-orphans', kind: 'bool', description: 'Remove containers for services not defined in the Compose file' },
    { long: 'rmi', kind: 'string', description: 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")' },
    { long: 'timeout', short: 't', kind: 'int', description: 'Specify a shutdown timeout in seconds' },
    { long: 'volumes', short: 'v', kind: 'bool', description: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers' },
  ],
  run: async (c, _args, o) => {
    const rmi = str(o.rmi);
    if (rmi !== undefined && rmi !== 'local' && rmi !== 'all') throw new UsageError(`invalid value for --rmi: ${rmi}`);
    const project = await c.projectOrName();
    await down(c.engine(), project, { volumes: o.volumes === true, rmi: rmi as 'local' | 'all' | undefined, removeOrphans: o['remove-orphans'] === true, timeout: typeof o.timeout === 'number' ? o.timeout : undefined });
    return 0;
  },
};
