/**
 * `pier registry serve|garbage-collect [OPTIONS]`: runs the built-in registry server (see
 * src/registry) in the foreground; it does not talk to the daemon.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CommandSpec } from '../spec.js';

/** The registry command. */
export const spec: CommandSpec = {
  usage: 'serve|garbage-collect [OPTIONS]',
  description: 'Run a private image registry (OCI distribution API)',
  options: [
    { long: 'addr', kind: 'string', description: 'Address to listen on', helpDefault: '"127.0.0.1:5000"' },
    { long: 'root', kind: 'string', description: 'Storage directory', helpDefault: '"/var/lib/pier-registry"' },
    { long: 'tls-cert', kind: 'string', description: 'TLS certificate (PEM)' },
    { long: 'tls-key', kind: 'string', description: 'TLS key (PEM)' },
    { long: 'htpasswd', kind: 'string', description: 'htpasswd file (bcrypt, as htpasswd -B, or {SHA} entries) enabling authentication' },
    { long: 'auth', kind: 'string', description: '"basic" or "token"' },
    { long: 'anonymous-pull', kind: 'bool', description: 'Token auth: allow anonymous pulls' },
    { long: 'dry-run', kind: 'bool', description: 'garbage-collect: only list what would be deleted' },
  ],
  args: { max: 1 },
  run: async (_ctx, args, o) => {
    const argv: string[] = [...args];
    for (const [k, v] of Object.entries(o)) {
      if (v === true) argv.push(`--${k}`);
      else if (typeof v === 'string') argv.push(`--${k}`, v);
    }
    // Loaded from the compiled tree (dist/src/registry), not bundled into the CLI: the server's
    // imports (https, crypto, util…) would otherwise be parsed on every pier start. From the
    // CommonJS bundle (dist/pier-cli.cjs, where __filename is defined), or from the compiled
    // ESM tree (dist/src/cli/commands/).
    const target = typeof __filename === 'string'
      ? pathToFileURL(path.join(path.dirname(__filename), 'src', 'registry', 'main.js'))
      : new URL('../../registry/main.js', import.meta.url);
    const { runRegistryCommand } = (await import(target.href)) as typeof import('../../registry/main.js');
    return runRegistryCommand(argv);
  },
};
