/**
 * The compose loader's public surface: `loadProject` (files → normalised `Project`),
 * `serviceConfigHash` (the `com.docker.compose.config-hash` label) and `dependencyOrder`
 * (start order levels over depends_on, links, volumes_from and network_mode service:x).
 */
import type { Project, ServiceConfig } from '../model.js';
import { dependencyLevels } from './graph.js';
import { configHash } from './hash.js';

export { loadProject, type LoaderOptions } from './load.js';
export { applyProfiles, serviceDependencies } from './graph.js';
export { parseDotenv } from './dotenv.js';
export { substitute } from './interpolate.js';

/**
 * A stable sha256 hex of the service's normalised config (without scale/replicas, build,
 * pull_policy, depends_on and profiles, which do not change the container). Never throws.
 */
export function serviceConfigHash(service: ServiceConfig): string {
  return configHash(service);
}

/**
 * Levels of a topological order of `services` (default: all enabled services) and what they
 * depend on (depends_on, links, volumes_from, network_mode service:x); each level only
 * depends on earlier ones, names sorted within a level. Throws ComposeError
 * `dependency cycle detected: a -> b -> a` and `no such service: x`.
 */
export function dependencyOrder(project: Project, services?: string[]): string[][] {
  return dependencyLevels(project, services);
}
