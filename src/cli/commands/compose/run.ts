/**
 * `pier compose run SERVICE [COMMAND]`: a one-off container (dependencies started first unless
 * `--no-deps`), attached unless `-d`, removed after with `--rm`; exits with its exit code.
 */
import { runOneoff } from '../../../compose/engine/index.js';
import { list, str } from '../common.js';
import { exitAfterStream, startSession } from '../container/attach-session.js';
import type { SubSpec } from './types.js';

/** The run subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] SERVICE [COMMAND] [ARGS...]',
  description: 'Run a one-off command on a service',
  options: [
    { long: 'build', kind: 'bool', description: 'Build image before starting container' },
    { long: 'detach', short: 'd', kind: 'bool', description: 'Run container in background and print container ID' },
    { long: 'entrypoint', kind: 'string', description: 'Override the entrypoint of the image' },
    { long: 'env', short: 'e', kind: 'list', label: 'stringArray', description: 'Set environment variables' },
    { long: 'interactive', short: 'i', kind: 'bool', description: 'Keep STDIN open even if not attached', helpDefault: 'true' },
    { long: 'label', short: 'l', kind: 'list', label: 'stringArray', description: 'Add or override a label' },
    { long: 'name', kind: 'string', description: 'Assign a name to the container' },
    { long: 'no-TTY', short: 'T', kind: 'bool', description: 'Disable pseudo-TTY allocation (default: auto-detected)' },
    { long: 'no-deps', kind: 'bool', description: "Don't start linked services" },
    { long: 'publish', short: 'p', kind: 'list', label: 'stringArray', description: "Publish a container's port(s) to the host" },
    { long: 'remove-orphans', kind: 'bool', description: 'Remove containers for services not defined in the Compose file' },
    { long: 'rm', kind: 'bool', description: 'Automatically remove the container when it exits' },
    { long: 'service-ports', short: 'P', kind: 'bool', description: "Run command with all service's ports enabled and mapped to the host" },
    { long: 'tty', short: 't', kind: 'bool', description: 'Allocate a pseudo-TTY', hidden: true },
    { long: 'use-aliases', kind: 'bool', description: "Use the service's network useAliases in the network(s) the container connects to" },
    { long: 'user', short: 'u', kind: 'string', description: 'Run as specified username or uid' },
    { long: 'volume', short: 'v', kind: 'list', label: 'stringArray', description: 'Bind mount a volume' },
    { long: 'workdir', short: 'w', kind: 'string', description: 'Working directory inside the container' },
  ],
  args: { min: 1 },
  stopAtFirstArg: true,
  run: async (c, [service, ...command], o) => {
    const project = await c.project();
    const detach = o.detach === true;
    const tty = o['no-TTY'] !== true && (o.tty === true || c.ctx.io.stdin.isTTY === true);
    const interactive = o.interactive !== false && !detach;
    const labels: Record<string, string> = {};
    for (const l of list(o.label)) {
      const i = l.indexOf('=');
      labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
    }
    const entry = str(o.entrypoint);
    const engine = c.engine();
    const { id, name } = await runOneoff(engine, project, {
      service: service!, command, entrypoint: entry !== undefined ? (entry ? entry.split(/\s+/) : []) : undefined,
      env: list(o.env), name: str(o.name), user: str(o.user), workdir: str(o.workdir), tty, interactive,
      noDeps: o['no-deps'] === true, servicePorts: o['service-ports'] === true, publish: list(o.publish), volumes: list(o.volume),
      labels, build: o.build === true, removeOrphans: o['remove-orphans'] === true,
    });
    if (c.globals.dryRun) return 0;
    const client = c.ctx.client();
    if (detach) {
      await client.containers.start(id);
      c.ctx.out(`${name}\n`);
      return 0;
    }
    const conn = await client.containers.attach(id, { stream: true, stdin: interactive, stdout: true, stderr: true });
    const waiter = await client.containers.wait(id, 'next-exit');
    const session = await startSession(c.ctx, conn, { containerId: id, tty, stdin: interactive, sigProxy: true });
    await client.containers.start(id);
    session.startResize();
    await session.done;
    const code = (await exitAfterStream(async () => (await client.containers.inspect(id)).State.Running, waiter.result)) ?? 0;
    if (o.rm === true) await client.containers.remove(id, { force: true }).catch(() => {});
    return code;
  },
};
