/** `pier compose ls`: projects found by their containers' labels (NAME STATUS CONFIG FILES). */
import { LABEL } from '../../../compose/engine/index.js';
import type { Column } from '../../output.js';
import { printItems } from '../../output.js';
import { list, parseFilters, str } from '../common.js';
import type { SubSpec } from './types.js';

/** One project of `ls`. */
export interface ProjectRow {
  name: string;
  status: string;
  configFiles: string;
  running: boolean;
}

/** Summarises containers into projects (`running(2), exited(1)`). Never throws. */
export function projectsOf(containers: { Labels: Record<string, string> | null; State: string }[]): ProjectRow[] {
  const by = new Map<string, { states: Map<string, number>; files: string }>();
  for (const c of containers) {
    const p = c.Labels?.[LABEL.project];
    if (!p) continue;
    const e = by.get(p) ?? { states: new Map(), files: c.Labels?.[LABEL.configFiles] ?? '' };
    e.states.set(c.State, (e.states.get(c.State) ?? 0) + 1);
    by.set(p, e);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, e]) => ({
    name,
    status: [...e.states.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}(${n})`).join(', '),
    configFiles: e.files,
    running: e.states.has('running'),
  }));
}

const COLUMNS: Column<ProjectRow>[] = [
  { header: 'NAME', field: 'Name', get: (p) => p.name },
  { header: 'STATUS', field: 'Status', get: (p) => p.status },
  { header: 'CONFIG FILES', field: 'ConfigFiles', get: (p) => p.configFiles },
];

/** The ls subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS]',
  description: 'List running compose projects',
  options: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all stopped Compose projects' },
    { long: 'filter', kind: 'list', label: 'filter', description: 'Filter output based on conditions provided' },
    { long: 'format', kind: 'string', description: 'Format the output. Values: [table | json]', helpDefault: '"table"' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display project names' },
  ],
  args: { max: 0 },
  run: async (c, _args, o) => {
    const cs = await c.ctx.client().containers.list({ all: true, filters: { label: [LABEL.project] } });
    let rows = projectsOf(cs);
    if (o.all !== true) rows = rows.filter((r) => r.running);
    const names = parseFilters(list(o.filter))?.name;
    if (names) rows = rows.filter((r) => names.some((n) => r.name.includes(n)));
    if (o.quiet === true) {
      c.ctx.out(rows.map((r) => `${r.name}\n`).join(''));
      return 0;
    }
    if (str(o.format) === 'json') {
      c.ctx.out(`${JSON.stringify(rows.map((r) => ({ Name: r.name, Status: r.status, ConfigFiles: r.configFiles })))}\n`);
      return 0;
    }
    await printItems(c.ctx, str(o.format), rows, COLUMNS, (r) => ({ Name: r.name, Status: r.status, ConfigFiles: r.configFiles }));
    return 0;
  },
};
