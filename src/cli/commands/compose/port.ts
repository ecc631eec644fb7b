/** `pier compose port SERVICE PRIVATE_PORT`: the public address of a port binding. */
import { listProjectContainers } from '../../../compose/engine/index.js';
import { ComposeError } from '../../../compose/model.js';
import { str } from '../common.js';
import type { SubSpec } from './types.js';

/** The port subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] SERVICE PRIVATE_PORT',
  description: 'Print the public port for a port binding',
  options: [
    { long: 'index', kind: 'int', description: 'Index of the container if service has multiple replicas', helpDefault: '1' },
    { long: 'protocol', kind: 'string', description: 'tcp or udp', helpDefault: '"tcp"' },
  ],
  args: { exact: 2 },
  run: async (c, [service, port], o) => {
    const project = await c.projectOrName();
    const index = typeof o.index === 'number' ? o.index : 1;
    const proto = str(o.protocol) ?? 'tcp';
    const cs = await listProjectContainers(c.ctx.client(), project.name, { service });
    const target = cs.find((x) => x.number === index);
    if (!target) throw new ComposeError(`service "${service}" is not running`);
    const p = (target.summary.Ports ?? []).find((x) => String(x.PrivatePort) === port && x.Type === proto && x.PublicPort);
    if (!p) throw new ComposeError(`no port ${port}/${proto} for container ${target.name}: ${(target.summary.Ports ?? []).map((x) => `${x.IP ?? ''}:${x.PublicPort ?? ''}->${x.PrivatePort}/${x.Type}`).join(', ')}`);
    c.ctx.out(`${p.IP ?? '0.0.0.0'}:${p.PublicPort}\n`);
    return 0;
  },
};
