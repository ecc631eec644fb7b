/**
 * The `com.docker.compose.*` labels Docker Compose v2 puts on what it creates, container names
 * (`<project>-<service>-<n>`, underscores in compatibility mode) and the label filters that find
 * a project's objects again. Pure.
 */

/** Label keys, as Docker Compose v2 spells them. */
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  configFiles: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
  dependsOn: 'com.docker.compose.depends_on',
  version: 'com.docker.compose.version',
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  slug: 'com.docker.compose.slug',
} as const;

/** The Compose version pier reports in labels and `compose version`. */
export const COMPOSE_VERSION = '2.29.7';

/** Separator of container names: `-`, or `_` with `--compatibility`. */
export function nameSeparator(compatibility: boolean): string {
  return compatibility ? '_' : '-';
}

/** `<project>-<service>-<n>` (or with underscores). Never throws. */
export function containerName(project: string, service: string, n: number, compatibility = false): string {
  const s = nameSeparator(compatibility);
  return `${project}${s}${service}${s}${n}`;
}

/** `<project>-<service>-run-<id12>` for `compose run` containers. Never throws. */
export function oneoffName(project: string, service: string, id: string, compatibility = false): string {
  const s = nameSeparator(compatibility);
  return `${project}${s}${service}${s}run${s}${id.slice(0, 12)}`;
}

/** Label filter of a project's (non one-off unless `oneoff` is given) containers. */
export function projectFilter(project: string, opts: { service?: string; oneoff?: boolean | 'any' } = {}): Record<string, string[]> {
  const label = [`${LABEL.project}=${project}`];
  if (opts.service) label.push(`${LABEL.service}=${opts.service}`);
  const o = opts.oneoff ?? false;
  if (o !== 'any') label.push(`${LABEL.oneoff}=${o ? 'True' : 'False'}`);
  return { label };
}

/** Labels of a network or volume created for `project` under the key `key`. */
export function resourceLabels(kind: 'network' | 'volume', project: string, key: string, own: Record<string, string> = {}): Record<string, string> {
  return { ...own, [kind === 'network' ? LABEL.network : LABEL.volume]: key, [LABEL.project]: project, [LABEL.version]: COMPOSE_VERSION };
}
