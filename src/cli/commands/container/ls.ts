/** `pier ps` / `pier container ls`: lists containers in docker's table or a --format. */
import type { ContainerSummary } from '../../../api/types.js';
import type { CommandSpec } from '../../spec.js';
import { printItems, type Column } from '../../output.js';
import { ago, displayPorts, ellipsis, goQuote, goTime } from '../../human.js';
import { humanSize } from '../../../lib/units.js';
import { goMethod } from '../../format/index.js';
import { FILTER_OPT, FORMAT_OPT, parseFilters, shortId, str } from '../common.js';

/** Columns of `ps`, given --no-trunc. */
export function psColumns(trunc: boolean, now = Date.now()): Column<ContainerSummary>[] {
  const names = (c: ContainerSummary) => {
    const ns = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
    return trunc ? (ns.find((n) => !n.includes('/')) ?? ns[0] ?? '') : ns.join(',');
  };
  return [
    { header: 'CONTAINER ID', field: 'ID', get: (c) => (trunc ? shortId(c.Id) : c.Id) },
    { header: 'IMAGE', field: 'Image', get: (c) => (trunc && c.Image.startsWith('sha256:') ? shortId(c.Image) : c.Image) },
    { header: 'COMMAND', field: 'Command', get: (c) => goQuote(trunc ? ellipsis(c.Command, 20) : c.Command) },
    { header: 'CREATED', field: 'RunningFor', get: (c) => ago(c.Created, now) },
    { header: 'STATUS', field: 'Status', get: (c) => c.Status },
    { header: 'PORTS', field: 'Ports', get: (c) => displayPorts(c.Ports) },
    { header: 'NAMES', field: 'Names', get: names },
  ];
}

/** Extra template fields of a container row. */
export function psExtra(c: ContainerSummary, trunc: boolean): Record<string, unknown> {
  const labels = Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    CreatedAt: goTime(c.Created),
    Labels: labels,
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    Mounts: (c.Mounts ?? []).map((m) => (m.Name ? (trunc ? ellipsis(m.Name, 15) : m.Name) : m.Source)).join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
    Size: (c.SizeRootFs ?? 0) > 0 ? `${humanSize(c.SizeRw ?? 0, 3)} (virtual ${humanSize(c.SizeRootFs ?? 0, 3)})` : humanSize(c.SizeRw ?? 0, 3),
    State: c.State,
    Label: goMethod((k: string) => c.Labels?.[k] ?? '', ['string']),
  };
}

/** The ps command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'List containers',
  options: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all containers (default shows just running)' },
    FILTER_OPT,
    FORMAT_OPT,
    { long: 'last', short: 'n', kind: 'int', description: 'Show n last created containers (includes all states)', helpDefault: '-1' },
    { long: 'latest', short: 'l', kind: 'bool', description: 'Show the latest created container (includes all states)' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display container IDs' },
    { long: 'size', short: 's', kind: 'bool', description: 'Display total file sizes' },
  ],
  args: { max: 0 },
  run: async (ctx, _args, o) => {
    const trunc = o['no-trunc'] !== true;
    const last = o.latest === true ? 1 : (o.last as number | undefined);
    const limit = last !== undefined && last > 0 ? last : undefined;
    const format = str(o.format);
    const wantSize = o.size === true || (format !== undefined && format.includes('.Size'));
    const items = await ctx.client().containers.list({ all: o.all === true || limit !== undefined, limit, size: wantSize, filters: parseFilters(o.filter) });
    if (o.quiet === true) {
      if (format) ctx.err('WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
      for (const c of items) ctx.out(`${trunc ? shortId(c.Id) : c.Id}\n`);
      return 0;
    }
    const cols = psColumns(trunc);
    if (o.size === true && !format) cols.push({ header: 'SIZE', field: 'Size', get: (c) => String(psExtra(c, trunc).Size) });
    await printItems(ctx, format, items, cols, (c) => {
      const obj: Record<string, unknown> = {};
      const extra = psExtra(c, trunc);
      for (const col of cols) obj[col.field] = col.get(c);
      for (const [k, v] of Object.entries(extra)) if (typeof v !== 'function') obj[k] = v;
      obj.Label = extra.Label;
      return format === 'json' ? sortKeysNoFns({ ...obj, Platform: null }) : obj;
    }, 'container');
    return 0;
  },
};

function sortKeysNoFns(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v !== 'function').sort(([a], [b]) => a.localeCompare(b)));
}
