/**
 * `.env` / `--env-file` / `env_file:` parsing with Docker Compose's dotenv rules: `KEY=VALUE`
 * lines, `export ` prefixes, `#` comments (inline after whitespace in unquoted values), single
 * quotes (literal), double quotes (escapes `\n \r \t \" \\ \$`, may span lines, `${}` expanded),
 * unquoted values expanded and trimmed, a bare `KEY` taken from the lookup when set.
 */
import { type Lookup, substitute } from './interpolate.js';

/** A malformed env file line. */
export class DotenvError extends Error {}

/**
 * Parses env file text. Expansion sees the variables defined earlier in the file, then
 * `lookup`. Throws DotenvError for an invalid line and interpolation errors from `substitute`.
 */
export function parseDotenv(text: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const look: Lookup = (n) => (Object.hasOwn(out, n) ? out[n] : lookup(n));
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  while (i < src.length) {
    // skip blank space and comment lines
    const lineEnd = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
    const raw = src.slice(i, lineEnd);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = lineEnd + 1;
      line++;
      continue;
    }
    const m = /^\s*(?:export\s+)?([^\s=:#]+)\s*(?:([=:])\s*)?/.exec(raw);
    if (!m) throw new DotenvError(`line ${line}: unexpected character in variable name ${JSON.stringify(raw)}`);
    const key = m[1]!;
    if (!/^[A-Za-z0-9_.\-[\]]+$/.test(key)) {
      throw new DotenvError(`line ${line}: unexpected character "${[...key].find((c) => !/[A-Za-z0-9_.\-[\]]/.test(c))}" in variable name "${key}"`);
    }
    if (!m[2]) {
      if (raw.slice(m[0].length).trim() !== '' && !raw.slice(m[0].length).trim().startsWith('#')) {
        throw new DotenvError(`line ${line}: unexpected character in variable name ${JSON.stringify(raw.trim())}`);
      }
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
      i = lineEnd + 1;
      line++;
      continue;
    }
    let j = i + m[0].length;
    const q = src[j];
    if (q === '"' || q === "'") {
      // quoted: find the closing quote (possibly on a later line)
      let k = j + 1;
      let val = '';
      for (; k < src.length; k++) {
        const c = src[k]!;
        if (c === q) break;
        if (q === '"' && c === '\\' && k + 1 < src.length) {
          const e = src[k + 1]!;
          const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '\\$' };
          val += map[e] ?? `\\${e}`;
          k++;
          continue;
        }
        val += c;
      }
      if (k >= src.length) throw new DotenvError(`line ${line}: unterminated quoted value`);
      out[key] = q === '"' ? expand(val, look) : val;
      const nl = src.indexOf('\n', k);
      const end = nl < 0 ? src.length : nl;
      line += src.slice(i, end).split('\n').length;
      i = end + 1;
      continue;
    }
    let val = src.slice(j, lineEnd);
    const hash = /(^|\s)#/.exec(val);
    if (hash) val = val.slice(0, hash.index);
    out[key] = expand(val.trim(), look);
    i = lineEnd + 1;
    line++;
    j = 0;
  }
  return out;
}

/** Expands `${…}`/`$VAR`; an escaped `\$` stays a literal `$`. */
function expand(v: string, lookup: Lookup): string {
  const parts = v.split('\\$');
  return parts.map((p) => substitute(p, lookup)).join('$');
}
