/** `pier network create` (placeholder while the command is written). */
import type { CommandSpec } from '../../spec.js';
import { CliError } from '../../errors.js';

/** The network create command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: '',
  options: [],
  run: async () => {
    throw new CliError('not implemented', 1);
  },
};
