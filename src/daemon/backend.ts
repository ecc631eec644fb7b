/**
 * What the HTTP route handlers may use: the services of the engine, wired in engine.ts (the
 * composition root). Handlers translate HTTP ⇄ these calls and nothing else.
 */
import type { ContainerService } from '../core/containers/index.js';
import type { ImageService } from '../core/images/index.js';
import type { EventBus } from '../core/events/index.js';
import type { SystemService } from '../core/system/index.js';
import type { VolumeService } from '../core/volumes/index.js';
import type { NetworkService } from '../core/networks/index.js';
import type { DistributionService } from '../core/distribution/index.js';
import type { Builder } from '../core/builder/index.js';
import type { Logger } from '../lib/log.js';

export interface Backend {
  containers: ContainerService;
  images: ImageService;
  events: EventBus;
  system: SystemService;
  /** Optional so that test backends without volumes still type-check; pierd always sets it. */
  volumes?: VolumeService;
  /** Networks; optional so that test backends without them still type-check; pierd always sets it. */
  networks?: NetworkService;
  /** Registry client (pull, push, login, search); optional for test backends. */
  distribution?: DistributionService;
  /** Dockerfile builds (POST /build); optional for test backends. */
  builder?: Builder;
  log: Logger;
}
