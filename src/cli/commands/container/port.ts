/** `pier port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports, docker's lines and order. */
import type { CommandSpec } from '../../spec.js';
import { CliError } from '../../errors.js';
import { naturalLess } from '../volume/ls.js';

/** Go's net.JoinHostPort: "0.0.0.0:8080", "[::]:8080", ":9000". */
function hostAddr(ip: string | undefined, port: string | undefined): string {
  const host = ip ?? '';
  return `${host.includes(':') ? `[${host}]` : host}:${port ?? ''}`;
}

/** The port command. */
export const spec: CommandSpec = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  options: [],
  args: { min: 1, max: 2 },
  run: async (ctx, [name, want]) => {
    const info = await ctx.client().containers.inspect(name!);
    const ports = info.NetworkSettings?.Ports ?? {};
    const out: string[] = [];
    if (want !== undefined) {
      const slash = want.indexOf('/');
      const port = slash < 0 ? want : want.slice(0, slash);
      const proto = slash < 0 || slash === want.length - 1 ? 'tcp' : want.slice(slash + 1);
      if (!/^\d+$/.test(port) || Number(port) > 65535) {
        const why = /^\d+$/.test(port) ? 'value out of range' : 'invalid syntax';
        throw new CliError(`Error: invalid port (${port}): strconv.ParseUint: parsing ${JSON.stringify(port)}: ${why}`);
      }
      const b = ports[`${port}/${proto}`];
      if (!b?.length) throw new CliError(`Error: No public port '${want}' published for ${name}`);
      for (const x of b) out.push(hostAddr(x.HostIp, x.HostPort));
    } else {
      for (const [k, b] of Object.entries(ports)) for (const x of b ?? []) out.push(`${k} -> ${hostAddr(x.HostIp, x.HostPort)}`);
    }
    out.sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0));
    if (out.length) ctx.out(`${out.join('\n')}\n`);
    return 0;
  },
};
