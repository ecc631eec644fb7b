/**
 * Go text/template for docker's `--format`: `compileTemplate(src)` parses once (failing like
 * Go's parser: `template: :1: function "foo" not defined`) and `execute(data)` renders it.
 */
import { invalidArgument } from '../../lib/errors.js';
import { execute, location, type ExecContext } from './exec.js';
import { builtinFuncs, type TemplateFunc } from './funcs.js';
import { parseTemplate, ParseError } from './parse.js';

export { goType, GoFloat, GoTime, goMap, goMethod, goTimeString } from './values.js';
export type { TemplateFunc } from './funcs.js';

/** A compiled template. */
export interface Template {
  /**
   * Renders the template against `data` (Docker-shaped objects with PascalCase keys; function
   * values act as Go methods). Throws EngineError InvalidArgument with Go's execution message,
   * e.g. `template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"`.
   */
  execute(data: unknown, opts?: ExecuteOptions): string;
}

/** Per-execution options. */
export interface ExecuteOptions {
  /** Go type name of the data (e.g. `*formatter.ContainerContext`); a missing field then errors with it. */
  rootType?: string;
}

/** Options for compiling. */
export interface CompileOptions {
  /** Extra or replacement functions (replacing keeps the builtin's name, as Go's Funcs does). */
  funcs?: Record<string, TemplateFunc>;
  /** Go's missingkey option: 'error' makes missing map keys fail instead of `<no value>`. */
  missingKey?: 'default' | 'error';
}

/**
 * Compiles a Go text/template. Throws EngineError InvalidArgument with Go's parse error,
 * e.g. `template: :1: unclosed action` or `template: :1: function "foo" not defined`.
 */
export function compileTemplate(src: string, opts: CompileOptions = {}): Template {
  const funcs = { ...builtinFuncs(), ...(opts.funcs ?? {}) };
  let parsed;
  try {
    parsed = parseTemplate(src, (n) => Object.prototype.hasOwnProperty.call(funcs, n));
  } catch (e) {
    if (e instanceof ParseError) {
      throw invalidArgument(`template: :${location(src, Math.min(e.pos, src.length)).line}: ${e.message}`, e);
    }
    throw e;
  }
  const { root, defs } = parsed;
  return {
    execute(data: unknown, eopts: ExecuteOptions = {}): string {
      const ctx: ExecContext = { src, defs, funcs, missingKey: opts.missingKey, rootType: eopts.rootType };
      return execute(ctx, root, data);
    },
  };
}
