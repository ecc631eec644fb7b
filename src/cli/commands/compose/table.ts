/** The `pier compose` subcommands: name, one-line description, lazy loader. */
import type { SubEntry } from './types.js';

const e = (name: string, description: string, load: SubEntry['load']): SubEntry => ({ name, description, load });

/** Every subcommand, in help order. */
export const SUBCOMMANDS: readonly SubEntry[] = [
  e('build', 'Build or rebuild services', () => import('./build.js')),
  e('config', 'Parse, resolve and render compose file in canonical format', () => import('./config.js')),
  e('create', 'Creates containers for a service', () => import('./up.js').then((m) => ({ sub: m.createSub }))),
  e('down', 'Stop and remove containers, networks', () => import('./down.js')),
  e('events', 'Receive real time events from containers', () => import('./events.js')),
  e('exec', 'Execute a command in a running container', () => import('./exec.js')),
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
  e('stop', 'Stop services', () => import('./lifecycle.js').then((m) => ({ sub: m.stopSub }))),
  e('top', 'Display the running processes', () => import('./top.js')),
  e('unpause', 'Unpause services', () => import('./lifecycle.js').then((m) => ({ sub: m.unpauseSub }))),
  e('up', 'Create and start containers', () => import('./up.js')),
  e('version', 'Show the Docker Compose version information', () => import('./version.js')),
  e('volumes', 'List volumes', () => import('./volumes.js')),
];

/** Finds a subcommand by name. */
export function findSub(name: string): SubEntry | undefined {
  return SUBCOMMANDS.find((s) => s.name === name);
}
