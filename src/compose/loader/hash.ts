/**
 * The `com.docker.compose.config-hash` of a service: sha256 of its normalised config in a
 * canonical JSON form (sorted keys), leaving out what does not change the container.
 */
import { createHash } from 'node:crypto';
import type { ServiceConfig } from '../model.js';

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * sha256 hex of the service config without `scale`, `deploy.replicas`, `build`,
 * `pull_policy`, `depends_on` and `profiles` (none changes the container itself). Never throws.
 */
export function configHash(service: ServiceConfig): string {
  const s: Record<string, unknown> = { ...service };
  delete s.scale;
  delete s.build;
  delete s.pull_policy;
  delete s.depends_on;
  delete s.profiles;
  if (service.deploy) {
    const d: Record<string, unknown> = { ...service.deploy };
    delete d.replicas;
    s.deploy = Object.keys(d).length > 0 ? d : undefined;
  }
  return createHash('sha256').update(canonicalJson(s)).digest('hex');
}
