/**
 * How JavaScript values stand in for Go values inside templates:
 * - `undefined` is Go's invalid value (a missing map key; prints `<no value>`), `null` is nil;
 * - integral numbers are ints, other numbers float64; `GoFloat` marks float literals (`1.0`);
 * - arrays are slices; objects are maps, or structs when they carry `goType` or look like one
 *   (every key starts with an upper-case letter, like Docker's PascalCase types);
 * - functions stored on objects are methods (`{{.Label "x"}}`); a function's declared parameter
 *   count is the method's (Go checks it: `wrong number of args for Label: want 1 got 0`);
 * - `GoTime` is a time.Time (prints as Go's String(), marshals to its RFC 3339 text);
 * - `goMap(null)` is a nil map (prints `map[]`, false, marshals to `null`).
 */

/**
 * Symbol an object may carry to declare its Go type: a struct type name (`*formatter.ContainerContext`)
 * makes missing fields errors; a name starting with `map[` makes it a map (missing keys print `<no value>`).
 */
export const goType: unique symbol = Symbol.for('pier.format.goType') as never;

/** A float64 value that happens to be integral (from a float literal such as `1.0` or `1e6`). */
export class GoFloat {
  constructor(readonly value: number) {}
}

/**
 * Go's time.Time.String() of an RFC 3339 timestamp as the Engine API sends it:
 * "2026-11-22T16:30:01.12345Z" → "2026-11-22 16:30:01.12345 +0000 UTC" (trailing zeros of the
 * fraction dropped; a numeric offset prints as "+0100 +0100", Go's unnamed fixed zone).
 * A value that is not RFC 3339 comes back unchanged. Never throws.
 */
export function goTimeString(rfc3339: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? '').slice(0, 9).replace(/0+$/, '');
  const off = m[4]!.toUpperCase() === 'Z' ? '' : m[4]!.replace(':', '');
  const zone = off === '' || off === '+0000' ? '+0000 UTC' : `${off} ${off}`;
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} ${zone}`;
}

/**
 * A Go time.Time inside template data: `{{.Created}}` prints Go's String() form, `{{json .Created}}`
 * and JSON output give the RFC 3339 text it was made from. It has no fields.
 */
export class GoTime {
  constructor(readonly rfc3339: string) {}
  /** Go's time.Time.String(). */
  toString(): string {
    return goTimeString(this.rfc3339);
  }
  /** The RFC 3339 text (Go's MarshalJSON). */
  toJSON(): string {
    return this.rfc3339;
  }
}

/**
 * A Go map value for template data: `m` itself when it is an object, else a nil map of Go type
 * `type` (prints `map[]`, is false in `if`, has no keys, marshals to JSON `null`). Never throws.
 */
export function goMap(m: unknown, type = 'map[string]string'): Record<string, unknown> {
  if (typeof m === 'object' && m !== null && !Array.isArray(m)) return m as Record<string, unknown>;
  const nil: Record<string | symbol, unknown> = { [goType]: type };
  Object.defineProperty(nil, 'toJSON', { value: () => null, enumerable: false });
  return nil as Record<string, unknown>;
}

/** Symbol under which a method function may declare its Go parameter types (see goMethod). */
export const goParams: unique symbol = Symbol.for('pier.format.goParams') as never;

/**
 * Marks `fn` as a Go method taking `params` ('string', 'int', '[]string', 'any'): arguments of
 * another type then fail as Go's do (`expected string; found 1`). Returns `fn`. Never throws.
 */
export function goMethod<F extends (...a: never[]) => unknown>(fn: F, params: readonly string[]): F {
  Object.defineProperty(fn, goParams, { value: [...params], enumerable: false });
  return fn;
}

/** A plain JS object (not array, not null, not a GoFloat or GoTime). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat) && !(v instanceof GoTime);
}

/** True when the object should behave as a Go struct rather than a map. */
export function isStructLike(o: Record<string | symbol, unknown>): boolean {
  const t = o[goType];
  if (typeof t === 'string') return !t.startsWith('map[');
  const keys = Object.keys(o);
  return keys.length > 0 && keys.every((k) => /^[A-Z]/.test(k));
}

/** Numeric value of a number or GoFloat, else undefined. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat) return v.value;
  return undefined;
}

/** True when `v` is a Go float64 (a GoFloat or a non-integral number). */
export function isFloat(v: unknown): boolean {
  return v instanceof GoFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** Go's type name for a value, as %T and error messages print it. */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number' || v instanceof GoFloat) return isFloat(v) ? 'float64' : 'int';
  if (typeof v === 'function') return 'func(...interface {}) interface {}';
  if (v instanceof GoTime) return 'time.Time';
  if (Array.isArray(v)) return v.length > 0 && v.every((x) => typeof x === 'string') ? '[]string' : '[]interface {}';
  const o = v as Record<string | symbol, unknown>;
  if (typeof o[goType] === 'string') return o[goType] as string;
  const vals = Object.values(o);
  return vals.length > 0 && vals.every((x) => typeof x === 'string') ? 'map[string]string' : 'map[string]interface {}';
}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false; structs are true. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof GoFloat) return v.value !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'function' || v instanceof GoTime) return true;
  const o = v as Record<string | symbol, unknown>;
  const t = o[goType];
  if (typeof t === 'string' && !t.startsWith('map[')) return true;
  return Object.keys(o).length > 0;
}

/** Keys of a map in Go's iteration/printing order (sorted; numeric-looking keys numerically). */
export function sortedKeys(o: Record<string, unknown>): string[] {
  return dataKeys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Keys of an object that hold data (function values are methods, not fields). */
export function dataKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => typeof o[k] !== 'function');
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64) / fmt %v for float64. */
export function formatFloatShortest(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expStr] = f.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) return goExp(mant, exp);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let s: string;
  if (exp < 0) s = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) s = digits + '0'.repeat(exp + 1 - digits.length);
  else s = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return (neg ? '-' : '') + s;
}

/** Formats mantissa/exponent the Go way: `1.5e+06`, `1e-05` (at least two exponent digits). */
export function goExp(mant: string, exp: number): string {
  const a = Math.abs(exp);
  return `${mant}e${exp < 0 ? '-' : '+'}${a < 10 ? '0' + a : a}`;
}

/** Go's fmt %v rendering of a value (nested nil prints `<nil>`). */
export function formatValue(v: unknown, plus = false): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof GoFloat) return formatFloatShortest(v.value);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? intString(v) : formatFloatShortest(v);
  if (typeof v === 'function') return '0x0';
  if (v instanceof GoTime) return v.toString();
  if (Array.isArray(v)) return '[' + v.map((x) => formatValue(x, plus)).join(' ') + ']';
  const o = v as Record<string, unknown>;
  if (isStructLike(o)) {
    return '{' + dataKeys(o).map((k) => (plus ? `${k}:` : '') + formatValue(o[k], plus)).join(' ') + '}';
  }
  return 'map[' + sortedKeys(o).map((k) => `${k}:${formatValue(o[k], plus)}`).join(' ') + ']';
}

/** Integer to decimal without exponent notation. */
export function intString(v: number): string {
  return Math.abs(v) < 1e21 ? BigInt(Math.trunc(v)).toString() : String(v);
}
