/**
 * Compose variable substitution: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?err}`,
 * `${VAR?err}`, `${VAR:+x}`, `${VAR+x}`, nested templates in the default/replacement part,
 * and `$$` for a literal `$` (compose-go's template rules).
 */

/** Looks a variable up; undefined means unset. */
export type Lookup = (name: string) => string | undefined;

/** A `${` … that does not parse. */
export class InvalidTemplateError extends Error {
  constructor(readonly template: string) {
    super(`Invalid template: ${JSON.stringify(template)}`);
  }
}

/** `${VAR:?msg}` / `${VAR?msg}` on an unset (or empty) variable. */
export class MissingRequiredError extends Error {
  constructor(readonly variable: string, readonly reason: string) {
    super(reason ? `required variable ${variable} is missing a value: ${reason}` : `required variable ${variable} is missing a value`);
  }
}

/** Options for `substitute`. */
export interface SubstituteOptions {
  /** Called once per unset variable used without a default. */
  onUnset?: (name: string) => void;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Substitutes variables in `tpl`. Throws InvalidTemplateError for a malformed `${…}` and
 * MissingRequiredError for a required variable without a value.
 */
export function substitute(tpl: string, lookup: Lookup, opts: SubstituteOptions = {}): string {
  if (!tpl.includes('$')) return tpl;
  let out = '';
  let i = 0;
  while (i < tpl.length) {
    const c = tpl[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const n = tpl[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
    } else if (n === '{') {
      const end = closingBrace(tpl, i + 2);
      if (end < 0) throw new InvalidTemplateError(tpl);
      out += braced(tpl.slice(i + 2, end), tpl, lookup, opts);
      i = end + 1;
    } else if (n !== undefined && NAME_START.test(n)) {
      let j = i + 2;
      while (j < tpl.length && NAME_CHAR.test(tpl[j]!)) j++;
      const name = tpl.slice(i + 1, j);
      const v = lookup(name);
      if (v === undefined) opts.onUnset?.(name);
      out += v ?? '';
      i = j;
    } else {
      out += '$';
      i++;
    }
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `from`, counting nested `${`; -1 if none. */
function closingBrace(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '$') {
      i++;
    } else if (c === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function braced(body: string, tpl: string, lookup: Lookup, opts: SubstituteOptions): string {
  let j = 0;
  if (!NAME_START.test(body[0] ?? '')) throw new InvalidTemplateError(tpl);
  while (j < body.length && NAME_CHAR.test(body[j]!)) j++;
  const name = body.slice(0, j);
  const rest = body.slice(j);
  const value = lookup(name);
  if (rest === '') {
    if (value === undefined) opts.onUnset?.(name);
    return value ?? '';
  }
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) throw new InvalidTemplateError(tpl);
  const arg = rest.slice(op.length);
  const sub = () => substitute(arg, lookup, opts);
  switch (op) {
    case ':-':
      return value === undefined || value === '' ? sub() : value;
    case '-':
      return value === undefined ? sub() : value;
    case ':?':
      if (value === undefined || value === '') throw new MissingRequiredError(name, sub());
      return value;
    case '?':
      if (value === undefined) throw new MissingRequiredError(name, sub());
      return value;
    case ':+':
      return value !== undefined && value !== '' ? sub() : '';
    default:
      return value !== undefined ? sub() : '';
  }
}
