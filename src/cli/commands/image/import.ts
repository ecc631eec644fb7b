/** `pier import [-c] [-m] [--platform] file|- [REPOSITORY[:TAG]]`: a filesystem tar → image. */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CommandSpec } from '../../spec.js';
import { CliError } from '../../errors.js';
import { jsonLines } from '../../../client/index.js';
import type { ProgressMessage } from '../../../api/types.js';
import { list, str } from '../common.js';
import { splitReference } from '../container/create-flow.js';

/** The import command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  options: [
    { long: 'change', short: 'c', kind: 'list', description: 'Apply Dockerfile instruction to the created image' },
    { long: 'message', short: 'm', kind: 'string', description: 'Set commit message for imported image' },
    { long: 'platform', kind: 'string', description: 'Set platform if server is multi-platform capable' },
  ],
  args: { min: 1 },
  run: async (ctx, [src, ref], o) => {
    if (/^https?:\/\//i.test(src!)) throw new CliError(`importing from a URL is not supported by pier (offline): ${src}`);
    let body: Readable;
    if (src === '-') body = ctx.io.stdin;
    else {
      body = createReadStream(src!);
      await new Promise<void>((resolve, reject) => {
        body.once('open', () => resolve());
        body.once('error', (e: NodeJS.ErrnoException) => reject(new CliError(`open ${src}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`)));
      });
    }
    const r = ref ? splitReference(ref) : undefined;
    const res = await ctx.client().images.import(body, { repo: r?.name, tag: ref ? r?.tag : undefined, message: str(o.message), changes: list(o.change), platform: str(o.platform) });
    for await (const m of jsonLines<ProgressMessage>(res)) {
      if (m.error || m.errorDetail) throw new CliError(m.errorDetail?.message ?? m.error ?? 'import failed');
      if (m.status && !m.id) ctx.out(`${m.status}\n`);
    }
    return 0;
  },
};
