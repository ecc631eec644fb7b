/** `pier compose exec SERVICE COMMAND`: runs a command in a service's running container (`--index`). */
import { list, str } from '../common.js';
import { runExec } from '../container/exec-run.js';
import type { SubSpec } from './types.js';
import { serviceContainer } from './run-context.js';

/** The exec subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] SERVICE COMMAND [ARGS...]',
  description: 'Execute a command in a running container',
  options: [
    { long: 'detach', short: 'd', kind: 'bool', description: 'Detached mode: Run command in the background' },
    { long: 'env', short: 'e', kind: 'list', label: 'stringArray', description: 'Set environment variables' },
    { long: 'index', kind: 'int', description: 'Index of the container if service has multiple replicas', helpDefault: '1' },
    { long: 'interactive', short: 'i', kind: 'bool', description: 'Keep STDIN open even if not attached', helpDefault: 'true', hidden: true },
    { long: 'no-TTY', short: 'T', kind: 'bool', description: 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.' },
    { long: 'privileged', kind: 'bool', description: 'Give extended privileges to the process' },
    { long: 'tty', short: 't', kind: 'bool', description: 'Allocate a pseudo-TTY', hidden: true },
    { long: 'user', short: 'u', kind: 'string', description: 'Run the command as this user' },
    { long: 'workdir', short: 'w', kind: 'string', description: 'Path to workdir directory for this command' },
  ],
  args: { min: 2 },
  stopAtFirstArg: true,
  run: async (c, [service, ...cmd], o) => {
    const project = await c.projectOrName();
    const target = await serviceContainer(c, project, service!, typeof o.index === 'number' ? o.index : 1, true);
    const detach = o.detach === true;
    const tty = o['no-TTY'] !== true && (o.tty === true || c.ctx.io.stdin.isTTY === true) && !detach;
    const interactive = o.interactive !== false && !detach;
    return runExec(c.ctx, {
      container: target.id, cmd, user: str(o.user), privileged: o.privileged === true, tty, interactive, detach,
      env: list(o.env), workdir: str(o.workdir),
    });
  },
};
