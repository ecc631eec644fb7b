/** `pier info [-f FORMAT]`: docker's layout for the fields the daemon reports. */
import type { CommandSpec } from '../../spec.js';
import { executeTemplate } from '../../output.js';
import { bytesSize } from '../../../lib/units.js';
import { CLI_VERSION } from '../../version.js';
import { str } from '../common.js';
import { INSPECT_FORMAT } from '../inspect-common.js';

type Info = Record<string, unknown>;

/** Renders /info like docker's human output (server part). */
export function renderInfo(i: Info, debug: boolean): string {
  const L: string[] = ['Client:', ` Version:    ${CLI_VERSION}`, ' Context:    default', ` Debug Mode: ${debug}`, '', 'Server:'];
  const add = (k: string, v: unknown, ind = ' ') => {
    if (v !== undefined && v !== null) L.push(`${ind}${k}: ${String(v)}`);
  };
  add('Containers', i.Containers);
  add('Running', i.ContainersRunning, '  ');
  add('Paused', i.ContainersPaused, '  ');
  add('Stopped', i.ContainersStopped, '  ');
  add('Images', i.Images);
  add('Server Version', i.ServerVersion);
  add('Storage Driver', i.Driver);
  for (const [k, v] of (i.DriverStatus as [string, string][] | null) ?? []) L.push(`  ${k}: ${v}`);
  add('Logging Driver', i.LoggingDriver);
  add('Cgroup Driver', i.CgroupDriver);
  add('Cgroup Version', i.CgroupVersion);
  const p = i.Plugins as Record<string, string[] | null> | undefined;
  if (p) {
    L.push(' Plugins:');
    if (p.Volume) L.push(`  Volume: ${p.Volume.join(' ')}`);
    if (p.Network) L.push(`  Network: ${p.Network.join(' ')}`);
    if (p.Log) L.push(`  Log: ${p.Log.join(' ')}`);
  }
  const swarm = i.Swarm as { LocalNodeState?: string } | undefined;
  add('Swarm', swarm?.LocalNodeState || 'inactive');
  const rt = i.Runtimes as Record<string, unknown> | undefined;
  if (rt) add('Runtimes', Object.keys(rt).join(' '));
  add('Default Runtime', i.DefaultRuntime);
  add('Init Binary', i.InitBinary);
  const commit = (k: string) => (i[k] as { ID?: string } | undefined)?.ID;
  if (i.ContainerdCommit) L.push(` containerd version: ${commit('ContainerdCommit') ?? ''}`);
  if (i.RuncCommit) L.push(` runc version: ${commit('RuncCommit') ?? ''}`);
  if (i.InitCommit) L.push(` init version: ${commit('InitCommit') ?? ''}`);
  const so = (i.SecurityOptions as string[] | null) ?? [];
  if (so.length) {
    L.push(' Security Options:');
    for (const s of so) {
      const kv = Object.fromEntries(s.split(',').map((x) => x.split('=') as [string, string]));
      L.push(`  ${kv.name ?? s}`);
      if (kv.profile) L.push(`   Profile: ${kv.profile}`);
    }
  }
  add('Kernel Version', i.KernelVersion);
  add('Operating System', i.OperatingSystem);
  add('OSType', i.OSType);
  add('Architecture', i.Architecture);
  add('CPUs', i.NCPU);
  if (typeof i.MemTotal === 'number') add('Total Memory', bytesSize(i.MemTotal));
  add('Name', i.Name);
  add('ID', i.ID);
  add('Docker Root Dir', i.DockerRootDir);
  add('Debug Mode', i.Debug);
  const labels = (i.Labels as string[] | null) ?? [];
  if (labels.length) L.push(' Labels:', ...labels.map((l) => `  ${l}`));
  add('Experimental', i.ExperimentalBuild);
  const reg = i.RegistryConfig as { InsecureRegistryCIDRs?: string[] } | undefined;
  if (reg?.InsecureRegistryCIDRs?.length) L.push(' Insecure Registries:', ...reg.InsecureRegistryCIDRs.map((c) => `  ${c}`));
  add('Live Restore Enabled', i.LiveRestoreEnabled);
  const warnings = (i.Warnings as string[] | null) ?? [];
  return `${L.join('\n')}\n\n${warnings.map((w) => `${w}\n`).join('')}`;
}

/** The info command. */
export const spec: CommandSpec = {
  usage: '[OPTIONS]',
  description: 'Display system-wide information',
  options: [INSPECT_FORMAT],
  args: { max: 0 },
  run: async (ctx, _a, o) => {
    const info = await ctx.client().system.info();
    const format = str(o.format);
    if (format === 'json') ctx.out(`${JSON.stringify(info)}\n`);
    else if (format) ctx.out(`${await executeTemplate(format, info)}\n`);
    else ctx.out(renderInfo(info, ctx.globals.debug));
    return 0;
  },
};
