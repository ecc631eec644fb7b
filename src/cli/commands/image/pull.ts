/** `pier pull [-a] [-q] [--platform] NAME[:TAG|@DIGEST]`. */
import type { CliContext, CommandSpec } from '../../spec.js';
import { familiarTagged, splitReference } from '../container/create-flow.js';
import { str } from '../common.js';
import { showProgress } from '../../progress.js';
import { CliError } from '../../errors.js';
import { authFor } from '../registry-auth.js';

/** "busybox:latest" → "docker.io/library/busybox:latest"; references with a registry stay as they are. */
export function fullReference(name: string): string {
  const first = name.split('/')[0]!;
  if (name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return name;
  return `docker.io/${name.includes('/') ? '' : 'library/'}${name}`;
}

function hasTagOrDigest(ref: string): boolean {
  return ref.includes('@') || ref.lastIndexOf(':') > ref.lastIndexOf('/');
}

/**
 * The repository and tag (or digest) of a `pull`/`push` argument. With `all` (--all-tags) the
 * argument must name no tag and the tag is undefined; without, a missing tag is announced
 * ("Using default tag: latest") and is "latest". Throws CliError for a tag with --all-tags.
 */
export function transferReference(ctx: CliContext, ref: string, all: boolean): { name: string; tag: string | undefined } {
  const tagged = hasTagOrDigest(ref);
  if (all && tagged) throw new CliError('tag can\'t be used with --all-tags/-a');
  if (!all && !tagged) ctx.out('Using default tag: latest\n');
  return all ? { name: ref, tag: undefined } : splitReference(ref);
}

/** The pull command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  options: [
    { long: 'all-tags', short: 'a', kind: 'bool', description: 'Download all tagged images in the repository' },
    { long: 'disable-content-trust', kind: 'bool', description: 'Skip image verification', helpDefault: 'true' },
    { long: 'platform', kind: 'string', description: 'Set platform if server is multi-platform capable' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Suppress verbose output' },
  ],
  args: { exact: 1 },
  run: async (ctx, [ref], o) => {
    const all = o['all-tags'] === true;
    const { name, tag } = transferReference(ctx, ref!, all);
    const auth = await authFor(ctx, name);
    const res = await ctx.client().images.pull(name, tag, { platform: str(o.platform), auth });
    await showProgress(res, { write: ctx.out, tty: !!ctx.io.stdout.isTTY, quiet: o.quiet === true });
    ctx.out(`${all ? fullReference(ref!) : fullReference(familiarTagged(ref!))}\n`);
    return 0;
  },
};
