/** `pier network ls` (placeholder while the command is written). */
import type { CommandSpec } from '../../spec.js';
import { CliError } from '../../errors.js';

/** The network ls command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: '',
  options: [],
  run: async () => {
    throw new CliError('not implemented', 1);
  },
};
