/**
 * The test harness: private daemons (pierd or real dockerd), fixture images, capability
 * probes and client runners (docker CLI, pier, docker-py). Import from here in tests:
 * `import { startDaemon, loadBusybox, runDocker } from '../harness/index.js'`.
 */
export { startDaemon, removeAllContainers, type DaemonOptions, type TestDaemon } from './daemon.js';
export { busyboxTarPath, loadBusybox, loadImageTar } from './fixtures.js';
export { startBusyboxDaemon } from './busybox-daemon.js';
export {
  cgroupsMissing, dockerCliMissing, dockerPyMissing, dockerdMissing, engineMissing, engineUnderTest,
  needsCgroups, needsOverlay, needsRoot, overlayMissing, pierCliMissing, pierdMissing, pythonPath,
  rootMissing, skipUnless, type EngineKind, type Skippable,
} from './probes.js';
export {
  dockerClient, pierClient, runCommand, runDocker, runPier,
  type CliOptions, type CliResult, type Client, type HasEnv,
} from './cli.js';
export { runDockerPy } from './dockerpy.js';
export { apiRequest, ping, type ApiRequestOptions, type ApiResponse } from './http.js';
export { killProcessesMentioning, mountsUnder, removeTree, unmountUnder } from './cleanup.js';
export { dockerCliPath, pierCliPath, pierLauncherPath, pierdPath, repoRoot } from './paths.js';
