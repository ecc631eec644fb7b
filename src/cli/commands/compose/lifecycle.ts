/** `pier compose start|stop|restart|kill|pause|unpause|rm` over the project's containers. */
import { kill, pause, removable, restart, rm, start, stop } from '../../../compose/engine/index.js';
import { confirm, str } from '../common.js';
import type { OptSpec, ParsedOpts } from '../../spec.js';
import type { SubSpec } from './types.js';

const TIMEOUT: OptSpec = { long: 'timeout', short: 't', kind: 'int', description: 'Specify a shutdown timeout in seconds' };
const timeoutOf = (o: ParsedOpts) => (typeof o.timeout === 'number' ? o.timeout : undefined);

/** start. */
export const startSub: SubSpec = {
  usage: '[SERVICE...]',
  description: 'Start services',
  options: [{ long: 'wait', kind: 'bool', description: 'Wait for services to be running|healthy. Implies detached mode.' }, { long: 'wait-timeout', kind: 'int', description: 'Maximum duration in seconds to wait for the project to be running|healthy' }],
  run: async (c, args) => {
    await start(c.engine(), await c.projectOrName(), args);
    return 0;
  },
};

/** stop. */
export const stopSub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Stop services',
  options: [TIMEOUT],
  run: async (c, args, o) => {
    await stop(c.engine(), await c.projectOrName(), args, timeoutOf(o));
    return 0;
  },
};

/** restart. */
export const restartSub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Restart service containers',
  options: [{ long: 'no-deps', kind: 'bool', description: "Don't restart dependent services" }, TIMEOUT],
  run: async (c, args, o) => {
    await restart(c.engine(), await c.projectOrName(), args, timeoutOf(o));
    return 0;
  },
};

/** kill. */
export const killSub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Force stop service containers',
  options: [
    { long: 'remove-orphans', kind: 'bool', description: 'Remove containers for services not defined in the Compose file' },
    { long: 'signal', short: 's', kind: 'string', description: 'SIGNAL to send to the container', helpDefault: '"SIGKILL"' },
  ],
  run: async (c, args, o) => {
    await kill(c.engine(), await c.projectOrName(), args, str(o.signal));
    return 0;
  },
};

/** pause. */
export const pauseSub: SubSpec = {
  usage: '[SERVICE...]',
  description: 'Pause services',
  options: [],
  run: async (c, args) => {
    await pause(c.engine(), await c.projectOrName(), args);
    return 0;
  },
};

/** unpause. */
export const unpauseSub: SubSpec = {
  usage: '[SERVICE...]',
  description: 'Unpause services',
  options: [],
  run: async (c, args) => {
    await pause(c.engine(), await c.projectOrName(), args, true);
    return 0;
  },
};

/** rm. */
export const rmSub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Removes stopped service containers',
  options: [
    { long: 'force', short: 'f', kind: 'bool', description: "Don't ask to confirm removal" },
    { long: 'stop', short: 's', kind: 'bool', description: 'Stop the containers, if required, before removing' },
    { long: 'volumes', short: 'v', kind: 'bool', description: 'Remove any anonymous volumes attached to containers' },
  ],
  run: async (c, args, o) => {
    const engine = c.engine();
    const project = await c.projectOrName();
    const cs = await removable(engine, project, args, o.stop === true);
    if (!cs.length) {
      c.ctx.err('No stopped containers\n');
      return 0;
    }
    if (o.force !== true) {
      c.ctx.out(`Going to remove ${cs.map((x) => x.name).join(', ')}\n`);
      if (!(await confirm(c.ctx, 'Are you sure?'))) return 0;
    }
    await rm(engine, cs, { stopFirst: o.stop === true, volumes: o.volumes === true });
    return 0;
  },
};
