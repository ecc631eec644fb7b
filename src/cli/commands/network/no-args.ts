/** docker's cobra.NoArgs check (app.ts words `max: 0` as "accepts at most 0 arguments"). */
import type { CliContext } from '../../spec.js';
import { UsageError } from '../../errors.js';

/** Throws docker's usage error `'pier network ls' accepts no arguments` when `args` is not empty. */
export function noArgs(ctx: CliContext, args: string[]): void {
  if (args.length) throw new UsageError(`'${ctx.path}' accepts no arguments`, { code: 1, prefixed: true });
}
