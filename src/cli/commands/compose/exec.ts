/** `pier compose exec SERVICE COMMAND`: runs a command in a service's running container (`--index`). */
import { listProjectContainers } from '../../../compose/engine/index.js';
import { ComposeError } from '../../../compose/model.js';
import { list, str } from '../common.js';
import { startSession } from '../container/attach-session.js';
import type { SubSpec } from './types.js';

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
    if (project.configFiles.length && !project.services[service!] && !project.disabledServices[service!]) throw new ComposeError(`no such service: ${service}`);
    const index = typeof o.index === 'number' ? o.index : 1;
    const cs = (await listProjectContainers(c.ctx.client(), project.name, { service })).filter((x) => x.state === 'running');
    const target = cs.find((x) => x.number === index);
    if (!target) throw new ComposeError(cs.length ? `service "${service}" is not running container #${index}` : `service "${service}" is not running`);
    const detach = o.detach === true;
    const tty = o['no-TTY'] !== true && (o.tty === true || c.ctx.io.stdin.isTTY === true) && !detach;
    const interactive = o.interactive !== false && !detach;
    const api = c.ctx.client().exec;
    const out = c.ctx.io.stdout;
    const id = await api.create(target.id, {
      User: str(o.user) ?? '', Privileged: o.privileged === true, Tty: tty,
      ConsoleSize: tty && out.isTTY && out.rows && out.columns ? [out.rows, out.columns] : null,
      AttachStdin: interactive, AttachStdout: !detach, AttachStderr: !detach, Detach: detach,
      Env: list(o.env).length ? list(o.env) : null, WorkingDir: str(o.workdir) ?? '', Cmd: cmd,
    });
    if (detach) {
      await api.startDetached(id, tty);
      return 0;
    }
    const conn = await api.start(id, tty);
    const session = await startSession(c.ctx, conn, { containerId: target.id, tty, stdin: interactive, sigProxy: false, resize: (h, w) => api.resize(id, h, w) });
    session.startResize();
    await session.done;
    return (await api.inspect(id)).ExitCode ?? 0;
  },
};
