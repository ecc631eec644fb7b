/**
 * Plugins before their issue lands (volumes and networks are real: routes/volumes.ts,
 * routes/networks.ts): the engine has none yet, so lists are empty and lookups answer Docker's
 * 404. This keeps `docker inspect <name>` ("No such object") and `docker plugin ls` truthful;
 * installing one still answers 501 (unimplemented.ts).
 */
import type { Handler } from '../context.js';
import { sendJSON } from '../context.js';
import type { Router } from '../router.js';
import { notFound } from '../../lib/errors.js';

const emptyList: Handler = async (ctx) => sendJSON(ctx, 200, []);
const noSuchPlugin: Handler = async (ctx) => {
  throw notFound(`plugin "${ctx.params.name}" not found`);
};

/** Registers the read-only plugin answers; call before registerUnimplementedRoutes. */
export function registerEmptyAreaRoutes(r: Router<Handler>): void {
  r.add('GET', '/plugins', emptyList)
    .add('GET', '/plugins/{name*}/json', noSuchPlugin);
}
