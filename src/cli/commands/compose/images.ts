/** `pier compose images`: the images of the project's containers (CONTAINER REPOSITORY TAG IMAGE ID SIZE). */
import { listProjectContainers } from '../../../compose/engine/index.js';
import { tabwrite } from '../../output.js';
import { humanSizeWithPrecision } from '../../../lib/units.js';
import { str } from '../common.js';
import type { SubSpec } from './types.js';

/** The images subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'List images used by the created containers',
  options: [
    { long: 'format', kind: 'string', description: 'Format the output. Values: [table | json]', helpDefault: '"table"' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display IDs' },
  ],
  run: async (c, args, o) => {
    const project = await c.projectOrName();
    const client = c.ctx.client();
    let cs = await listProjectContainers(client, project.name, { oneoff: 'any' });
    if (args.length) cs = cs.filter((x) => args.includes(x.service));
    const rows = await Promise.all(cs.map(async (x) => {
      const img = await client.images.inspect(x.summary.ImageID || x.image).catch(() => undefined);
      const ref = x.image.startsWith('sha256:') ? (img?.RepoTags?.[0] ?? '<none>:<none>') : x.image;
      const colon = ref.lastIndexOf(':');
      const [repo, tag] = colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
      return { container: x.name, repo, tag, id: (img?.Id ?? x.summary.ImageID ?? '').replace(/^sha256:/, ''), size: img?.Size ?? 0 };
    }));
    if (o.quiet === true) {
      c.ctx.out([...new Set(rows.map((r) => r.id))].map((id) => `${id}\n`).join(''));
      return 0;
    }
    if (str(o.format) === 'json') {
      c.ctx.out(`${JSON.stringify(rows.map((r) => ({ ID: `sha256:${r.id}`, ContainerName: r.container, Repository: r.repo, Tag: r.tag, Size: r.size })))}\n`);
      return 0;
    }
    c.ctx.out(tabwrite([['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'], ...rows.map((r) => [r.container, r.repo, r.tag, r.id.slice(0, 12), humanSizeWithPrecision(r.size, 3)])], 3));
    return 0;
  },
};
