/** The `pier compose` subcommands: name, one-line description, lazy loader. */
import type { SubEntry } from './types.js';

const e = (name: string, description: string, load: SubEntry['load']): SubEntry => ({ name, description, load });

/** Every subcommand, in help order. */
export const SUBCOMMANDS: readonly SubEntry[] = [
  e('attach', "Attach local standard input, output, and error streams to a service's running container", () => import('./delegate.js').then((m) => ({ sub: m.attachSub }))),
  e('build', 'Build or rebuild services', () => import('./build.js')),
  e('commit', "Create a new image from a service container's changes", () => import('./delegate.js').then((m) => ({ sub: m.commitSub }))),
  e('config', 'Parse, resolve and render compose file in canonical format', () => import('./config.js')),
  e('cp', 'Copy files/folders between a service container and the local filesystem', () => import('./delegate.js').then((m) => ({ sub: m.cpSub }))),
  e('create', 'Creates containers for a service', () => import('./up.js').then((m) => ({ sub: m.createSub }))),
  e('down', 'Stop and remove containers, networks', () => import('./down.js')),
  e('events', 'Receive real time events from containers', () => import('./events.js')),
  e('exec', 'Execute a command in a running container', () => import('./exec.js')),
  e('export', "Export a service container's filesystem as a tar archive", () => import('./delegate.js').then((m) => ({ sub: m.exportSub }))),
  e('images', 'List images used by the created containers', () => import('./images.js')),
  e('kill', 'Force stop service containers', () => import('./lifecycle.js').then((m) => ({ sub: m.killSub }))),
  e('logs', 'View output from containers', () => import('./logs.js')),
  e('ls', 'List running compose projects', () => import('./ls.js')),
  e('pause', 'Pause services', () => import('./lifecycle.js').then((m) => ({ sub: m.pauseSub }))),
  e('port', 'Print the public port for a port binding', () => import('./port.js')),
  e('ps', 'List containers', () => import('./ps.js')),
  e('pull', 'Pull service images', () => import('./build.js').then((m) => ({ sub: m.pullSub }))),
  e('push', 'Push service images', () => import('./build.js').then((m) => ({ sub: m.pushSub }))),
  e('restart', 'Restart service containers', () => import('./lifecycle.js').then((m) => ({ sub: m.restartSub }))),
  e('rm', 'Removes stopped service containers', () => import('./lifecycle.js').then((m) => ({ sub: m.rmSub }))),
  e('run', 'Run a one-off command on a service', () => import('./run.js')),
  e('scale', 'Scale services ', () => import('./scale.js')),
  e('start', 'Start services', () => import('./lifecycle.js').then((m) => ({ sub: m.startSub }))),
  e('stats', 'Display a live stream of container(s) resource usage statistics', () => import('./delegate.js').then((m) => ({ sub: m.statsSub }))),
  e('stop', 'Stop services', () => import('./lifecycle.js').then((m) => ({ sub: m.stopSub }))),
  e('top', 'Display the running processes', () => import('./top.js')),
  e('unpause', 'Unpause services', () => import('./lifecycle.js').then((m) => ({ sub: m.unpauseSub }))),
  e('up', 'Create and start containers', () => import('./up.js')),
  e('version', 'Show the Docker Compose version information', () => import('./version.js')),
  e('volumes', 'List volumes', () => import('./volumes.js')),
  e('wait', 'Block until containers of all (or specified) services stop.', () => import('./delegate.js').then((m) => ({ sub: m.waitSub }))),
];

/** Finds a subcommand by name. */
export function findSub(name: string): SubEntry | undefined {
  return SUBCOMMANDS.find((s) => s.name === name);
}
