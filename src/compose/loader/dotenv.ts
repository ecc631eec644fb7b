/**
 * `.env` / `--env-file` / `env_file:` parsing with Docker Compose's dotenv rules: `KEY=VALUE`
 * (or `KEY: VALUE`) statements, an optional `export ` prefix, `#` comment lines, inline
 * comments after ` #` in unquoted values, single quotes (literal but for `\'`), double quotes
 * (shell escapes `\n \t \" \\ \$ \0NNN`, may span lines, `${}` expanded), unquoted values
 * expanded and right-trimmed, and a bare `KEY` taken from the lookup when set.
 */
import { type Lookup, substitute } from './interpolate.js';

/** A malformed env file ("line 3: unexpected character …"). */
export class DotenvError extends Error {}

const SPACE = new Set(['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00a0']);
const KEY_PUNCT = new Set(['_', '.', '-', '[', ']']);
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\', $: '$$' };

/** Shell escapes of a double-quoted value (`\$` becomes `$$`, a literal `$` for substitution). */
function expandEscapes(s: string): string {
  return s.replace(/\\(?:[abcfnrtv$"\\]|0[0-7]{0,3})/g, (m) => {
    if (m.startsWith('\\0')) return String.fromCharCode(parseInt(m.slice(2) || '0', 8));
    return ESCAPES[m[1]!] ?? m;
  });
}

/**
 * Parses env file text. `${…}` expansion looks in `lookup` first, then in the variables
 * defined earlier in the file. Throws DotenvError for an invalid statement, and the
 * interpolation errors of `substitute`.
 */
export function parseDotenv(text: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const look: Lookup = (n) => lookup(n) ?? (Object.hasOwn(out, n) ? out[n] : undefined);
  const expand = (v: string) => substitute(v, look);
  const src = text.replace(/^\uFEFF/, '');
  let i = 0;
  let line = 1;
  const lineOf = (at: number) => line + (src.slice(i, at).match(/\n/g)?.length ?? 0);
  for (;;) {
    // statement start: skip white space and comment lines
    while (i < src.length && /\s/.test(src[i]!)) {
      if (src[i] === '\n') line++;
      i++;
    }
    if (i >= src.length) break;
    if (src[i] === '#') {
      const nl = src.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    if (/^export\s+/.test(src.slice(i, i + 8))) {
      i += 6;
      while (i < src.length && SPACE.has(src[i]!)) i++;
    }
    // key: up to '=', ':' or a new line (a bare key)
    let j = i;
    let sep = '';
    for (; j < src.length; j++) {
      const c = src[j]!;
      if (SPACE.has(c)) continue;
      if (c === '=' || c === ':' || c === '\n') {
        sep = c;
        break;
      }
      if (KEY_PUNCT.has(c) || /[\p{L}\p{N}]/u.test(c)) continue;
      const first = src.slice(i).split('\n')[0];
      throw new DotenvError(`line ${line}: unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(first)}`);
    }
    const key = src.slice(i, j).replace(/[\s]+$/, '');
    if (key.includes(' ')) throw new DotenvError(`line ${line}: key cannot contain a space`);
    if (sep === '' || sep === '\n') {
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      i = j;
      continue;
    }
    i = j + 1;
    while (i < src.length && SPACE.has(src[i]!)) i++;
    const q = src[i];
    if (q !== '"' && q !== "'") {
      const nl = src.indexOf('\n', i);
      let value = src.slice(i, nl < 0 ? src.length : nl);
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash);
      out[key] = expand(value.replace(/\s+$/, ''));
      i = nl < 0 ? src.length : nl;
      continue;
    }
    // quoted: a backslash escapes the quote; other escapes are kept for expandEscapes
    let chars = '';
    let escaped = false;
    let k = i + 1;
    for (; k < src.length; k++) {
      const c = src[k]!;
      if (c !== q) {
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) chars += '\\';
        escaped = false;
        chars += c;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += c;
        continue;
      }
      break;
    }
    if (k >= src.length) {
      const nl = src.indexOf('\n', i);
      throw new DotenvError(`line ${lineOf(i)}: unterminated quoted value ${src.slice(i, nl < 0 ? src.length : nl)}`);
    }
    out[key] = q === '"' ? expand(expandEscapes(chars)) : chars;
    line = lineOf(k);
    i = k + 1;
  }
  return out;
}
