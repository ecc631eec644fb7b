/**
 * The table of `pier` commands: management groups, verbs, their aliases and top-level short
 * forms, one-line descriptions, and a lazy loader per command (dynamic import, so that
 * `pier --version` does not evaluate every command module).
 */
import type { CommandSpec } from './spec.js';

/** A management group ("container", "image", "system"). */
export interface GroupEntry {
  name: string;
  description: string;
}

/** One command of the table. */
export interface CommandEntry {
  /** Management group, or undefined for top-level-only commands (version). */
  group?: string;
  /** Name inside the group (or top-level name when no group). */
  name: string;
  /** Other names inside the group ("list", "ps" for "ls"). */
  aliases: string[];
  /** Top-level short forms ("ps" for container ls, "rmi" for image rm). */
  top: string[];
  description: string;
  load: () => Promise<{ spec: CommandSpec }>;
}

/** The management groups. */
export const GROUPS: readonly GroupEntry[] = [
  { name: 'container', description: 'Manage containers' },
  { name: 'image', description: 'Manage images' },
  { name: 'network', description: 'Manage networks' },
  { name: 'system', description: 'Manage Pier' },
  { name: 'volume', description: 'Manage volumes' },
];

const c = (name: string, top: string[], description: string, load: CommandEntry['load'], aliases: string[] = []): CommandEntry => ({ group: 'container', name, aliases, top, description, load });
const i = (name: string, top: string[], description: string, load: CommandEntry['load'], aliases: string[] = []): CommandEntry => ({ group: 'image', name, aliases, top, description, load });
const v = (name: string, description: string, load: CommandEntry['load'], aliases: string[] = []): CommandEntry => ({ group: 'volume', name, aliases, top: [], description, load });
const s = (name: string, top: string[], description: string, load: CommandEntry['load'], aliases: string[] = []): CommandEntry => ({ group: 'system', name, aliases, top, description, load });

const n = (name: string, description: string, load: CommandEntry['load'], aliases: string[] = []): CommandEntry => ({ group: 'network', name, aliases, top: [], description, load });

/** Every command. */
export const COMMANDS: readonly CommandEntry[] = [
  c('attach', ['attach'], 'Attach local standard input, output, and error streams to a running container', () => import('./commands/container/attach.js')),
  c('commit', ['commit'], "Create a new image from a container's changes", () => import('./commands/container/commit.js')),
  c('cp', ['cp'], 'Copy files/folders between a container and the local filesystem', () => import('./commands/container/cp.js')),
  c('create', ['create'], 'Create a new container', () => import('./commands/container/create.js')),
  c('diff', ['diff'], "Inspect changes to files or directories on a container's filesystem", () => import('./commands/container/diff.js')),
  c('exec', ['exec'], 'Execute a command in a running container', () => import('./commands/container/exec.js')),
  c('export', ['export'], "Export a container's filesystem as a tar archive", () => import('./commands/container/export.js')),
  c('inspect', [], 'Display detailed information on one or more containers', () => import('./commands/container/inspect.js')),
  c('kill', ['kill'], 'Kill one or more running containers', () => import('./commands/container/kill.js')),
  c('logs', ['logs'], 'Fetch the logs of a container', () => import('./commands/container/logs.js')),
  c('ls', ['ps'], 'List containers', () => import('./commands/container/ls.js'), ['list', 'ps']),
  c('pause', ['pause'], 'Pause all processes within one or more containers', () => import('./commands/container/pause.js')),
  c('port', ['port'], 'List port mappings or a specific mapping for the container', () => import('./commands/container/port.js')),
  c('prune', [], 'Remove all stopped containers', () => import('./commands/container/prune.js')),
  c('rename', ['rename'], 'Rename a container', () => import('./commands/container/rename.js')),
  c('restart', ['restart'], 'Restart one or more containers', () => import('./commands/container/restart.js')),
  c('rm', ['rm'], 'Remove one or more containers', () => import('./commands/container/rm.js'), ['remove']),
  c('run', ['run'], 'Create and run a new container from an image', () => import('./commands/container/run.js')),
  c('start', ['start'], 'Start one or more stopped containers', () => import('./commands/container/start.js')),
  c('stop', ['stop'], 'Stop one or more running containers', () => import('./commands/container/stop.js')),
  c('stats', ['stats'], 'Display a live stream of container(s) resource usage statistics', () => import('./commands/container/stats.js')),
  c('top', ['top'], 'Display the running processes of a container', () => import('./commands/container/top.js')),
  c('unpause', ['unpause'], 'Unpause all processes within one or more containers', () => import('./commands/container/unpause.js')),
  c('update', ['update'], 'Update configuration of one or more containers', () => import('./commands/container/update.js')),
  c('wait', ['wait'], 'Block until one or more containers stop, then print their exit codes', () => import('./commands/container/wait.js')),
  i('build', ['build'], 'Build an image from a Dockerfile', () => import('./commands/image/build.js')),
  i('history', ['history'], 'Show the history of an image', () => import('./commands/image/history.js')),
  i('import', ['import'], 'Import the contents from a tarball to create a filesystem image', () => import('./commands/image/import.js')),
  i('inspect', [], 'Display detailed information on one or more images', () => import('./commands/image/inspect.js')),
  i('load', ['load'], 'Load an image from a tar archive or STDIN', () => import('./commands/image/load.js')),
  i('ls', ['images'], 'List images', () => import('./commands/image/ls.js'), ['list']),
  i('prune', [], 'Remove unused images', () => import('./commands/image/prune.js')),
  i('pull', ['pull'], 'Download an image from a registry', () => import('./commands/image/pull.js')),
  i('push', ['push'], 'Upload an image to a registry', () => import('./commands/image/push.js')),
  i('rm', ['rmi'], 'Remove one or more images', () => import('./commands/image/rm.js'), ['remove']),
  i('save', ['save'], 'Save one or more images to a tar archive (streamed to STDOUT by default)', () => import('./commands/image/save.js')),
  i('tag', ['tag'], 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', () => import('./commands/image/tag.js')),
  n('connect', 'Connect a container to a network', () => import('./commands/network/connect.js')),
  n('create', 'Create a network', () => import('./commands/network/create.js')),
  n('disconnect', 'Disconnect a container from a network', () => import('./commands/network/disconnect.js')),
  n('inspect', 'Display detailed information on one or more networks', () => import('./commands/network/inspect.js')),
  n('ls', 'List networks', () => import('./commands/network/ls.js'), ['list']),
  n('prune', 'Remove all unused networks', () => import('./commands/network/prune.js')),
  n('rm', 'Remove one or more networks', () => import('./commands/network/rm.js'), ['remove']),
  s('df', [], 'Show pier disk usage', () => import('./commands/system/df.js')),
  s('events', ['events'], 'Get real time events from the server', () => import('./commands/system/events.js')),
  s('info', ['info'], 'Display system-wide information', () => import('./commands/system/info.js')),
  s('prune', [], 'Remove unused data', () => import('./commands/system/prune.js')),
  v('create', 'Create a volume', () => import('./commands/volume/create.js')),
  v('inspect', 'Display detailed information on one or more volumes', () => import('./commands/volume/inspect.js')),
  v('ls', 'List volumes', () => import('./commands/volume/ls.js'), ['list']),
  v('prune', 'Remove unused local volumes', () => import('./commands/volume/prune.js')),
  v('rm', 'Remove one or more volumes', () => import('./commands/volume/rm.js'), ['remove']),
  { name: 'inspect', aliases: [], top: ['inspect'], description: 'Return low-level information on Pier objects', load: () => import('./commands/system/inspect.js') },
  { name: 'version', aliases: [], top: ['version'], description: 'Show the Pier version information', load: () => import('./commands/system/version.js') },
  { name: 'login', aliases: [], top: ['login'], description: 'Authenticate to a registry', load: () => import('./commands/system/login.js') },
  { name: 'logout', aliases: [], top: ['logout'], description: 'Log out from a registry', load: () => import('./commands/system/logout.js') },
  { name: 'search', aliases: [], top: ['search'], description: 'Search Docker Hub for images', load: () => import('./commands/system/search.js') },
  { name: 'registry', aliases: [], top: ['registry'], description: 'Run a private image registry', load: () => import('./commands/registry.js') },
  { name: 'compose', aliases: [], top: ['compose'], description: 'Docker Compose', load: () => import('./commands/compose/compose.js') },
];

/** Finds a top-level command by name ("ps", "rmi", "version"). */
export function findTop(name: string): CommandEntry | undefined {
  return COMMANDS.find((e) => e.top.includes(name));
}

/** Finds a command inside a group by its name or alias. */
export function findInGroup(group: string, name: string): CommandEntry | undefined {
  return COMMANDS.find((e) => e.group === group && (e.name === name || e.aliases.includes(name)));
}

/** All names a command answers to, as docker lists them under "Aliases:". */
export function aliasesOf(prog: string, e: CommandEntry): string[] {
  const inGroup = e.group ? [e.name, ...e.aliases].map((n) => `${prog} ${e.group} ${n}`) : [];
  return [...inGroup, ...e.top.map((t) => `${prog} ${t}`)];
}
