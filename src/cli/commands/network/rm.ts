/**
 * `pier network rm [-f] NETWORK…`: removes each network in turn, printing its name; a failure
 * prints docker's error line and the others go on (exit 1 with "exit status 1" at the end).
 * With -f a network that does not exist is skipped silently.
 */
import type { CommandSpec } from '../../spec.js';
import { ApiError } from '../../../client/index.js';
import { confirm, forEach } from '../common.js';

/** docker's question before removing an ingress (swarm) network. */
const INGRESS_WARNING = 'WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm run the same docker engine version. Otherwise, removal may not be effective and functionality of newly create ingress networks will be impaired.\nAre you sure you want to continue?';

/** The network rm command. */
export const spec: CommandSpec = {
  usage: 'NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  options: [{ long: 'force', short: 'f', kind: 'bool', description: 'Do not error if the network does not exist' }],
  args: { min: 1 },
  run: (ctx, args, o) =>
    forEach(
      ctx,
      args,
      async (name) => {
        const c = ctx.client();
        // docker looks the network up first: an ingress network asks for confirmation.
        const info = await c.networks.inspect(name).catch(() => undefined);
        if (info?.Ingress && !(await confirm(ctx, INGRESS_WARNING))) return undefined;
        try {
          await c.networks.remove(name);
        } catch (e) {
          if (o.force === true && e instanceof ApiError && e.status === 404) return undefined;
          throw e;
        }
        return name;
      },
      () => 'exit status 1',
    ),
};
