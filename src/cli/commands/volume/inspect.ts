/** `pier volume inspect [-f] VOLUME…`. */
import type { CommandSpec } from '../../spec.js';
import { describeError } from '../../describe.js';
import { str } from '../common.js';
import { INSPECT_FORMAT, inspectAll } from '../inspect-common.js';
import { goMap, goType } from '../../format/index.js';

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

/**
 * A volume as docker 28's templates see it: its `volume.Volume` struct, fields in struct order
 * (ClusterVolume, CreatedAt, Driver, Labels, Mountpoint, Name, Options, Scope, Status, UsageData),
 * nil maps printing `map[]`, unknown fields failing with "in type volume.Volume"; `{{json .}}`
 * marshals it with the struct's omitempty rules. Never throws.
 */
export function volumeTemplateData(raw: unknown): Raw {
  const v = obj(raw);
  const usage = v.UsageData == null ? null : { Size: obj(v.UsageData).Size ?? 0, RefCount: obj(v.UsageData).RefCount ?? 0 };
  const data: Record<string | symbol, unknown> = {
    ClusterVolume: v.ClusterVolume ?? null,
    CreatedAt: v.CreatedAt ?? '',
    Driver: v.Driver ?? '',
    Labels: goMap(v.Labels),
    Mountpoint: v.Mountpoint ?? '',
    Name: v.Name ?? '',
    Options: goMap(v.Options),
    Scope: v.Scope ?? '',
    Status: goMap(v.Status, 'map[string]interface {}'),
    UsageData: usage,
    [goType]: 'volume.Volume',
  };
  const json = (): Raw => {
    const status = obj(v.Status);
    return {
      ...(v.ClusterVolume != null ? { ClusterVolume: v.ClusterVolume } : {}),
      ...(v.CreatedAt ? { CreatedAt: v.CreatedAt } : {}),
      Driver: data.Driver,
      Labels: v.Labels ?? null,
      Mountpoint: data.Mountpoint,
      Name: data.Name,
      Options: v.Options ?? null,
      Scope: data.Scope,
      ...(Object.keys(status).length ? { Status: status } : {}),
      ...(usage ? { UsageData: usage } : {}),
    };
  };
  Object.defineProperty(data, 'toJSON', { value: json, enumerable: false });
  return data as Raw;
}

/** The volume inspect command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  options: [INSPECT_FORMAT],
  args: { min: 1 },
  run: (ctx, args, o) =>
    inspectAll(ctx, args, str(o.format), (n) => ctx.client().volumes.inspectRaw(n), (_n, e) => describeError(e), volumeTemplateData),
};
