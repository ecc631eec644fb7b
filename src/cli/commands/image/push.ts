/** `pier push [OPTIONS] NAME[:TAG]`: uploads an image with docker-style progress. */
import type { CommandSpec } from '../../spec.js';
import { encodeAuth } from '../../../client/index.js';
import { showProgress } from '../../progress.js';
import { CliError } from '../../errors.js';
import { authFor } from '../registry-auth.js';
import { transferReference } from './pull.js';

/** The push command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  options: [
    { long: 'all-tags', short: 'a', kind: 'bool', description: 'Push all tags of an image to the repository' },
    { long: 'disable-content-trust', kind: 'bool', description: 'Skip image signing', helpDefault: 'true' },
    { long: 'platform', kind: 'string', description: 'Push a platform-specific manifest as a single-platform image to the registry.' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Suppress verbose output' },
  ],
  args: { exact: 1 },
  run: async (ctx, [ref], o) => {
    if (ref!.includes('@')) throw new CliError('invalid reference format');
    const { name, tag } = transferReference(ctx, ref!, o['all-tags'] === true);
    const auth = await authFor(ctx, name);
    const res = await ctx.client().transport.request('POST', `/images/${name}/push`, {
      query: { tag },
      headers: { 'X-Registry-Auth': encodeAuth(auth) },
    });
    await showProgress(res, { write: ctx.out, tty: !!ctx.io.stdout.isTTY, quiet: o.quiet === true });
    if (o.quiet === true) ctx.out(`${ref}\n`);
    return 0;
  },
};
