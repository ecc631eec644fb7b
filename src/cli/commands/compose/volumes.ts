/** `pier compose volumes [SERVICE...]`: the project's volumes (DRIVER VOLUME NAME), `-q`, `--format`. */
import { LABEL } from '../../../compose/engine/index.js';
import type { Column } from '../../output.js';
import { printItems } from '../../output.js';
import type { VolumeInfo } from '../../../client/index.js';
import { FORMAT_OPT, str } from '../common.js';
import type { SubSpec } from './types.js';

const COLUMNS: Column<VolumeInfo>[] = [
  { header: 'DRIVER', field: 'Driver', get: (v) => v.Driver },
  { header: 'VOLUME NAME', field: 'Name', get: (v) => v.Name },
];

/** The volumes subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'List volumes',
  options: [
    { ...FORMAT_OPT, helpDefault: '"table"' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display volume names' },
  ],
  run: async (c, args, o) => {
    const project = await c.projectOrName();
    const r = await c.ctx.client().volumes.list({ label: [`${LABEL.project}=${project.name}`] });
    let vols = (r.Volumes ?? []).sort((a, b) => a.Name.localeCompare(b.Name));
    if (args.length) {
      const wanted = new Set(args.flatMap((n) => (project.services[n]?.volumes ?? []).filter((v) => v.type === 'volume' && v.source).map((v) => project.volumes[v.source!]?.name ?? v.source!)));
      vols = vols.filter((v) => wanted.has(v.Name));
    }
    if (o.quiet === true) {
      c.ctx.out(vols.map((v) => `${v.Name}\n`).join(''));
      return 0;
    }
    await printItems(c.ctx, str(o.format), vols, COLUMNS, (v) => ({ ...v }), 'volume');
    return 0;
  },
};
