/**
 * Go's fmt.Sprintf for template values: verbs %v %+v %s %q %d %b %o %x %X %c %U %e %E %f %F
 * %g %G %t %T %%, flags `+ - # 0 space`, width and precision (also `*`), Go's error markers
 * (`%!d(string=x)`, `%!d(MISSING)`, `%!(EXTRA int=2)`), applied element-wise to slices and maps.
 */
import { GoTime, dataKeys, formatFloatShortest, formatValue, goExp, goTypeName, intString, isFloat, isObject, isStructLike, numberOf, sortedKeys } from './values.js';

interface Spec {
  plusV?: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
  verb: string;
}

/** Go's fmt.Sprintf over template values. Never throws: bad verbs render as Go renders them. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let reordered = false;
  for (let i = 0; i < format.length; ) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    const sp: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: '' };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') sp.minus = true;
      else if (f === '+') sp.plus = true;
      else if (f === '#') sp.sharp = true;
      else if (f === ' ') sp.space = true;
      else if (f === '0') sp.zero = true;
      else break;
    }
    const argIndex = (): void => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (!m) return;
      i += m[0].length;
      argi = Number(m[1]) - 1;
      reordered = true;
    };
    const num = (): number | undefined => {
      argIndex();
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'number' ? Math.trunc(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    sp.width = num();
    if (sp.width !== undefined && sp.width < 0) {
      sp.minus = true;
      sp.width = -sp.width;
    }
    if (format[i] === '.') {
      i++;
      sp.prec = num() ?? 0;
    }
    argIndex();
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const cp = format.codePointAt(i)!;
    sp.verb = String.fromCodePoint(cp);
    i += sp.verb.length;
    if (sp.verb === '%') {
      out += '%';
      continue;
    }
    if (sp.verb === 'v' && sp.plus) {
      sp.plus = false;
      sp.plusV = true;
    }
    if (argi >= args.length) {
      out += `%!${sp.verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argi++], sp);
  }
  if (!reordered && argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`)).join(', ') + ')';
  }
  return out;
}

function bad(v: unknown, sp: Spec): string {
  if (v === null || v === undefined) return `%!${sp.verb}(<nil>)`;
  return `%!${sp.verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function formatArg(v: unknown, sp: Spec): string {
  if (sp.verb === 'T') return pad(goTypeName(v), sp, false);
  if (v === null || v === undefined) return sp.verb === 'v' ? pad('<nil>', sp, false) : bad(v, sp);
  if (Array.isArray(v)) return '[' + v.map((x) => formatArg(x, sp)).join(' ') + ']';
  // A Stringer (time.Time) formats its String() for %v, %s, %q, %x.
  if (v instanceof GoTime) return formatString(v.toString(), sp);
  if (isObject(v)) {
    if (isStructLike(v)) {
      return '{' + dataKeys(v).map((k) => (sp.plusV ? `${k}:` : '') + formatArg(v[k], sp)).join(' ') + '}';
    }
    return 'map[' + sortedKeys(v).map((k) => `${formatArg(k, sp)}:${formatArg(v[k], sp)}`).join(' ') + ']';
  }
  if (typeof v === 'boolean') return sp.verb === 'v' || sp.verb === 't' ? pad(String(v), sp, false) : bad(v, sp);
  if (typeof v === 'string') return formatString(v, sp);
  const n = numberOf(v);
  if (n !== undefined) return isFloat(v) ? formatFloat(n, sp, v) : formatInt(n, sp);
  if (typeof v === 'bigint') return formatInt(Number(v), sp);
  return sp.verb === 'v' ? pad(formatValue(v), sp, false) : bad(v, sp);
}

function pad(s: string, sp: Spec, numeric: boolean, zeroFront = false): string {
  const w = sp.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  if (sp.minus) return s + ' '.repeat(w - len);
  if (sp.zero && zeroFront) return '0'.repeat(w - len) + s;
  if (sp.zero && numeric) {
    const m = /^([+\- ]?(?:0[xXbo])?)(.*)$/.exec(s)!;
    return m[1]! + '0'.repeat(w - len) + m[2]!;
  }
  return ' '.repeat(w - len) + s;
}

function formatString(s: string, sp: Spec): string {
  switch (sp.verb) {
    case 'v':
    case 's': {
      const t = sp.prec !== undefined ? [...s].slice(0, sp.prec).join('') : s;
      return pad(t, sp, false, true);
    }
    case 'q': return pad(goQuote(sp.prec !== undefined ? [...s].slice(0, sp.prec).join('') : s, sp.plus), sp, false);
    case 'x':
    case 'X': {
      const hex = [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
      if (hex.length === 0) return pad('', sp, false);
      let r = sp.space ? hex.map((h) => (sp.sharp ? '0x' : '') + h).join(' ') : (sp.sharp ? '0x' : '') + hex.join('');
      if (sp.verb === 'X') r = r.toUpperCase();
      return pad(r, sp, false);
    }
    default: return bad(s, sp);
  }
}

function sign(n: number, sp: Spec): string {
  return n < 0 || Object.is(n, -0) ? '-' : sp.plus ? '+' : sp.space ? ' ' : '';
}

function formatInt(n: number, sp: Spec): string {
  const a = Math.abs(n);
  const digits = (radix: number) => {
    let d = BigInt(Math.trunc(a)).toString(radix);
    if (sp.prec !== undefined) d = sp.prec === 0 && a === 0 ? '' : d.padStart(sp.prec, '0');
    return d;
  };
  const s = n < 0 ? '-' : sp.plus ? '+' : sp.space ? ' ' : '';
  switch (sp.verb) {
    case 'v':
    case 'd': return pad(s + (sp.prec === undefined ? intString(a) : digits(10)), sp, true);
    case 'b': return pad(s + (sp.sharp ? '0b' : '') + digits(2), sp, true);
    case 'o': return pad(s + (sp.sharp ? '0' : '') + digits(8), sp, true);
    case 'O': return pad(s + '0o' + digits(8), sp, true);
    case 'x': return pad(s + (sp.sharp ? '0x' : '') + digits(16), sp, true);
    case 'X': return pad(s + (sp.sharp ? '0X' : '') + digits(16).toUpperCase(), sp, true);
    case 'c': return pad(safeChar(n), sp, false);
    case 'q': return pad(goQuoteRune(n), sp, false);
    case 'U': {
      const u = 'U+' + a.toString(16).toUpperCase().padStart(4, '0');
      return pad(sp.sharp ? `${u} '${safeChar(n)}'` : u, sp, false);
    }
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      // Go would print %!f(int=2); integral float64 values are common in our data, so format them.
      return formatFloat(n, sp, n);
    default: return bad(n, sp);
  }
}

function formatFloat(f: number, sp: Spec, orig: unknown): string {
  if (!Number.isFinite(f)) {
    const s = Number.isNaN(f) ? (sp.plus ? '+NaN' : 'NaN') : f > 0 ? (sp.plus ? '+Inf' : 'Inf') : '-Inf';
    return pad(s, { ...sp, zero: false }, false);
  }
  const a = Math.abs(f);
  const s = sign(f, sp);
  let body: string;
  switch (sp.verb) {
    case 'v':
    case 'g':
    case 'G':
      body = sp.prec === undefined && !sp.sharp ? formatFloatShortest(a) : precG(a, sp.prec ?? 6, sp.sharp);
      if (sp.verb === 'G') body = body.toUpperCase();
      break;
    case 'e':
    case 'E': {
      const [m, e] = halfEven(a, sp.prec ?? 6, true).split('e') as [string, string];
      body = goExp(m, Number(e));
      if (sp.verb === 'E') body = body.toUpperCase();
      break;
    }
    case 'f':
    case 'F':
      body = halfEven(a, Math.min(sp.prec ?? 6, 100), false);
      break;
    default:
      return bad(orig, sp);
  }
  return pad(s + body, sp, true);
}

function precG(a: number, prec: number, sharp: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const [m0, e] = halfEven(a, p - 1, true).split('e') as [string, string];
  const exp = Number(e);
  let m = m0;
  if (!sharp && m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
  const nd = m.replace('.', '').length;
  let eprec = p;
  if (eprec > nd && nd >= exp + 1) eprec = nd;
  if (exp < -4 || exp >= eprec) return goExp(m, exp);
  const digits = m.replace('.', '');
  if (exp < 0) return '0.' + '0'.repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
}

/**
 * toFixed/toExponential with Go's rounding: an exact tie rounds to even (JS rounds it up).
 */
function halfEven(a: number, prec: number, exp: boolean): string {
  const round = (p: number) => (exp ? a.toExponential(p) : a.toFixed(p));
  const r = round(prec);
  if (prec + 25 > 100) return r;
  const exact = round(prec + 25);
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + prec).replace(/e.*$/, '');
  if (dot < 0 || !/^50*$/.test(tail)) return r;
  const kept = exact.slice(0, dot + 1 + prec).replace(/\.$/, '');
  const last = kept.replace('.', '').slice(-1);
  if (Number(last) % 2 === 1) return r;
  return kept + (exp ? exact.slice(exact.indexOf('e')) : '');
}

function safeChar(n: number): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n < 0xe000) ? String.fromCodePoint(n) : '\ufffd';
}

const ESC: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };

function escapeRune(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote) return '\\' + ch;
  if (ESC[ch]) return ESC[ch]!;
  const cp = ch.codePointAt(0)!;
  const printable = !/[\p{C}\p{Zl}\p{Zp}]/u.test(ch) && (cp < 0x80 || !asciiOnly);
  if (printable && (ch === ' ' || !/\p{Z}/u.test(ch))) return ch;
  if (cp < 0x80) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** Go's strconv.Quote (or QuoteToASCII when asciiOnly). */
export function goQuote(s: string, asciiOnly = false): string {
  return '"' + [...s].map((ch) => escapeRune(ch, '"', asciiOnly)).join('') + '"';
}

function goQuoteRune(n: number): string {
  return "'" + escapeRune(safeChar(n), "'", false) + "'";
}
