/**
 * Docker-style help text: "Usage:", description, "Aliases:", and the options table laid out
 * and wrapped like pflag's FlagUsagesWrapped (description column = widest flag + 3).
 */
import type { CommandSpec, OptSpec } from './spec.js';
import { withHelp } from './parse.js';

function defaultLabel(o: OptSpec): string {
  if (o.kind === 'bool') return '';
  return o.label ?? (o.kind === 'list' ? 'list' : o.kind === 'int' ? 'int' : 'string');
}

/** pflag's wrapN: cut `s` at the last blank before `i` (allowing `slop` extra). */
function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

/** pflag's wrap: text wrapped to `w` columns, continuation lines indented by `i`. */
export function wrapText(i: number, w: number, s: string): string {
  let indent = i;
  let width = w - indent;
  let r = '';
  if (width < 24) {
    indent = 16;
    width = w - indent;
    r += '\n' + ' '.repeat(indent);
  }
  if (width < 24) return s.replace(/\n/g, r);
  const slop = 5;
  width -= slop;
  const pad = '\n' + ' '.repeat(indent);
  let [l, rest] = wrapN(width, slop, s);
  r += l.replace(/\n/g, pad);
  while (rest !== '') {
    [l, rest] = wrapN(width, slop, rest);
    r += pad + l.replace(/\n/g, pad);
  }
  return r;
}

/** The options table (sorted by long name, hidden ones left out), wrapped to `cols`. */
export function optionsTable(options: OptSpec[], cols = 80): string {
  const rows = options
    .filter((o) => !o.hidden)
    .sort((a, b) => (a.long < b.long ? -1 : a.long > b.long ? 1 : 0))
    .map((o) => {
      const label = defaultLabel(o);
      const left = (o.short ? `  -${o.short}, ` : '      ') + `--${o.long}` + (label ? ` ${label}` : '');
      const right = o.description + (o.helpDefault !== undefined ? ` (default ${o.helpDefault})` : '');
      return [left, right] as const;
    });
  const maxlen = Math.max(0, ...rows.map(([l]) => l.length)) + 1;
  return rows.map(([l, r]) => `${l.padEnd(maxlen + 2)}${wrapText(maxlen + 2, cols, r)}`).join('\n');
}

/** Full help of one command. */
export function commandHelp(path: string, spec: CommandSpec, aliases: string[], cols = 79): string {
  const parts = [`Usage:  ${path} ${spec.usage}`.trimEnd(), '', spec.description];
  if (aliases.length > 1) parts.push('', 'Aliases:', `  ${aliases.join(', ')}`);
  const table = optionsTable(withHelp(spec.options), cols);
  if (table) parts.push('', 'Options:', table);
  return parts.join('\n') + '\n';
}

/** Usage block appended to usage errors; `verb` is docker's word before 'pier x --help' ("Run", "See"). */
export function usageTail(path: string, usage: string, verb: string): string {
  return `\nUsage:  ${path} ${usage}`.trimEnd() + `\n\n${verb} '${path} --help' for more information\n`;
}
