/**
 * Top-level `include:` — other compose projects imported into this one: each entry's files
 * are loaded as a project of their own (own project directory, own `.env`/`env_file`,
 * relative paths resolved there), then their services, networks, volumes, secrets and
 * configs are added to the including model; a resource defined on both sides is merged with
 * the including side winning.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ComposeError } from '../model.js';
import { isObj, stringList } from './convert.js';
import { isFile } from './files.js';
import { parseDotenv } from './dotenv.js';
import { rebaseService } from './extends.js';
import type { Lookup } from './interpolate.js';
import { mergeService } from './merge.js';

/**
 * Loads (parses, interpolates with `lookup`, validates, includes, extends, merges) the compose
 * files of a project whose directory is `workingDir`; `stack` lists the including files.
 */
export type ModelLoader = (files: string[], lookup: Lookup, stack: string[], workingDir: string) => Promise<Record<string, unknown>>;

const RESOURCES = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

/** Relative paths of a loaded model made absolute against `dir`. Never throws. */
function rebaseModel(model: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out = { ...model };
  if (isObj(out.services)) {
    out.services = Object.fromEntries(Object.entries(out.services).map(([n, s]) => [n, isObj(s) ? rebaseService(s, dir) : s]));
  }
  for (const k of ['secrets', 'configs'] as const) {
    if (!isObj(out[k])) continue;
    out[k] = Object.fromEntries(
      Object.entries(out[k]).map(([n, o]) => [n, isObj(o) && typeof o.file === 'string' && !o.file.startsWith('~') ? { ...o, file: path.resolve(dir, o.file) } : o]),
    );
  }
  return out;
}

/**
 * Applies `include:` of `data` (the file `file`, in a project whose directory is
 * `workingDir`). Returns the model without `include`. Throws ComposeError for a missing file
 * or env file and for an include cycle.
 */
export async function applyInclude(
  data: Record<string, unknown>,
  file: string,
  workingDir: string,
  lookup: Lookup,
  stack: string[],
  load: ModelLoader,
): Promise<Record<string, unknown>> {
  if (!Array.isArray(data.include)) return data;
  let model: Record<string, unknown> = { ...data };
  delete model.include;
  for (const entry of data.include) {
    const e: Record<string, unknown> = isObj(entry) ? entry : { path: entry };
    const paths = stringList(e.path).map((p) => path.resolve(path.dirname(file), p));
    if (paths.length === 0) continue;
    const projectDir = e.project_directory !== undefined ? path.resolve(workingDir, String(e.project_directory)) : path.dirname(paths[0]!);
    if (stack.includes(paths[0]!)) {
      const chain = [...stack, paths[0]!];
      throw new ComposeError(`include cycle detected:\n${chain[0]}\n include ${chain.slice(1).join('\n include ')}`, { file });
    }
    const envFiles = e.env_file !== undefined ? stringList(e.env_file).filter((f) => f !== '/dev/null').map((f) => path.resolve(workingDir, f)) : [path.join(projectDir, '.env')].filter(isFile);
    const fromFiles: Record<string, string> = {};
    for (const f of envFiles) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        throw new ComposeError(`stat ${f}: no such file or directory`, { file });
      }
      Object.assign(fromFiles, parseDotenv(text, (n) => lookup(n) ?? fromFiles[n]));
    }
    const inner: Lookup = (n) => (Object.hasOwn(fromFiles, n) ? fromFiles[n] : lookup(n));
    const imported = rebaseModel(await load(paths, inner, [...stack, paths[0]!], projectDir), projectDir);
    model = importResources(imported, model);
  }
  return model;
}

function importResources(source: Record<string, unknown>, target: Record<string, unknown>): Record<string, unknown> {
  const out = { ...target };
  for (const key of RESOURCES) {
    const from = source[key];
    if (!isObj(from)) continue;
    const to: Record<string, unknown> = isObj(out[key]) ? { ...out[key] } : {};
    for (const [name, value] of Object.entries(from)) {
      const existing = to[name];
      if (existing === undefined) to[name] = value;
      else if (isObj(existing) && isObj(value)) to[name] = mergeService(value, existing);
    }
    out[key] = to;
  }
  return out;
}
