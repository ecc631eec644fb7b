/**
 * The compose loader's public surface: `loadProject` (files → normalised `Project`),
 * `serviceConfigHash` (the `com.docker.compose.config-hash` label) and `dependencyOrder`
 * (start order levels over depends_on, links, volumes_from and network_mode service:x).
 */
import type { LoadOptions, Project, ServiceConfig } from '../model.js';
import { ComposeError } from '../model.js';

/**
 * Loads a compose project: finds the files, parses YAML, interpolates, validates against the
 * Compose Specification schema, merges several files, resolves `extends`, applies profiles and
 * normalises to the model. Throws ComposeError for every user error (Docker Compose's wording).
 */
export async function loadProject(opts: LoadOptions): Promise<Project> {
  void opts;
  throw new ComposeError('not implemented');
}

/**
 * A stable sha256 hex of the service's normalised config (without scale/replicas and build
 * details that do not change the container). Never throws.
 */
export function serviceConfigHash(service: ServiceConfig): string {
  void service;
  return '';
}

/**
 * Levels of a topological order of `services` (default: all enabled services) and what they
 * depend on; each level only depends on earlier ones. Throws ComposeError
 * `dependency cycle detected: a -> b -> a`.
 */
export function dependencyOrder(project: Project, services?: string[]): string[][] {
  void project;
  void services;
  return [];
}
