/**
 * The `pier registry` command: `pier registry serve [--addr host:port] [--root dir]
 * [--tls-cert f --tls-key f] [--htpasswd f] [--auth basic|token] [--anonymous-pull]` runs the
 * server in the foreground until SIGINT/SIGTERM; `pier registry garbage-collect [--root dir]
 * [--dry-run]` removes unreferenced blobs.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/log.js';
import { createRegistryServer } from './server.js';
import { createAuthenticator, loadHtpasswd } from './auth.js';
import { openRegistryStorage } from './storage.js';
import { collectGarbage } from './gc.js';

const USAGE = `Usage:  pier registry serve [OPTIONS]
        pier registry garbage-collect [OPTIONS]

Run a private image registry (OCI distribution API)

Options:
      --addr string       Address to listen on (default "127.0.0.1:5000")
      --root string       Storage directory (default "/var/lib/pier-registry")
      --tls-cert string   TLS certificate (PEM)
      --tls-key string    TLS key (PEM)
      --htpasswd string   htpasswd file (bcrypt, as htpasswd -B, or {SHA}) enabling auth
      --auth string       "basic" or "token" (default "basic" when --htpasswd is set)
      --anonymous-pull    Token auth: allow anonymous pulls
      --dry-run           garbage-collect: only list what would be deleted
`;

/**
 * Runs the command with `argv` (after "registry"). Resolves with the exit code once the server
 * stops (serve) or the collection ends. Writes errors to stderr.
 */
export async function runRegistryCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        addr: { type: 'string', default: '127.0.0.1:5000' },
        root: { type: 'string', default: '/var/lib/pier-registry' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        htpasswd: { type: 'string' },
        auth: { type: 'string' },
        'anonymous-pull': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 125;
  }
  const { values, positionals } = parsed;
  const sub = positionals[0] ?? 'serve';
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = createLogger('info');
  try {
    if (sub === 'garbage-collect' || sub === 'gc') {
      const r = await collectGarbage(await openRegistryStorage(values.root!), { dryRun: values['dry-run'] });
      for (const d of r.deleted) process.stdout.write(`${values['dry-run'] ? 'would delete' : 'deleted'} ${d}\n`);
      return 0;
    }
    if (sub !== 'serve') {
      process.stderr.write(`unknown registry command: ${sub}\n\n${USAGE}`);
      return 125;
    }
    const m = /^(.*):(\d+)$/.exec(values.addr!);
    if (!m) throw new Error(`invalid --addr ${values.addr}`);
    const auth = values.htpasswd
      ? createAuthenticator({ mode: values.auth === 'token' ? 'token' : 'basic', users: await loadHtpasswd(values.htpasswd), anonymousPull: values['anonymous-pull'] })
      : undefined;
    const server = await createRegistryServer({ log }, { root: values.root!, tlsCert: values['tls-cert'], tlsKey: values['tls-key'], auth });
    const addr = await server.listen(Number(m[2]), m[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0');
    log.info('registry listening', { address: `${addr.address}:${addr.port}`, root: values.root });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  } catch (e) {
    process.stderr.write(`registry: ${(e as Error).message}\n`);
    return 1;
  }
}
