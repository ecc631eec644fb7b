/**
 * The distribution service: wires the transport, the metadata store and the pull, push, login
 * and search operations behind the DistributionService contract.
 */
import { HashWorker } from '../../lib/tar/index.js';
import type { DistributionDeps, DistributionOptions, DistributionService } from './index.js';
import { createTransport } from './transport.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { openMetadata } from './metadata.js';
import { tracked, type DistContext } from './context.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { login, search } from './login.js';
import { collectGarbage } from './gc.js';

/** Creates the service. Pure wiring; nothing is contacted until an operation runs. */
export function createDistributionService(deps: DistributionDeps, options: DistributionOptions): DistributionService {
  const transport = createTransport();
  const ctx: DistContext = { deps, opts: options, transport, metadata: openMetadata(options.root), locks: new KeyedLock(), active: { count: 0 }, gc: { tail: Promise.resolve() }, hashes: new HashWorker() };
  return {
    pull: (ref, opts) => tracked(ctx, pull(ctx, ref, opts)),
    push: (name, opts) => tracked(ctx, push(ctx, name, opts)),
    login: (creds, signal) => login(ctx, creds, signal),
    search: (term, opts) => search(ctx, term, opts),
    collectGarbage: () => collectGarbage(ctx),
    close: () => transport.close(),
  };
}
