/**
 * Executor for parsed Go templates: walks the tree against a data value with Go's semantics
 * (field/method lookup, pipelines, variables, if/with/range/template, break/continue) and
 * reports failures as Go does: `template: :1:2: executing "" at <.Nope>: …`.
 */
import { invalidArgument } from '../../lib/errors.js';
import { ArgTypeError, fitsParam, type ParamType, type TemplateFunc } from './funcs.js';
import { argString, commandString, templateNodeString, type ArgNode, type CommandNode, type Node, type PipeNode } from './nodes.js';
import { GoFloat, formatValue, goParams, goType, goTypeName, isObject, isStructLike, sortedKeys, truth } from './values.js';

/** Everything the executor needs from a compiled template. */
export interface ExecContext {
  src: string;
  defs: Map<string, Node[]>;
  funcs: Record<string, TemplateFunc>;
  /** Go type name of the root data (e.g. `*formatter.ContainerContext`): missing fields error with it. */
  rootType?: string;
  /** 'error' makes a missing map key an error (Go's missingkey=error). */
  missingKey?: 'default' | 'error';
}

const MISSING = Symbol('missing');
type Final = unknown | typeof MISSING;
class Break {}
class Continue {}
/** Go allows 100000 nested template calls; JS stacks are smaller. */
const MAX_DEPTH = 1000;

/** Go's "line:col" for a source offset (col in UTF-8 bytes, as Go reports it). */
export function location(src: string, pos: number): { line: number; col: number } {
  const before = src.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: Buffer.byteLength(before.slice(nl + 1), 'utf8') };
}

/** Executes the root template against `data`. Throws InvalidArgument with Go's messages. */
export function execute(ctx: ExecContext, root: Node[], data: unknown): string {
  const st = new State(ctx, '', data, 0, data);
  try {
    st.walkList(data, root);
  } catch (e) {
    if (e instanceof RangeError) throw invalidArgument(`template: : executing "" : exceeded maximum template depth (${MAX_DEPTH})`, e);
    throw e;
  }
  return st.out.join('');
}

class State {
  out: string[] = [];
  private vars: { name: string; value: unknown }[];
  /** Where execution is, for error messages; the node text is rendered only on failure. */
  private at: { pos: number; str: () => string } = { pos: 0, str: () => '' };

  /** `top` is the data given to execute (the value `rootType` describes); `dot` starts as `$`. */
  constructor(private readonly ctx: ExecContext, private readonly name: string, dot: unknown, private readonly depth: number, private readonly top: unknown) {
    this.vars = [{ name: '$', value: dot }];
  }

  private setAt(pos: number, str: () => string): void {
    this.at = { pos, str };
  }

  private fail(msg: string): never {
    const { line, col } = location(this.ctx.src, this.at.pos);
    throw invalidArgument(`template: :${line}:${col}: executing "${this.name}" at <${this.at.str()}>: ${msg}`);
  }

  walkList(dot: unknown, list: Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: unknown, n: Node): void {
    switch (n.t) {
      case 'text':
        this.out.push(n.text);
        return;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.out.push(this.printable(v));
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        if (truth(v)) this.walkList(n.t === 'with' ? v : dot, n.list);
        else if (n.elseList) this.walkList(dot, n.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range': return this.walkRange(dot, n);
      case 'template': return this.walkTemplate(dot, n);
      case 'break': throw new Break();
      case 'continue': throw new Continue();
    }
  }

  private printable(v: unknown): string {
    if (v === undefined) return '<no value>';
    if (typeof v === 'function') this.fail(`can't print ${this.at.str()} of type ${goTypeName(v)}`);
    return formatValue(v);
  }

  private walkRange(dot: unknown, n: Extract<Node, { list: Node[] }>): void {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, n.pipe);
    const mark2 = this.vars.length;
    let entries: [unknown, unknown][];
    if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
    else if (typeof v === 'number' && Number.isInteger(v)) {
      if (n.pipe.decl.length > 1) this.fail(`can't use ${v} to iterate over more than one variable`);
      entries = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
    } else if (isObject(v)) entries = sortedKeys(v).map((k) => [k, v[k]]);
    else if (v === undefined || v === null) entries = [];
    else this.fail(`range can't iterate over ${formatValue(v)}`);
    const decl = n.pipe.decl;
    for (const [k, x] of entries) {
      if (decl.length > 0) {
        if (n.pipe.isAssign) this.setVar(decl[0]!, decl.length > 1 ? k : x);
        else this.vars[mark2 - 1] = { name: this.vars[mark2 - 1]!.name, value: x };
        if (decl.length > 1) {
          if (n.pipe.isAssign) this.setVar(decl[1]!, x);
          else this.vars[mark2 - 2] = { name: this.vars[mark2 - 2]!.name, value: k };
        }
      }
      try {
        this.walkList(x, n.list);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      } finally {
        this.vars.length = mark2;
      }
    }
    if (entries.length === 0 && n.elseList) this.walkList(dot, n.elseList);
    this.vars.length = mark;
  }

  private walkTemplate(dot: unknown, n: Extract<Node, { t: 'template' }>): void {
    this.setAt(n.pos, () => templateNodeString(n));
    const body = this.ctx.defs.get(n.name);
    if (!body) this.fail(`template ${JSON.stringify(n.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = n.pipe ? this.evalPipeline(dot, n.pipe) : undefined;
    const st = new State(this.ctx, n.name, newDot, this.depth + 1, this.top);
    st.walkList(newDot, body);
    this.out.push(...st.out);
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i] = { name, value };
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.fail(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const v = value === MISSING ? undefined : value;
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, v);
      else this.vars.push({ name, value: v });
    }
    return v;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.t) {
      case 'field': return this.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'chain': {
        const recv = this.evalArg(dot, first.node);
        return this.evalFieldChain(dot, recv, first, first.fields, cmd.args, final);
      }
      case 'ident': return this.evalFunction(dot, first.name, cmd, final);
      case 'variable': {
        this.setAt(first.pos, () => argString(first));
        const v = this.varValue(first.idents[0]!);
        if (first.idents.length === 1) {
          this.notAFunction(cmd.args, final);
          return v;
        }
        return this.evalFieldChain(dot, v, first, first.idents.slice(1), cmd.args, final);
      }
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first.pipe);
      default:
        this.notAFunction(cmd.args, final);
        if (first.t === 'nil') {
          this.setAt(first.pos, () => 'nil');
          this.fail('nil is not a command');
        }
        return this.evalArg(dot, first);
    }
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.setAt(args[0]!.pos, () => argString(args[0]!));
      this.fail(`can't give argument to non-function ${argString(args[0]!)}`);
    }
  }

  private evalArg(dot: unknown, n: ArgNode): unknown {
    this.setAt(n.pos, () => argString(n));
    switch (n.t) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'bool': return n.value;
      case 'string': return n.value;
      case 'number': return n.float && Number.isInteger(n.value) ? new GoFloat(n.value) : n.value;
      case 'field': return this.evalFieldChain(dot, dot, n, n.idents, [n], MISSING);
      case 'variable': {
        const v = this.varValue(n.idents[0]!);
        return n.idents.length === 1 ? v : this.evalFieldChain(dot, v, n, n.idents.slice(1), [n], MISSING);
      }
      case 'chain': return this.evalFieldChain(dot, this.evalArg(dot, n.node), n, n.fields, [n], MISSING);
      case 'pipe': return this.evalPipeline(dot, n.pipe);
      case 'ident': return this.evalFunction(dot, n.name, { pos: n.pos, args: [n] }, MISSING);
    }
  }

  private evalFieldChain(dot: unknown, recv: unknown, node: ArgNode, idents: string[], args: ArgNode[], final: Final): unknown {
    let r = recv;
    for (let i = 0; i < idents.length - 1; i++) r = this.evalField(dot, idents[i]!, node, [node], MISSING, r);
    return this.evalField(dot, idents[idents.length - 1]!, node, args, final, r);
  }

  private evalField(dot: unknown, name: string, node: ArgNode, args: ArgNode[], final: Final, recv: unknown): unknown {
    this.setAt(node.pos, () => argString(node));
    const hasArgs = args.length > 1 || final !== MISSING;
    if (recv === undefined) {
      if (this.ctx.missingKey === 'error') this.fail(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (recv === null) this.fail(`nil pointer evaluating interface {}.${name}`);
    if (isObject(recv)) {
      // A hidden (non-enumerable) own property is a field only when exported (upper-case, as
      // a field kept out of JSON); a hidden toJSON is not. Methods inherited from a class
      // are, when exported.
      const own = Object.prototype.propertyIsEnumerable.call(recv, name) || (/^[A-Z]/.test(name) && Object.prototype.hasOwnProperty.call(recv, name));
      const inherited = !own && /^[A-Z]/.test(name) && Object.getPrototypeOf(recv) !== Object.prototype && Object.getPrototypeOf(recv) !== null && name in recv;
      if (own || inherited) {
        const v = recv[name];
        if (typeof v === 'function') {
          // Go checks a method's argument count before evaluating them; a JS function's
          // declared parameters stand for the Go method's.
          const want = (v as (...a: unknown[]) => unknown).length;
          const got = args.length - 1 + (final !== MISSING ? 1 : 0);
          if (got !== want) this.fail(`wrong number of args for ${name}: want ${want} got ${got}`);
          const types = (v as { [goParams]?: ParamType[] })[goParams];
          const argv = args.slice(1).map((a, i) => this.checkParam(types?.[i], a, this.evalArg(dot, a)));
          if (final !== MISSING) argv.push(this.checkParam(types?.[argv.length], undefined, final));
          this.setAt(node.pos, () => argString(node));
          try {
            return (v as (...a: unknown[]) => unknown).apply(recv, argv);
          } catch (e) {
            this.fail(`error calling ${name}: ${(e as Error).message}`);
          }
        }
        if (hasArgs) this.fail(`${name} is not a method but has arguments`);
        return v;
      }
      const declared = (recv as Record<symbol, unknown>)[goType];
      if (recv === this.top && this.ctx.rootType) this.fail(`can't evaluate field ${name} in type ${this.ctx.rootType}`);
      if (typeof declared === 'string' && isStructLike(recv)) this.fail(`can't evaluate field ${name} in type ${declared}`);
      if (isStructLike(recv) || this.ctx.missingKey === 'error') this.fail(`map has no entry for key ${JSON.stringify(name)}`);
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      return undefined;
    }
    this.fail(`can't evaluate field ${name} in type ${goTypeName(recv)}`);
  }

  private evalFunction(dot: unknown, name: string, cmd: CommandNode, final: Final): unknown {
    const fn = this.ctx.funcs[name];
    this.setAt(cmd.pos, () => commandString(cmd));
    if (!fn) this.fail(`${JSON.stringify(name)} is not a defined function`);
    const argNodes = cmd.args.slice(1);
    const n = argNodes.length + (final !== MISSING ? 1 : 0);
    if (n < fn.min || (fn.max !== undefined && n > fn.max)) {
      this.setAt(cmd.args[0]!.pos, () => name);
      this.fail(fn.max === fn.min ? `wrong number of args for ${name}: want ${fn.min} got ${n}` : `wrong number of args for ${name}: want at least ${fn.min} got ${n}`);
    }
    if (name === 'and' || name === 'or') return this.andOr(dot, name, argNodes, final, cmd);
    const argv = argNodes.map((a, i) => this.checkParam(fn.params?.[i], a, this.evalArg(dot, a)));
    if (final !== MISSING) argv.push(this.checkParam(fn.params?.[argv.length], undefined, final));
    this.setAt(cmd.pos, () => commandString(cmd));
    if (name === 'call') {
      const f0 = argv[0];
      if (typeof f0 !== 'function') {
        const what = argNodes[0] ? argString(argNodes[0]) : 'value';
        this.fail(`error calling call: non-function ${what} of type ${goTypeName(f0)}`);
      }
      return this.guard(name, () => (f0 as (...a: unknown[]) => unknown)(...argv.slice(1)));
    }
    return this.guard(name, () => fn.fn(...argv.map((a) => (a === undefined ? null : a))));
  }

  /** Go's typed-parameter check: literals fail with "expected X; found L", values with "wrong type". */
  private checkParam(t: ParamType | undefined, node: ArgNode | undefined, v: unknown): unknown {
    if (t === undefined || fitsParam(v, t)) return v;
    if (node) this.setAt(node.pos, () => argString(node));
    if (node && (node.t === 'string' || node.t === 'number' || node.t === 'bool')) {
      if (t === '[]string') this.fail(`can't handle ${argString(node)} for arg of type []string`);
      this.fail(`expected ${t === 'int' ? 'integer' : t}; found ${argString(node)}`);
    }
    this.fail(`wrong type for value; expected ${t}; got ${goTypeName(v)}`);
  }

  private guard(name: string, f: () => unknown): unknown {
    try {
      return f();
    } catch (e) {
      if (e instanceof ArgTypeError) this.fail(e.message);
      this.fail(`error calling ${name}: ${(e as Error).message}`);
    }
  }

  private andOr(dot: unknown, name: string, argNodes: ArgNode[], final: Final, cmd: CommandNode): unknown {
    let v: unknown;
    const all: (ArgNode | typeof MISSING)[] = [...argNodes];
    if (final !== MISSING) all.push(MISSING);
    for (const a of all) {
      v = a === MISSING ? final : this.evalArg(dot, a);
      this.setAt(cmd.pos, () => commandString(cmd));
      if (truth(v) === (name === 'or')) return v;
    }
    return v;
  }
}
