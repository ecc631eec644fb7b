/**
 * Areas of the Engine API that later issues implement (swarm, plugins, …): known paths answer 501 with a clear message instead of 404 "page not found",
 * so clients report something useful.
 */
import type { Handler } from '../context.js';
import type { Router } from '../router.js';
import { notImplemented } from '../../lib/errors.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;

/** Path patterns (with their area's name) that are not implemented yet. */
const AREAS: [string, string][] = [
  ['/containers/{id}/attach/ws', 'websocket attach'],
  ['/distribution/{rest*}', 'distribution'],
  ['/session', 'sessions'],
  ['/grpc', 'grpc'],
  ['/swarm', 'swarm'],
  ['/swarm/{rest*}', 'swarm'],
  ['/nodes', 'swarm nodes'],
  ['/nodes/{rest*}', 'swarm nodes'],
  ['/services', 'swarm services'],
  ['/services/{rest*}', 'swarm services'],
  ['/tasks', 'swarm tasks'],
  ['/tasks/{rest*}', 'swarm tasks'],
  ['/secrets', 'swarm secrets'],
  ['/secrets/{rest*}', 'swarm secrets'],
  ['/configs', 'swarm configs'],
  ['/configs/{rest*}', 'swarm configs'],
  ['/plugins', 'plugins'],
  ['/plugins/{rest*}', 'plugins'],
];

/** Marks a handler as a 501 placeholder (read by scripts/api-coverage.mjs). */
export const UNIMPLEMENTED = Symbol('unimplemented');

function handlerFor(area: string): Handler {
  const h: Handler = async (ctx) => {
    ctx.req.resume();
    throw notImplemented(`${area} ${area.endsWith('s') ? 'are' : 'is'} not implemented in Pier yet (${ctx.req.method} ${ctx.req.url})`);
  };
  return Object.assign(h, { [UNIMPLEMENTED]: area });
}

/** Registers 501 handlers for the not-yet-implemented areas; call after the real routes. */
export function registerUnimplementedRoutes(r: Router<Handler>): void {
  for (const [pattern, area] of AREAS) {
    const h = handlerFor(area);
    for (const m of METHODS) r.add(m, pattern, h);
  }
}
