/**
 * Helpers shared by commands: run an operation for each argument with docker's error
 * reporting, parse `--filter key=value` lists, read a yes/no prompt, and shorten IDs.
 */
import type { CliContext, OptSpec } from '../spec.js';
import { StatusError, UsageError } from '../errors.js';
import { describeError } from '../describe.js';
import { badFilter } from '../parse.js';

/**
 * Runs `fn` for every argument in order, printing `print(arg)` on success and docker's error
 * line on failure. Throws StatusError(1) at the end when any failed (after `summary` if given).
 */
export async function forEach(ctx: CliContext, args: string[], fn: (arg: string) => Promise<string | void>, summary?: (failed: string[]) => string): Promise<number> {
  const failed: string[] = [];
  for (const a of args) {
    try {
      const line = await fn(a);
      if (line !== undefined) ctx.out(`${line}\n`);
    } catch (e) {
      failed.push(a);
      ctx.err(`${describeError(e)}\n`);
    }
  }
  if (failed.length) throw new StatusError(1, summary ? summary(failed) : '');
  return 0;
}

/**
 * Parses repeated `--filter key=value` into a map as docker's filters.ParseFlag does: empty
 * values are skipped, the key is trimmed and lower-cased, the value trimmed. `opt` is the
 * command's filter flag, named in the error ("-f, --filter", or "--filter" where -f is --force).
 * Throws UsageError for a value without '='.
 */
export function parseFilters(list: unknown, opt: OptSpec = FILTER_OPT): Record<string, string[]> | undefined {
  const items = ((list as string[] | undefined) ?? []).filter((f) => f !== '');
  if (!items.length) return undefined;
  const out: Record<string, string[]> = {};
  for (const f of items) {
    const i = f.indexOf('=');
    if (i < 0) throw new UsageError(badFilter(f, opt));
    const k = f.slice(0, i).trim().toLowerCase();
    (out[k] ??= []).push(f.slice(i + 1).trim());
  }
  return out;
}

/** The `--filter` flag. */
export const FILTER_OPT: OptSpec = { long: 'filter', short: 'f', kind: 'list', label: 'filter', description: 'Filter output based on conditions provided' };

/** The lines of docker's `--format` help about json and Go templates. */
const TEMPLATE_LINES =
  "'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

/** Docker's help of a `--format` flag that takes json or a Go template. */
export const TEMPLATE_FORMAT_HELP = `Format output using a custom template:\n${TEMPLATE_LINES}`;

/** The `--format` flag, docker's wording for list commands (tables too). */
export const FORMAT_OPT: OptSpec = {
  long: 'format',
  kind: 'string',
  description: `Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n${TEMPLATE_LINES}`,
};

/** Asks a y/N question on the terminal; true only for "y"/"yes". */
export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  ctx.out(`${question} [y/N] `);
  const line = await readLine(ctx);
  return /^y(es)?$/i.test(line.trim());
}

async function readLine(ctx: CliContext): Promise<string> {
  const stdin = ctx.io.stdin;
  return new Promise((resolve) => {
    let acc = '';
    const onData = (d: Buffer | string) => {
      acc += d.toString();
      const i = acc.indexOf('\n');
      if (i >= 0) done(acc.slice(0, i));
    };
    const done = (s: string) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      resolve(s);
    };
    const onEnd = () => done(acc);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** First 12 hex characters of an ID, without the "sha256:" prefix. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** A string option's value (undefined when unset). */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A list option's values ([] when unset). */
export function list(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : [];
}
