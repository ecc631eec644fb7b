/**
 * `pier compose ps`: the project's containers in Compose v2's table (NAME IMAGE COMMAND SERVICE
 * CREATED STATUS PORTS), `-q`, `--services`, `--status`, `--format json|TEMPLATE`.
 */
import { listProjectContainers, type ObservedContainer } from '../../../compose/engine/index.js';
import type { Column } from '../../output.js';
import { printItems } from '../../output.js';
import { UsageError } from '../../errors.js';
import { ago, displayPorts, ellipsis } from '../../human.js';
import { FORMAT_OPT, list, str } from '../common.js';
import type { SubSpec } from './types.js';
import { isKnownService } from './run-context.js';

const STATUSES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

/** Health from a Status string ("Up 2 minutes (healthy)"). Never throws. */
export function healthOf(status: string): string {
  return /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1]?.replace('health: ', '') ?? '';
}

/** Exit code from a Status string ("Exited (3) 2 seconds ago"), 0 otherwise. Never throws. */
export function exitCodeOf(status: string): number {
  return Number(/^Exited \((\d+)\)/.exec(status)?.[1] ?? 0);
}

/** Compose v2's JSON object of one container. Never throws. */
export function psJson(c: ObservedContainer): Record<string, unknown> {
  const s = c.summary;
  return {
    Command: JSON.stringify(s.Command),
    CreatedAt: new Date(s.Created * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC'),
    ExitCode: exitCodeOf(c.status),
    Health: healthOf(c.status),
    ID: c.id,
    Image: s.Image,
    Labels: Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(','),
    LocalVolumes: String((s.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    Mounts: (s.Mounts ?? []).map((m) => m.Name ?? m.Source).join(','),
    Name: c.name,
    Names: c.name,
    Networks: Object.keys(s.NetworkSettings?.Networks ?? {}).join(','),
    Ports: displayPorts(s.Ports),
    Project: c.labels['com.docker.compose.project'] ?? '',
    Publishers: (s.Ports ?? []).map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type })),
    RunningFor: ago(s.Created),
    Service: c.service,
    Size: '0B',
    State: c.state,
    Status: c.status,
  };
}

const COLUMNS: Column<ObservedContainer>[] = [
  { header: 'NAME', field: 'Name', get: (c) => c.name },
  { header: 'IMAGE', field: 'Image', get: (c) => c.summary.Image },
  { header: 'COMMAND', field: 'Command', get: (c) => JSON.stringify(ellipsis(c.summary.Command, 20)) },
  { header: 'SERVICE', field: 'Service', get: (c) => c.service },
  { header: 'CREATED', field: 'RunningFor', get: (c) => ago(c.summary.Created) },
  { header: 'STATUS', field: 'Status', get: (c) => c.status },
  { header: 'PORTS', field: 'Ports', get: (c) => displayPorts(c.summary.Ports) },
];

/** The ps subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'List containers',
  options: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all stopped containers (including those created by the run command)' },
    { long: 'filter', kind: 'string', description: 'Filter services by a property (supported filters: status).' },
    { ...FORMAT_OPT, helpDefault: '"table"' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    { long: 'orphans', kind: 'bool', description: 'Include orphaned services (not declared by project)', helpDefault: 'true' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display IDs' },
    { long: 'services', kind: 'bool', description: 'Display services' },
    { long: 'status', kind: 'list', label: 'stringArray', description: 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]' },
  ],
  run: async (c, args, o) => {
    const project = await c.projectOrName();
    const statuses = list(o.status);
    const filter = str(o.filter);
    if (filter) {
      const m = /^status=(.*)$/.exec(filter);
      if (!m) throw new UsageError(`unsupported filter: ${filter}`, { code: 1 });
      statuses.push(m[1]!);
    }
    for (const s of statuses) if (!STATUSES.includes(s)) throw new UsageError(`invalid filter: status=${s}`, { code: 1 });
    for (const a of args) if (!isKnownService(project, a)) throw new UsageError(`no such service: ${a}`, { code: 1 });
    let cs = await listProjectContainers(c.ctx.client(), project.name, { oneoff: 'any', all: true });
    if (args.length) cs = cs.filter((x) => args.includes(x.service));
    if (o.orphans === false && project.configFiles.length) cs = cs.filter((x) => project.services[x.service]);
    if (statuses.length) cs = cs.filter((x) => statuses.includes(x.state));
    else if (o.all !== true) cs = cs.filter((x) => x.state === 'running' || x.state === 'paused' || x.state === 'restarting');
    if (o.services === true) {
      c.ctx.out([...new Set(cs.map((x) => x.service))].map((s) => `${s}\n`).join(''));
      return 0;
    }
    if (o.quiet === true) {
      c.ctx.out(cs.map((x) => `${x.id}\n`).join(''));
      return 0;
    }
    const cols = o['no-trunc'] === true ? COLUMNS.map((col) => (col.field === 'Command' ? { ...col, get: (x: ObservedContainer) => JSON.stringify(x.summary.Command) } : col)) : COLUMNS;
    await printItems(c.ctx, str(o.format), cs, cols, psJson);
    return 0;
  },
};
