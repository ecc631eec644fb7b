/**
 * Checks of the enabled services against each other and the top-level sections: undefined
 * services, networks, volumes, secrets and configs, and services without image or build.
 */
import type { Project } from '../model.js';
import { ComposeError } from '../model.js';
import { serviceDependencies } from './graph.js';

const invalid = (msg: string, svc: string, key?: string) =>
  new ComposeError(`${msg}: invalid compose project`, { path: key ? `services.${svc}.${key}` : `services.${svc}` });

/**
 * Validates references in place: a `depends_on` entry with `required: false` on a missing
 * service is dropped (with a warning). Throws ComposeError
 * `service "a" depends on undefined service "b": invalid compose project` and the like.
 */
export function checkReferences(project: Project, warn: (m: string) => void): void {
  for (const [name, s] of Object.entries(project.services)) {
    if (s.image === undefined && s.build === undefined) throw invalid(`service "${name}" has neither an image nor a build context specified`, name);
    for (const [dep, d] of Object.entries(s.depends_on)) {
      if (project.services[dep]) continue;
      if (!d.required) {
        warn(`service "${name}" depends on undefined service "${dep}": ignoring (not required)`);
        delete s.depends_on[dep];
        continue;
      }
      throw invalid(`service "${name}" depends on undefined service "${dep}"`, name, 'depends_on');
    }
    if (s.network_mode?.startsWith('service:')) {
      const target = s.network_mode.slice(8);
      if (!project.services[target]) throw new ComposeError(`service "${target}" not found for network_mode 'service:${target}'`, { path: `services.${name}.network_mode` });
    }
    for (const dep of serviceDependencies(s)) {
      if (!project.services[dep] && !(dep in s.depends_on)) throw invalid(`service "${name}" depends on undefined service "${dep}"`, name);
    }
    for (const net of Object.keys(s.networks)) {
      if (!project.networks[net]) throw invalid(`service "${name}" refers to undefined network ${net}`, name, 'networks');
    }
    for (const v of s.volumes) {
      if (v.type === 'volume' && v.source !== undefined && !project.volumes[v.source]) throw invalid(`service "${name}" refers to undefined volume ${v.source}`, name, 'volumes');
    }
    for (const r of s.secrets ?? []) if (!project.secrets[r.source]) throw invalid(`service "${name}" refers to undefined secret ${r.source}`, name, 'secrets');
    for (const r of s.configs ?? []) if (!project.configs[r.source]) throw invalid(`service "${name}" refers to undefined config ${r.source}`, name, 'configs');
  }
  for (const [key, secret] of Object.entries(project.secrets)) {
    if (!secret.external && secret.file === undefined && secret.environment === undefined) {
      throw new ComposeError(`secret ${JSON.stringify(key)} must declare either \`file\` or \`environment\`: invalid compose project`, { path: `secrets.${key}` });
    }
  }
}
