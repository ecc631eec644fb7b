/**
 * Small value conversions shared by the normalisers: durations, sizes, list-or-map values,
 * string lists and shell-style word splitting. Each throws ComposeError naming the key path.
 */
import { parseDurationNs, parseRAMInBytes } from '../../lib/units.js';
import { ComposeError } from '../model.js';

/** Thrown for a bad value at a key path ("services.web.healthcheck.interval"). */
export function invalid(path: string, msg: string): ComposeError {
  return new ComposeError(`${path} ${msg}`, { path });
}

/**
 * A Go duration ("1m30s", also days "2d" and weeks "1w" as Compose accepts) or a number of
 * seconds → nanoseconds. Throws ComposeError.
 */
export function durationNs(v: unknown, path: string): number {
  if (typeof v === 'number') return Math.round(v * 1e9);
  const s = String(v).replace(/(\d+(?:\.\d+)?)([dw])/g, (_, n: string, u: string) => `${Number(n) * (u === 'd' ? 24 : 168)}h`);
  try {
    return parseDurationNs(s);
  } catch (e) {
    throw invalid(path, (e as Error).message);
  }
}

/** "64m", "1g", "1024" or a number → bytes. Throws ComposeError. */
export function bytes(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  try {
    return parseRAMInBytes(String(v));
  } catch (e) {
    throw invalid(path, (e as Error).message);
  }
}

/** Scalar to string (numbers and booleans as YAML prints them); null stays null. Never throws. */
export function scalar(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/**
 * `KEY: value` mapping or `["KEY=value", "KEY"]` list → record; a bare `KEY` (or a null map
 * value) becomes null. Never throws.
 */
export function mapOrList(v: unknown, sep = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = String(item);
      const i = s.indexOf(sep);
      if (i < 0) out[s] = null;
      else out[s.slice(0, i)] = s.slice(i + 1);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, val] of Object.entries(v)) out[k] = scalar(val);
  }
  return out;
}

/** As mapOrList with null values turned into "" (labels, sysctls). Never throws. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(mapOrList(v))) out[k] = val ?? '';
  return out;
}

/** A string or a list of scalars → list of strings. Never throws. */
export function stringList(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  return [String(v)];
}

/**
 * Splits a command line the way a POSIX shell splits words (single quotes literal, double
 * quotes with `\` escapes, backslash escapes outside quotes). Throws ComposeError on an
 * unterminated quote.
 */
export function shellSplit(s: string, path: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw invalid(path, `invalid command line string`);
      cur += s.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1]!)) j++;
        cur += s[j];
      }
      if (j >= s.length) throw invalid(path, `invalid command line string`);
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Plain object test. Never throws. */
export function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
