/**
 * The create half of `pier run`/`pier create`: POST /containers/create and, on "No such image",
 * "Unable to find image 'x' locally", pull (showing progress on stderr) and retry — honouring
 * --pull missing|never|always. Also writes --cidfile.
 */
import { authFor } from '../registry-auth.js';
import { existsSync, writeFileSync } from 'node:fs';
import type { CliContext } from '../../spec.js';
import { ApiError, compareVersions } from '../../../client/index.js';
import { showProgress } from '../../progress.js';
import { CliError } from '../../errors.js';
import type { CreatePlan } from './create-body.js';
import { localhostDnsWarning } from './create-dns.js';

/** Splits "repo[:tag][@digest]" into the fromImage/tag pair the CLI sends (tag defaults to latest). */
export function splitReference(ref: string): { name: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), tag: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: 'latest' };
}

/** The reference with an explicit tag ("busybox" → "busybox:latest"), as docker prints it. */
export function familiarTagged(ref: string): string {
  if (ref.includes('@')) return ref;
  const { name, tag } = splitReference(ref);
  return `${name}:${tag}`;
}

/**
 * Pulls `image`, writing progress to `write`. Throws CliError (in-band error) or ApiError.
 */
export async function pullImage(ctx: CliContext, image: string, opts: { platform?: string; quiet?: boolean; write: (s: string) => void; tty: boolean }): Promise<void> {
  const { name, tag } = splitReference(image);
  const auth = await authFor(ctx, name);
  const res = await ctx.client().images.pull(name, tag, { platform: opts.platform, auth });
  await showProgress(res, { write: opts.write, tty: opts.tty, quiet: opts.quiet });
}

/**
 * Creates the container as docker does, pulling when needed. Returns the id. Prints warnings to
 * stderr. Throws ApiError/CliError (the caller maps them to exit 125); CliError for a MAC address
 * against a daemon before API 1.44, as docker 28 refuses it.
 */
export async function createContainer(ctx: CliContext, plan: CreatePlan): Promise<string> {
  const image = plan.body.Image ?? '';
  if (plan.cidfile && existsSync(plan.cidfile)) throw new CliError(`container ID file found, make sure the other container isn't running or delete ${plan.cidfile}`, 125);
  const c = ctx.client().containers;
  // Only a MAC address needs the daemon's version (asking costs a ping when it is not known yet).
  if (Object.values(plan.body.NetworkingConfig?.EndpointsConfig ?? {}).some((ep) => ep.MacAddress)) {
    const version = await ctx.client().transport.apiVersion();
    // docker 28 sends MAC addresses per network only, which older daemons do not know.
    if (compareVersions(version, '1.44') < 0) throw new CliError(`"specify mac-address per network" requires API version 1.44, but the Docker daemon API version is ${version}`);
  }
  const warning = localhostDnsWarning(plan.body.HostConfig?.Dns);
  if (warning) ctx.err(`${warning}\n`);
  const pull = () => pullImage(ctx, image, { platform: plan.platform, quiet: plan.quiet, write: ctx.err, tty: false });
  if (plan.pull === 'always') await pull();
  let res;
  try {
    res = await c.create(plan.body, { name: plan.name, platform: plan.platform });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404 || !/No such image/i.test(e.message) || plan.pull === 'never') throw e;
    ctx.err(`Unable to find image '${familiarTagged(image)}' locally\n`);
    await pull();
    res = await c.create(plan.body, { name: plan.name, platform: plan.platform });
  }
  for (const w of res.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  if (plan.cidfile) writeFileSync(plan.cidfile, res.Id);
  return res.Id;
}
