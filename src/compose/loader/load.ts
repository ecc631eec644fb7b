/**
 * `loadProject`: files → environment → parse → interpolate → validate → extends → merge →
 * normalise → profiles → reference checks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadOptions, Project, ServiceConfig } from '../model.js';
import { ComposeError } from '../model.js';
import { isObj } from './convert.js';
import { parseDotenv } from './dotenv.js';
import { resolveExtends } from './extends.js';
import { applyInclude } from './include.js';
import type { Lookup } from './interpolate.js';
import { checkProjectName, discoverFiles, isFile, normalizeProjectName } from './files.js';
import { applyProfiles } from './graph.js';
import { interpolateTree } from './interpolate-tree.js';
import { mergeFiles } from './merge.js';
import { checkReferences } from './references.js';
import { validateCompose } from './schema.js';
import { normalizeService } from './service.js';
import { normalizeFileObjects, normalizeNetworks, normalizeVolumesTop } from './top-level.js';
import { parseComposeYaml, type ParsedFile } from './yaml-source.js';

/** `LoadOptions` plus what only the loader needs. */
export interface LoaderOptions extends LoadOptions {
  /** Services named on the command line: enabled even when their profiles are not active. */
  services?: string[];
  /** Hears warnings (unset variables, obsolete `version`, several default files). */
  warn?: (message: string) => void;
}

function fsWhy(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message;
}

/** Compose files are small: synchronous reads are several times faster than fs/promises here. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const op = (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'read' : 'open';
    throw new ComposeError(`${op} ${file}: ${fsWhy(e)}`, { file });
  }
}

/** The files to load, absolute ("-" kept). Throws ComposeError when none is found. */
function composeFiles(opts: LoaderOptions, warn: (m: string) => void): string[] {
  if (opts.files.length > 0) return opts.files.map((f) => (f === '-' ? f : path.resolve(opts.cwd, f)));
  const start = opts.projectDirectory ? path.resolve(opts.cwd, opts.projectDirectory) : opts.cwd;
  // COMPOSE_FILE from the environment, else from the .env of the (given or current) directory
  let vars: Record<string, string | undefined> = opts.env;
  if (!vars.COMPOSE_FILE && opts.envFiles.length === 0 && isFile(path.join(start, '.env'))) {
    try {
      vars = { ...parseDotenv(readFileSync(path.join(start, '.env'), 'utf8'), (n) => opts.env[n]), ...opts.env };
    } catch {
      // a broken .env is reported when the environment is read
    }
  }
  const fromEnv = vars.COMPOSE_FILE;
  if (fromEnv) {
    const sep = vars.COMPOSE_PATH_SEPARATOR || ':';
    const base = vars === opts.env ? opts.cwd : start;
    return fromEnv.split(sep).filter(Boolean).map((f) => path.resolve(base, f));
  }
  return discoverFiles(start, warn);
}

/** Reads the env files into one mapping (later files win). Throws ComposeError. */
function envFileValues(opts: LoaderOptions, projectDir: string, base: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const lookup = (n: string) => base[n] ?? out[n];
  const files = opts.envFiles.length > 0 ? opts.envFiles.map((f) => path.resolve(opts.cwd, f)) : [path.join(projectDir, '.env')];
  for (const f of files) {
    if (opts.envFiles.length === 0 && !isFile(f)) continue;
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new ComposeError(`couldn't find env file: ${f}`, { file: f });
    }
    try {
      Object.assign(out, parseDotenv(text, lookup));
    } catch (e) {
      throw new ComposeError(`failed to read ${f}: ${(e as Error).message}`, { file: f });
    }
  }
  return out;
}

/**
 * Loads, checks and normalises a compose project (see `LoadOptions`). Throws ComposeError for
 * every user error, with Docker Compose's wording and the file/line where known.
 */
export async function loadProject(opts: LoaderOptions): Promise<Project> {
  const warned = new Set<string>();
  const warn = (m: string) => {
    if (warned.has(m)) return;
    warned.add(m);
    opts.warn?.(m);
  };
  const files = composeFiles(opts, warn);
  const firstReal = files.find((f) => f !== '-');
  const workingDir = opts.projectDirectory ? path.resolve(opts.cwd, opts.projectDirectory) : firstReal ? path.dirname(firstReal) : path.resolve(opts.cwd);
  const processEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) processEnv[k] = v;
  const environment = { ...envFileValues(opts, workingDir, processEnv), ...processEnv };
  const lookup = (n: string) => (Object.hasOwn(environment, n) ? environment[n] : undefined);
  const onUnset = (n: string) => warn(`The "${n}" variable is not set. Defaulting to a blank string.`);

  const prepare = (file: string, text: string, look: Lookup): { parsed: ParsedFile; data: Record<string, unknown> } => {
    const parsed = parseComposeYaml(text, file);
    const data = interpolateTree(parsed.data, { lookup: look, onUnset, noInterpolate: opts.noInterpolate, positionOf: parsed.positionOf, file }) as Record<string, unknown>;
    const violation = opts.noInterpolate ? undefined : validateCompose(data);
    if (violation) {
      const pos = parsed.positionOf(violation.path);
      throw new ComposeError(`validating ${file}: ${violation.message}${pos ? ` (line ${pos.line})` : ''}`, {
        file,
        path: violation.path.join('.'),
        line: pos?.line,
        column: pos?.column,
      });
    }
    if (data.version !== undefined) warn(`${file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
    return { parsed, data };
  };

  // Parsed top-level files, for the positions of errors found after merging.
  const parsedFiles: ParsedFile[] = [];
  const loadModel = async (list: string[], look: Lookup, stack: string[], dir: string): Promise<Record<string, unknown>> => {
    const top = stack.length === 0;
    const cache = new Map<string, Record<string, unknown>>();
    const loadOther = async (file: string): Promise<Record<string, unknown>> => {
      const hit = cache.get(file);
      if (hit) return hit;
      const { data } = prepare(file, readText(file), look);
      cache.set(file, data);
      return data;
    };
    let model: Record<string, unknown> = {};
    for (const [i, file] of list.entries()) {
      const text = file === '-' ? await (opts.readStdin ?? (() => Promise.reject(new ComposeError('reading stdin is not supported here'))))() : readText(file);
      const { parsed, data } = prepare(file, text, look);
      if (top) parsedFiles.push(parsed);
      const abs = file === '-' ? path.join(dir, '-') : file;
      const chain = stack[stack.length - 1] === abs ? stack : [...stack, abs];
      const included = await applyInclude(data, abs, dir, look, chain, loadModel);
      const resolved = await resolveExtends(included, abs, loadOther);
      model = i === 0 ? resolved : mergeFiles(model, resolved, { reset: parsed.resetPaths, override: parsed.overridePaths });
    }
    return model;
  };
  const model = await loadModel(files, lookup, [], workingDir);

  try {
    return finish(opts, model, files, workingDir, environment, lookup, warn);
  } catch (e) {
    throw locate(e, parsedFiles);
  }
}

/** Adds the file and line of the key an error names (the last file that has it). */
function locate(e: unknown, parsed: ParsedFile[]): unknown {
  if (!(e instanceof ComposeError) || !e.where.path || e.where.line !== undefined) return e;
  const full = e.where.path.split('.');
  // the key itself, else its nearest ancestor (a dependency added from links has no key)
  for (let n = full.length; n >= Math.min(2, full.length); n--) {
    const segs = full.slice(0, n);
    for (const f of [...parsed].reverse()) {
      if (!hasPath(f.data, segs)) continue;
      const pos = f.positionOf(segs);
      if (pos) return new ComposeError(`${e.message} (${f.file} line ${pos.line})`, { ...e.where, file: f.file, line: pos.line, column: pos.column });
    }
  }
  return e;
}

function hasPath(data: unknown, segs: string[]): boolean {
  let cur = data;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object' || !(s in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[s];
  }
  return true;
}

function finish(
  opts: LoaderOptions,
  model: Record<string, unknown>,
  files: string[],
  workingDir: string,
  environment: Record<string, string>,
  lookup: (n: string) => string | undefined,
  warn: (m: string) => void,
): Project {
  if (Object.keys(model).length === 0) throw new ComposeError('empty compose file', { file: files[0] });
  const nameFromFile = typeof model.name === 'string' && model.name !== '' ? model.name : undefined;
  let name: string;
  if (opts.projectName) name = checkProjectName(opts.projectName);
  else if (environment.COMPOSE_PROJECT_NAME) name = checkProjectName(environment.COMPOSE_PROJECT_NAME);
  else if (nameFromFile && normalizeProjectName(nameFromFile)) name = normalizeProjectName(nameFromFile);
  else name = normalizeProjectName(path.basename(workingDir));
  if (name === '') throw new ComposeError('project name must not be empty');

  const profiles = opts.profiles.length > 0 ? opts.profiles : (environment.COMPOSE_PROFILES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ctx = { workingDir, home: environment.HOME, lookup };
  const all: Record<string, ServiceConfig> = {};
  const rawServices = isObj(model.services) ? model.services : {};
  for (const [svcName, raw] of Object.entries(rawServices)) {
    const r = isObj(raw) ? raw : {};
    try {
      all[svcName] = normalizeService(svcName, r, ctx);
    } catch (e) {
      // `config --no-interpolate`: a value still holding ${VAR} may not parse; show it as written
      if (!opts.noInterpolate) throw e;
      all[svcName] = { name: svcName, environment: {}, ports: [], expose: [], volumes: [], networks: {}, depends_on: {}, labels: {}, ...r } as ServiceConfig;
    }
  }
  const { enabled, disabled } = applyProfiles(all, profiles, opts.services ?? []);
  const project: Project = {
    name,
    workingDir,
    configFiles: files,
    services: enabled,
    disabledServices: disabled,
    networks: normalizeNetworks(model.networks, name),
    volumes: normalizeVolumesTop(model.volumes, name),
    secrets: normalizeFileObjects(model.secrets, name, ctx),
    configs: normalizeFileObjects(model.configs, name, ctx),
    environment,
    profiles,
  };
  // as Compose: the implicit default network exists when any service (enabled or not) uses it
  const usesDefault = Object.values(all).some((s) => 'default' in s.networks);
  if (usesDefault && !project.networks.default) project.networks.default = { name: `${name}_default`, labels: {} };
  for (const n of opts.services ?? []) if (!all[n]) throw new ComposeError(`no such service: ${n}`);
  if (!opts.noInterpolate) checkReferences(project, warn);
  return project;
}
