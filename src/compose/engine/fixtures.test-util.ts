/** Hand-built projects for the engine's unit tests (no loader needed). */
import type { Project, ServiceConfig } from '../model.js';

/** A service with the model's required keys filled. */
export function svc(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return { name, environment: {}, ports: [], expose: [], volumes: [], networks: { default: null }, depends_on: {}, labels: {}, image: 'busybox', ...extra };
}

/** A project `proj` in /work/proj with a default network and the given services. */
export function project(services: ServiceConfig[], extra: Partial<Project> = {}): Project {
  return {
    name: 'proj',
    workingDir: '/work/proj',
    configFiles: ['/work/proj/compose.yaml'],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    disabledServices: {},
    networks: { default: { name: 'proj_default', labels: {} } },
    volumes: {},
    secrets: {},
    configs: {},
    environment: {},
    profiles: [],
    ...extra,
  };
}
