/** `pier network disconnect [-f] NETWORK CONTAINER`. */
import type { CommandSpec } from '../../spec.js';

/** The network disconnect command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  options: [{ long: 'force', short: 'f', kind: 'bool', description: 'Force the container to disconnect from a network' }],
  args: { exact: 2 },
  run: async (ctx, [net, ctr], o) => {
    await ctx.client().networks.disconnect(net!, ctr!, o.force === true);
    return 0;
  },
};
