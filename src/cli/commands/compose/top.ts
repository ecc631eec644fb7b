/** `pier compose top [SERVICE...]`: each running container's processes under its name. */
import { listProjectContainers } from '../../../compose/engine/index.js';
import { tabwrite } from '../../output.js';
import type { SubSpec } from './types.js';

/** The top subcommand. */
export const sub: SubSpec = {
  usage: '[SERVICES...]',
  description: 'Display the running processes',
  options: [],
  run: async (c, args) => {
    const project = await c.projectOrName();
    const client = c.ctx.client();
    let cs = (await listProjectContainers(client, project.name, { oneoff: 'any' })).filter((x) => x.state === 'running');
    if (args.length) cs = cs.filter((x) => args.includes(x.service));
    const tops = await Promise.all(cs.map((x) => client.containers.top(x.id)));
    c.ctx.out(cs.map((x, i) => `${x.name}\n${tabwrite([tops[i]!.Titles.map((t) => t.toUpperCase()), ...tops[i]!.Processes], 3)}`).join('\n'));
    return 0;
  },
};
