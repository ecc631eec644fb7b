/** `pier volume ls [-q] [--filter] [--format]`: DRIVER VOLUME NAME, names in natural order. */
import type { CommandSpec } from '../../spec.js';
import type { VolumeInfo } from '../../../client/index.js';
import { printItems, type Column } from '../../output.js';
import { humanSize } from '../../../lib/units.js';
import { goMethod } from '../../format/values.js';
import { FILTER_OPT, FORMAT_OPT, parseFilters, str } from '../common.js';

/** Natural ("v2" before "v10") order of docker's sortorder.NaturalLess. */
export function naturalLess(a: string, b: string): boolean {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny;
      return x.length < y.length;
    }
    return x < y;
  }
  return pa.length < pb.length;
}

/** The template fields of one volume, as docker's volumeContext exposes them. */
export function volumeFields(v: VolumeInfo): Record<string, unknown> {
  const labels = Object.keys(v.Labels ?? {}).sort().map((k) => `${k}=${v.Labels![k]}`).join(',');
  return {
    Availability: 'N/A',
    Driver: v.Driver,
    Group: 'N/A',
    Labels: labels,
    Links: v.UsageData && v.UsageData.RefCount >= 0 ? String(v.UsageData.RefCount) : 'N/A',
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Scope: v.Scope ?? 'local',
    Size: v.UsageData && v.UsageData.Size >= 0 ? humanSize(v.UsageData.Size) : 'N/A',
    Status: 'N/A',
  };
}

/** The volume ls command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'List volumes',
  options: [
    { long: 'cluster', kind: 'bool', description: 'Display only cluster volumes, and use cluster volume list formatting', hidden: true },
    { ...FILTER_OPT, description: 'Provide filter values (e.g. "dangling=true")' },
    FORMAT_OPT,
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display volume names' },
  ],
  args: { max: 0 },
  run: async (ctx, _a, o) => {
    const r = await ctx.client().volumes.list(parseFilters(o.filter));
    const vols = [...(r.Volumes ?? [])].sort((a, b) => (naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0));
    const format = str(o.format);
    if (o.quiet === true && (!format || format === 'table')) {
      for (const v of vols) ctx.out(`${v.Name}\n`);
      return 0;
    }
    const cols: Column<VolumeInfo>[] = [
      { header: 'DRIVER', field: 'Driver', get: (v) => v.Driver },
      { header: 'VOLUME NAME', field: 'Name', get: (v) => v.Name },
    ];
    await printItems(ctx, format, vols, cols, (v) => {
      // Label is a template method only (JSON leaves functions out).
      return { ...volumeFields(v), Label: goMethod((k: string) => v.Labels?.[k] ?? '', ['string']) };
    }, 'volume');
    return 0;
  },
};
