/** `pier version [-f FORMAT]`: client and server sections laid out like docker's template. */
import type { CommandSpec } from '../../spec.js';
import { ConnectError, compareVersions, CLIENT_API_VERSION, type VersionResponse } from '../../../client/index.js';
import { StatusError } from '../../errors.js';
import { executeTemplate } from '../../output.js';
import { CLI_VERSION } from '../../version.js';
import { str } from '../common.js';
import { INSPECT_FORMAT } from '../inspect-common.js';

function clientInfo(apiVersion: string) {
  return {
    Platform: { Name: '' },
    Version: CLI_VERSION,
    ApiVersion: apiVersion,
    DefaultAPIVersion: CLIENT_API_VERSION,
    GoVersion: `node${process.versions.node}`,
    GitCommit: 'pier',
    BuildTime: '',
    Os: process.platform,
    Arch: process.arch === 'x64' ? 'amd64' : process.arch,
    Context: 'default',
  };
}

/** Go's time.ANSIC layout ("Thu May  7 21:09:36 2026") of an RFC 3339 time, in UTC. */
export function ansic(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (!rfc3339 || Number.isNaN(d.getTime())) return rfc3339;
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

function render(c: ReturnType<typeof clientInfo>, s: VersionResponse | undefined): string {
  const lines = ['Client:'];
  const kv = (indent: string, k: string, v: string, w: number) => lines.push(`${indent}${`${k}:`.padEnd(w)}${v}`);
  if (c.Platform.Name) lines[0] = `Client: ${c.Platform.Name}`;
  const api = c.ApiVersion === c.DefaultAPIVersion ? c.ApiVersion : `${c.ApiVersion} (downgraded from ${c.DefaultAPIVersion})`;
  kv(' ', 'Version', c.Version, 19);
  kv(' ', 'API version', api, 19);
  kv(' ', 'Go version', c.GoVersion, 19);
  kv(' ', 'Git commit', c.GitCommit, 19);
  kv(' ', 'Built', c.BuildTime, 19);
  kv(' ', 'OS/Arch', `${c.Os}/${c.Arch}`, 19);
  kv(' ', 'Context', c.Context, 19);
  if (!s) return lines.join('\n') + '\n';
  lines.push('', `Server:${s.Platform?.Name ? ` ${s.Platform.Name}` : ''}`);
  const comps = s.Components ?? [{ Name: 'Engine', Version: s.Version, Details: {} }];
  for (const comp of comps) {
    lines.push(` ${comp.Name}:`);
    if (comp.Name === 'Engine') {
      kv('  ', 'Version', s.Version, 18);
      kv('  ', 'API version', `${s.ApiVersion} (minimum version ${s.MinAPIVersion ?? ''})`, 18);
      kv('  ', 'Go version', s.GoVersion ?? '', 18);
      kv('  ', 'Git commit', s.GitCommit ?? '', 18);
      kv('  ', 'Built', ansic(s.BuildTime ?? ''), 18);
      kv('  ', 'OS/Arch', `${s.Os}/${s.Arch}`, 18);
      kv('  ', 'Experimental', String(s.Experimental ?? false), 18);
    } else {
      kv('  ', 'Version', comp.Version, 18);
      for (const [k, v] of Object.entries(comp.Details ?? {})) kv('  ', k, v, 18);
    }
  }
  return lines.join('\n') + '\n';
}

/** The version command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'Show the Pier version information',
  options: [INSPECT_FORMAT],
  args: { max: 0 },
  run: async (ctx, _a, o) => {
    const client = ctx.client();
    let server: VersionResponse | undefined;
    let err: unknown;
    let api = CLIENT_API_VERSION;
    try {
      api = await client.transport.apiVersion();
      server = await client.system.version();
    } catch (e) {
      err = e;
    }
    const c = clientInfo(compareVersions(api, CLIENT_API_VERSION) < 0 ? api : CLIENT_API_VERSION);
    const format = str(o.format);
    if (format === 'json') ctx.out(`${JSON.stringify({ Client: c, Server: server ?? null })}\n`);
    else if (format) {
      // Templates see docker's Go field names: APIVersion is json "ApiVersion".
      const goNames = <T extends object>(v: T | undefined): T | undefined => {
        if (v && 'ApiVersion' in v) Object.defineProperty(v, 'APIVersion', { value: (v as { ApiVersion: unknown }).ApiVersion, enumerable: false });
        return v;
      };
      ctx.out(`${await executeTemplate(format, { Client: goNames(c), Server: goNames(server) })}\n`);
    }
    else ctx.out(render(c, server));
    if (err) throw new StatusError(1, err instanceof ConnectError ? err.message : `Error response from daemon: ${(err as Error).message}`);
    return 0;
  },
};
