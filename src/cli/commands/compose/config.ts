/**
 * `pier compose config`: the normalised project (YAML or JSON, from the loader's
 * toConfigOutput), or `--services`, `--volumes`, `--images`, `--profiles`, `--hash`, `-q`.
 */
import { writeFile } from 'node:fs/promises';
import { toConfigOutput } from '../../../compose/config-output.js';
import { loadProject } from '../../../compose/loader/index.js';
import { hashOf, serviceImage } from '../../../compose/engine/index.js';
import { UsageError } from '../../errors.js';
import { str } from '../common.js';
import type { SubSpec } from './types.js';

/** The config subcommand. */
export const sub: SubSpec = {
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Parse, resolve and render compose file in canonical format',
  options: [
    { long: 'format', kind: 'string', description: 'Format the output. Values: [yaml | json]', helpDefault: '"yaml"' },
    { long: 'hash', kind: 'string', description: 'Print the service config hash, one per line.' },
    { long: 'images', kind: 'bool', description: 'Print the image names, one per line.' },
    { long: 'no-interpolate', kind: 'bool', description: "Don't interpolate environment variables" },
    { long: 'output', short: 'o', kind: 'string', description: 'Save to file (default to stdout)' },
    { long: 'profiles', kind: 'bool', description: 'Print the profile names, one per line.' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only validate the configuration, don\'t print anything' },
    { long: 'services', kind: 'bool', description: 'Print the service names, one per line.' },
    { long: 'volumes', kind: 'bool', description: 'Print the volume names, one per line.' },
  ],
  run: async (c, args, o) => {
    const format = str(o.format) ?? 'yaml';
    if (format !== 'yaml' && format !== 'json') throw new UsageError(`unsupported format "${format}"`, { code: 1 });
    const g = c.globals;
    const project = o['no-interpolate'] === true
      ? await loadProject({ files: g.files, projectDirectory: g.projectDirectory, projectName: g.projectName, profiles: g.profiles, envFiles: g.envFiles, cwd: process.cwd(), env: c.ctx.env, noInterpolate: true })
      : await c.project();
    if (o.quiet === true) return 0;
    const lines = (xs: string[]) => xs.map((x) => `${x}\n`).join('');
    const names = args.length ? args : Object.keys(project.services).sort();
    let text: string;
    if (o.services === true) text = lines(names);
    else if (o.volumes === true) text = lines(Object.keys(project.volumes).sort());
    else if (o.profiles === true) text = lines([...new Set([...Object.values(project.services), ...Object.values(project.disabledServices)].flatMap((s) => s.profiles ?? []))].sort());
    else if (o.images === true) text = lines(names.map((n) => serviceImage(project, project.services[n]!, g.compatibility)));
    else if (o.hash !== undefined) {
      const want = str(o.hash) === '*' ? Object.keys(project.services) : str(o.hash)!.split(',');
      text = lines(want.filter((n) => project.services[n]).map((n) => `${n} ${hashOf(c.engine({ quiet: true }), project.services[n]!)}`));
    } else {
      const shown = args.length ? { ...project, services: Object.fromEntries(args.map((n) => [n, project.services[n]!]).filter(([, s]) => s)) } : project;
      text = toConfigOutput(shown, { format });
      if (!text.endsWith('\n')) text += '\n';
    }
    const out = str(o.output);
    if (out) await writeFile(out, text);
    else c.ctx.out(text);
    return 0;
  },
};
