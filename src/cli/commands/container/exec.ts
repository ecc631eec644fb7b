/** `pier exec [-d] [-i] [-t] [-e] [--env-file] [-u] [-w] [--privileged] CONTAINER COMMAND [ARG...]`. */
import { readFileSync } from 'node:fs';
import type { CommandSpec } from '../../spec.js';
import { CliError, UsageError } from '../../errors.js';
import { list, str } from '../common.js';
import { expandEnvFlag, parseKVFile } from './create-parsers.js';
import { runExec } from './exec-run.js';

/** The exec command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  options: [
    { long: 'detach', short: 'd', kind: 'bool', description: 'Detached mode: run command in the background' },
    { long: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
    { long: 'env', short: 'e', kind: 'list', description: 'Set environment variables' },
    { long: 'env-file', kind: 'list', description: 'Read in a file of environment variables' },
    { long: 'interactive', short: 'i', kind: 'bool', description: 'Keep STDIN open even if not attached' },
    { long: 'privileged', kind: 'bool', description: 'Give extended privileges to the command' },
    { long: 'tty', short: 't', kind: 'bool', description: 'Allocate a pseudo-TTY' },
    { long: 'user', short: 'u', kind: 'string', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { long: 'workdir', short: 'w', kind: 'string', description: 'Working directory inside the container' },
  ],
  args: { min: 2 },
  stopAtFirstArg: true,
  run: async (ctx, [container, ...cmd], o) => {
    const tty = o.tty === true;
    const interactive = o.interactive === true;
    const detach = o.detach === true;
    if (tty && interactive && !detach && !ctx.io.stdin.isTTY) throw new CliError('the input device is not a TTY', 1);
    const lookup = (k: string) => ctx.env[k];
    const env = [
      ...list(o['env-file']).flatMap((f) => {
        let text: string;
        try {
          text = readFileSync(f, 'utf8');
        } catch (e) {
          throw new UsageError(`open ${f}: no such file or directory`, { code: 125 });
        }
        return parseKVFile(text, lookup, f);
      }),
      ...list(o.env).map((e) => expandEnvFlag(e, lookup)),
    ];
    return runExec(ctx, {
      container: container!, cmd, user: str(o.user), privileged: o.privileged === true, tty, interactive, detach,
      detachKeys: str(o['detach-keys']) ?? '', env, workdir: str(o.workdir),
    });
  },
};
