/**
 * Legacy `--link` on the default bridge (pure): the environment variables Docker gives the
 * linking container (`ALIAS_PORT_80_TCP=tcp://ip:80`, `_ADDR`, `_PORT`, `_PROTO`,
 * `ALIAS_PORT`, `ALIAS_NAME`, `ALIAS_ENV_X`) and its /etc/hosts line for the linked one.
 */

/** One resolved link: the child's address and what the env/hosts need of it. */
export interface ResolvedLink {
  /** The link's alias (last path element of "/parent/alias"). */
  alias: string;
  /** "/parent/alias". */
  fullName: string;
  /** Child container name without "/". */
  childName: string;
  childHostname: string;
  childIp: string;
  /** Child Config.Env. */
  childEnv: readonly string[];
  /** Child Config.ExposedPorts keys ("80/tcp"). */
  childPorts: readonly string[];
}

/** Ports "80/tcp" sorted by number, then protocol (tcp first). */
function sortPorts(ports: readonly string[]): { port: number; proto: string }[] {
  return ports
    .map((p) => {
      const [num, proto] = p.split('/');
      return { port: Number((num ?? '').split('-')[0]), proto: (proto ?? 'tcp').toLowerCase() };
    })
    .filter((p) => Number.isInteger(p.port) && p.port > 0)
    .sort((a, b) => a.port - b.port || (a.proto === b.proto ? 0 : a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : a.proto < b.proto ? -1 : 1));
}

/** The environment variables one link adds (moby's links.ToEnv shape, without port ranges). */
export function linkEnv(l: ResolvedLink): string[] {
  const prefix = l.alias.toUpperCase().replace(/-/g, '_');
  const env: string[] = [];
  const ports = sortPorts(l.childPorts);
  if (ports.length > 0) {
    const first = ports[0]!;
    env.push(`${prefix}_PORT=${first.proto}://${l.childIp}:${first.port}`);
  }
  for (const p of ports) {
    const key = `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    env.push(`${key}=${p.proto}://${l.childIp}:${p.port}`, `${key}_ADDR=${l.childIp}`, `${key}_PORT=${p.port}`, `${key}_PROTO=${p.proto}`);
  }
  env.push(`${prefix}_NAME=${l.fullName}`);
  for (const e of l.childEnv) {
    const eq = e.indexOf('=');
    if (eq <= 0) continue;
    const name = e.slice(0, eq);
    if (name === 'HOME' || name === 'PATH') continue;
    env.push(`${prefix}_ENV_${name}=${e.slice(eq + 1)}`);
  }
  return env;
}

/** The /etc/hosts line of a link: `ip\talias hostname [name]` (the name only when it differs from the alias). */
export function linkHostsLine(l: ResolvedLink): string {
  const names = [l.alias, l.childHostname];
  if (l.alias !== l.childName) names.push(l.childName);
  return `${l.childIp}\t${[...new Set(names.filter(Boolean))].join(' ')}`;
}
