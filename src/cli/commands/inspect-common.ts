/**
 * Shared body of `inspect` commands: fetch each object, then print a JSON array indented like
 * docker's (4 spaces) or one template line per object (`-f`). Not-found objects are reported
 * on stderr after the output, exit 1.
 */
import type { CliContext, OptSpec } from '../spec.js';
import { StatusError } from '../errors.js';
import { describeError } from '../describe.js';
import { executeTemplate, goJson, TemplateExecError } from '../output.js';
import { ApiError } from '../../client/index.js';
import { CliError } from '../errors.js';
import { TEMPLATE_FORMAT_HELP } from './common.js';

/** docker parses the template before asking the daemon: a bad one fails first (exit 64). */
async function checkTemplate(format: string): Promise<void> {
  const fmt = await import('../format/index.js');
  try {
    fmt.compileTemplate(format);
  } catch (e) {
    throw new CliError(`template parsing error: ${(e as Error).message}`, 64);
  }
}

/** The -f/--format flag of inspect commands. */
export const INSPECT_FORMAT: OptSpec = {
  long: 'format',
  short: 'f',
  kind: 'string',
  description: TEMPLATE_FORMAT_HELP,
};

/** Indents like Go's json.MarshalIndent(v, "", "    ") without HTML escaping. */
export function goIndent(v: unknown): string {
  return JSON.stringify(v, null, 4) ?? 'null';
}

/**
 * Inspects every name with `get`; `notFound(name, err)` gives the error line for a missing one.
 * Without a format the raw objects print indented, with `json` as one compact line; a template
 * runs on `shape(raw)` (docker runs templates on its typed struct, not on the raw JSON).
 * Throws StatusError(1) when any failed.
 */
export async function inspectAll(
  ctx: CliContext, names: string[], format: string | undefined, get: (name: string) => Promise<unknown>, notFound: (name: string, e: unknown) => string,
  shape: (raw: unknown) => unknown = (raw) => raw,
): Promise<number> {
  if (format && format !== 'json') await checkTemplate(format);
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const n of names) {
    try {
      found.push(await get(n));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) errors.push(notFound(n, e));
      else errors.push(describeError(e));
    }
  }
  if (format && format !== 'json') {
    for (const f of found) {
      try {
        ctx.out(`${await executeTemplate(format, shape(f))}\n`);
      } catch (e) {
        if (e instanceof TemplateExecError) ctx.out('\n');
        throw e;
      }
    }
  } else if (format === 'json') {
    // docker's `--format json`: the raw objects as one compact line.
    ctx.out(`${goJson(found)}\n`);
  } else {
    ctx.out(found.length ? `${goIndent(found)}\n` : '[]\n');
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
