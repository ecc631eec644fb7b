/**
 * The route table of pierd: every implemented Engine API route and the 501 answers for areas
 * that come later. Order matters where patterns overlap (fixed paths before `{name*}`).
 */
import type { Handler } from '../context.js';
import { Router } from '../router.js';
import { registerContainerRoutes } from './containers.js';
import { registerContainerStreamRoutes } from './containers-stream.js';
import { registerImageDeleteRoute, registerImageRoutes } from './images.js';
import { registerImageStreamRoutes } from './images-stream.js';
import { registerSystemRoutes } from './system.js';
import { registerBuildRoutes } from './build.js';
import { registerUnimplementedRoutes } from './unimplemented.js';
import { registerUpdateRoutes } from './update.js';
import { registerEmptyAreaRoutes } from './empty-areas.js';
import { registerStatsRoutes } from './stats.js';
import { registerArchiveRoutes } from './archive.js';
import { registerExecRoutes } from './exec.js';
import { registerVolumeRoutes } from './volumes.js';
import { registerNetworkRoutes } from './networks.js';
import { registerPushRoutes } from './push.js';
import { registerAuthRoutes } from './auth.js';

/** Builds the router with all routes. Never throws. */
export function createRoutes(): Router<Handler> {
  const r = new Router<Handler>();
  registerSystemRoutes(r);
  registerContainerRoutes(r);
  registerContainerStreamRoutes(r);
  registerPushRoutes(r);
  registerAuthRoutes(r);
  registerImageStreamRoutes(r);
  registerImageRoutes(r);
  registerVolumeRoutes(r);
  registerNetworkRoutes(r);
  registerEmptyAreaRoutes(r);
  registerExecRoutes(r);
  registerStatsRoutes(r);
  registerArchiveRoutes(r);
  registerUpdateRoutes(r);
  registerBuildRoutes(r);
  registerUnimplementedRoutes(r);
  registerImageDeleteRoute(r);
  return r;
}
