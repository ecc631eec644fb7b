/**
 * Contract of the compose engine: converging a loaded `Project` through the Engine API client
 * (never core/). Docker Compose v2 behaviour: `<project>-<service>-<n>` containers with the
 * `com.docker.compose.*` labels, networks then volumes then services level by level in
 * dependency order (parallel within a level), recreate on config-hash change, scale, orphans,
 * depends_on conditions, `down` in reverse order. Every operation takes a `Ctx`
 * (`{ deps: { client, progress, … }, options }`) and the project.
 */
export { LABEL, COMPOSE_VERSION, containerName, oneoffName, projectFilter, resourceLabels } from './labels.js';
export { containerSpec, serviceImage, orderedNetworks, desiredScale, dependsOnLabel, type ContainerSpec, type ContainerSpecInput } from './container-spec.js';
export { type Ctx, type EngineDeps, type EngineOptions, hashOf, levelsOf, fallbackLevels, limitClient, dependenciesOf, parallel, selectServices, serviceOf } from './context.js';
export { createProgress, silentProgress, type Progress, type ProgressKind, type ProgressOptions } from './progress.js';
export { observe, listProjectContainers, groupByService, byServiceAndNumber, type ObservedContainer } from './observed.js';
export { planService, isDiverged, type PlanInput, type ServicePlan, type RecreatePolicy } from './plan.js';
export { ensureNetworks, ensureVolumes, removeNetworks, removeVolumes, networksUsed, volumesUsed } from './resources.js';
export { createReplica, recreateReplica, startContainer, stopContainer, removeContainer, replicaName } from './containers.js';
export { imageId, buildService, buildServices, pullImage, pushImage, ensureImages, type BuildOptions, type PullPolicy } from './images.js';
export { buildContext, type BuildContext } from './build-context.js';
export { waitDependency, waitReady, type WaitTarget } from './wait.js';
export { up, withNamedServices, orphansOf, type UpOptions, type Converged } from './up.js';
export { down, type DownOptions } from './down.js';
export { start, stop, restart, kill, pause, removable, rm } from './ops.js';
export { createLogPrinter, streamLogs, streamAllLogs, shortLabel, colorOf, type LogSource, type LogPrinter, type LogPrinterOptions, type LogsOptions } from './logs.js';
export { runOneoff, type RunOptions } from './run.js';
