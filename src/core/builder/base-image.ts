/**
 * The image a FROM starts from, as the classic builder finds it: the local image when present
 * (and of the wanted platform), otherwise pulled; with `--pull`, always pulled first, and a
 * failed pull fails the step even when the image is present locally (moby's
 * PullOptionForcePull). Pull progress goes into the build's output. Credentials come from the
 * X-Registry-Config map (registry → auth config) the client sent.
 */
import { EngineError, isKind } from '../../lib/errors.js';
import { DEFAULT_DOMAIN, parseNormalizedReference } from '../../oci/reference.js';
import type { ResolvedImage } from '../images/index.js';
import { formatPlatform, parseBuildPlatform, platformMatches, platformMismatch, type BuildPlatform } from './platform.js';
import type { BuildState } from './stage.js';

/** The X-Registry-Auth value for `ref` from the X-Registry-Config map, if it has an entry. */
function authFor(configs: Record<string, unknown> | undefined, ref: string): string | undefined {
  if (!configs) return undefined;
  let domain: string;
  try {
    domain = parseNormalizedReference(ref).domain;
  } catch {
    return undefined;
  }
  const keys = domain === DEFAULT_DOMAIN ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'] : [domain, `https://${domain}`, `http://${domain}`];
  for (const [k, v] of Object.entries(configs)) {
    const bare = k.replace(/\/+$/, '');
    if (keys.includes(k) || keys.includes(bare) || keys.includes(bare.replace(/^https?:\/\//, ''))) {
      return Buffer.from(JSON.stringify(v)).toString('base64url');
    }
  }
  return undefined;
}

async function pull(st: BuildState, ref: string, want: BuildPlatform | undefined): Promise<void> {
  const it = st.deps.pull!(ref, { platform: want ? formatPlatform(want) : undefined, auth: authFor(st.req.registryConfig, ref), signal: st.req.signal });
  for await (const m of it) {
    if (m.error || m.errorDetail) throw new EngineError('Internal', m.error ?? m.errorDetail?.message ?? 'pull failed');
    await st.write(m);
  }
}

/**
 * Resolves the base image `ref` of a stage; `platformSpec` is FROM --platform (expanded) or
 * the build's --platform. Throws InvalidArgument for a bad platform, the pull's error, or
 * NotFound (no such image / another platform).
 */
export async function baseImage(st: BuildState, ref: string, platformSpec: string | undefined): Promise<ResolvedImage> {
  const want = platformSpec ? parseBuildPlatform(platformSpec) : undefined;
  let local: ResolvedImage | undefined;
  let missing: unknown;
  try {
    local = await st.deps.images.resolve(ref);
  } catch (e) {
    if (!isKind(e, 'NotFound')) throw e;
    missing = e;
  }
  const usable = local !== undefined && (!want || platformMatches(want, local.config));
  if (st.deps.pull && (st.req.pull || !usable)) {
    await pull(st, ref, want);
    const img = await st.deps.images.resolve(ref);
    if (want && !platformMatches(want, img.config)) throw platformMismatch(ref, want, img.config);
    return img;
  }
  if (!local) throw missing;
  if (!usable) throw platformMismatch(ref, want!, local.config);
  return local;
}
