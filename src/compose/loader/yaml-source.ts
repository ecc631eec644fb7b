/**
 * Parses one compose file with yaml@2 (merge keys `<<`, anchors) and keeps what later steps
 * need from the syntax tree: the position of any key path (for error messages) and the paths
 * tagged `!reset` / `!override` (for merging).
 */
import { Alias, type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type ScalarTag } from 'yaml';
import { ComposeError } from '../model.js';
import { type KeyPath, pathKey } from './key-path.js';
import { mergeFiles } from './merge.js';

export type { KeyPath } from './key-path.js';

/** One parsed compose file. */
export interface ParsedFile {
  /** Absolute path, or "-" for stdin. */
  file: string;
  /** The file as plain data (a mapping). */
  data: Record<string, unknown>;
  /** 1-based line/column of the key (or item) at `path`, of its nearest existing ancestor otherwise. */
  positionOf(path: KeyPath): { line: number; column: number } | undefined;
  /** Paths (joined with "\0") tagged `!reset`. */
  resetPaths: Set<string>;
  /** Paths (joined with "\0") tagged `!override`. */
  overridePaths: Set<string>;
}


/** go-yaml reads `0440` as octal (file modes are written so); YAML 1.2 alone would read 440. */
const GO_OCTAL: ScalarTag = {
  identify: (v) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^0[0-7]+$/,
  resolve: (s) => parseInt(s, 8),
};

/** go-yaml's wording for yaml@2's error codes (what Docker Compose users see). */
const GO_YAML: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: 'mapping values are not allowed in this context',
  BAD_INDENT: 'did not find expected key',
  TAB_AS_INDENT: 'found character that cannot start any token',
  MISSING_CHAR: 'found unexpected end of stream',
  MULTILINE_IMPLICIT_KEY: 'could not find expected \':\'',
  UNEXPECTED_TOKEN: 'did not find expected <document start>',
};

/**
 * Parses `text` (the content of `file`); several YAML documents (`---`) are merged in order.
 * Throws ComposeError `parsing <file>: yaml: line N: <go-yaml message> (column C)` for
 * invalid YAML and `<file>: top-level object must be a mapping` when a document is not a
 * mapping. An empty document reads as an empty mapping.
 */
export function parseComposeYaml(text: string, file: string): ParsedFile {
  const lc = new LineCounter();
  const docs = Array.from(parseAllDocuments(text, { merge: true, lineCounter: lc, prettyErrors: false, uniqueKeys: true, customTags: (tags) => [GO_OCTAL, ...tags] }));
  for (const doc of docs) {
    const err = doc.errors[0];
    if (!err) continue;
    const pos = lc.linePos(err.pos[0]);
    let msg = goYamlMessage(err.code, err.message);
    if (err.code === 'DUPLICATE_KEY') {
      const dup = duplicateKey(doc, lc);
      msg = dup ? `mapping key ${JSON.stringify(dup.key)} already defined at line ${dup.first}` : 'mapping key already defined';
    }
    throw new ComposeError(`parsing ${file}: yaml: line ${pos.line}: ${msg} (column ${pos.col})`, { file, line: pos.line, column: pos.col });
  }
  const parts = docs.map((doc) => oneDocument(doc, file));
  let data: Record<string, unknown> = parts[0]?.data ?? {};
  for (const part of parts.slice(1)) data = mergeFiles(data, part.data, { reset: part.reset, override: part.override });
  return {
    file,
    data,
    positionOf: (path) => {
      const part = [...parts].reverse().find((x) => hasPath(x.data, path)) ?? parts[0];
      const off = part ? offsetOf(part.doc, path) : undefined;
      if (off === undefined) return undefined;
      const p = lc.linePos(off);
      return { line: p.line, column: p.col };
    },
    resetPaths: new Set(parts.flatMap((x) => [...x.reset])),
    overridePaths: new Set(parts.flatMap((x) => [...x.override])),
  };
}

function goYamlMessage(code: string, message: string): string {
  if (code === 'BAD_INDENT' && /^Flow sequence/.test(message)) return "did not find expected ',' or ']'";
  if (code === 'BAD_INDENT' && /^Flow map/.test(message)) return "did not find expected ',' or '}'";
  return GO_YAML[code] ?? message.split('\n')[0]!.replace(/^./, (c) => c.toLowerCase());
}

function hasPath(data: unknown, path: KeyPath): boolean {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(String(seg) in cur)) return false;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return true;
}

/** One document's data (a mapping) and tags. Throws ComposeError. */
function oneDocument(doc: Document, file: string): { doc: Document; data: Record<string, unknown>; reset: Set<string>; override: Set<string> } {
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 10000 });
  } catch (e) {
    const m = /Unresolved alias.*?: (.*)$/.exec((e as Error).message);
    throw new ComposeError(`parsing ${file}: yaml: ${m ? `unknown anchor '${m[1]}' referenced` : (e as Error).message}`, { file });
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ComposeError(`${file}: top-level object must be a mapping`, { file, line: 1, column: 1 });
  }
  const reset = new Set<string>();
  const override = new Set<string>();
  collectTags(doc, doc.contents as Node | null, [], reset, override, 0);
  return { doc, data: data as Record<string, unknown>, reset, override };
}

function resolve(doc: Document, n: unknown): unknown {
  return isAlias(n) ? (n as Alias).resolve(doc) : n;
}

/** A key's text; merge keys (`<<`, a symbol in yaml@2) read as "<<". */
function keyString(k: unknown): string | undefined {
  if (!isScalar(k)) return undefined;
  return typeof k.value === 'symbol' ? (k as { source?: string }).source ?? '<<' : String(k.value);
}

function offsetOf(doc: Document, path: KeyPath): number | undefined {
  let node: unknown = doc.contents;
  let off: number | undefined = (node as Node | null)?.range?.[0];
  for (const seg of path) {
    node = resolve(doc, node);
    if (isMap(node)) {
      const pair = findPair(doc, node, String(seg), 0);
      if (!pair) return off;
      off = (pair.key as Node | null)?.range?.[0] ?? off;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) return off;
      off = item.range?.[0] ?? off;
      node = item;
    } else {
      return off;
    }
  }
  return off;
}

function findPair(doc: Document, map: unknown, key: string, depth: number): { key: unknown; value: unknown } | undefined {
  if (!isMap(map) || depth > 20) return undefined;
  for (const p of map.items) if (keyString(p.key) === key) return p;
  for (const p of map.items) {
    if (keyString(p.key) !== '<<') continue;
    const v = resolve(doc, p.value);
    const sources = isSeq(v) ? v.items.map((i) => resolve(doc, i)) : [v];
    for (const s of sources) {
      const found = findPair(doc, s, key, depth + 1);
      if (found) return { key: p.key, value: found.value };
    }
  }
  return undefined;
}

function collectTags(doc: Document, node: Node | null, path: KeyPath, reset: Set<string>, override: Set<string>, depth: number): void {
  if (!node || depth > 100) return;
  const tag = (node as { tag?: string }).tag;
  if (tag === '!reset') reset.add(pathKey(path));
  if (tag === '!override') override.add(pathKey(path));
  if (isMap(node)) {
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const k = keyString(p.key);
      if (k !== undefined && k !== '<<') collectTags(doc, p.value as Node | null, [...path, k], reset, override, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((it, i) => collectTags(doc, it as Node | null, [...path, i], reset, override, depth + 1));
  }
}

function duplicateKey(doc: Document, lc: LineCounter): { key: string; first: number } | undefined {
  let found: { key: string; first: number } | undefined;
  const visit = (n: unknown): void => {
    if (found) return;
    if (isMap(n)) {
      const seen = new Map<string, number>();
      for (const p of n.items) {
        const k = keyString(p.key);
        const off = (p.key as Node | null)?.range?.[0] ?? 0;
        if (k !== undefined && k !== '<<' && seen.has(k)) {
          found = { key: k, first: lc.linePos(seen.get(k)!).line };
          return;
        }
        if (k !== undefined) seen.set(k, off);
        visit(p.value);
      }
    } else if (isSeq(n)) n.items.forEach(visit);
  };
  visit(doc.contents);
  return found;
}
