import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Diagnostic, FieldPath, SourceFile, SourcePosition } from '../model/resource.ts';

/**
 * One non-empty document of a source file: its plain value plus a way back to source positions.
 * `positionAt(path)` walks raw keys of the document (not API paths) and returns the deepest node found.
 */
export interface ParsedDocument {
  file: string;
  /** 0-based index among the file's non-empty documents. */
  index: number;
  value: unknown;
  start: SourcePosition;
  positionAt(path: FieldPath): SourcePosition;
}

export interface ParsedFile {
  documents: ParsedDocument[];
  diagnostics: Diagnostic[];
}

/**
 * Two speeds. Values come from a fast parser (JSON.parse, or js-yaml with the YAML 1.2 core schema);
 * the `yaml` package's node tree, which knows every line and column but parses several times slower, is
 * built only when a position inside a document is asked for (a diagnostic). Whatever the fast path cannot
 * take (a syntax error, a custom tag such as CloudFormation's !Ref, an unusual document layout) goes
 * through `yaml` directly, which also positions syntax errors.
 */
export function parseFile(file: SourceFile): ParsedFile {
  if (looksLikeJson(file)) {
    let value: unknown;
    try {
      value = JSON.parse(file.content);
    } catch {
      return parseYaml(file);
    }
    return { documents: [fastDocument(file, value, 0, jsonStart(file))], diagnostics: [] };
  }
  let values: unknown[];
  try {
    values = loadAll(file.content, { schema: CORE_SCHEMA }).filter((v) => v !== null && v !== undefined);
  } catch {
    return parseYaml(file);
  }
  const starts = documentStarts(file);
  if (starts.length !== values.length) return parseYaml(file);
  return { documents: values.map((v, i) => fastDocument(file, v, i, starts[i])), diagnostics: [] };
}

function looksLikeJson(file: SourceFile): boolean {
  if (file.path.endsWith('.json')) return true;
  const first = file.content.match(/\S/);
  return first?.[0] === '{';
}

/** A document read by the fast path; the file's `yaml` node tree is built on the first position lookup. */
function fastDocument(
  file: SourceFile,
  value: unknown,
  index: number,
  start: SourcePosition,
): ParsedDocument {
  let tree: ParsedDocument | null | undefined;
  const full = (): ParsedDocument | null => {
    if (tree === undefined) {
      const parsed = parseYaml(file);
      tree = parsed.diagnostics.length === 0 ? (parsed.documents[index] ?? null) : null;
    }
    return tree;
  };
  return {
    file: file.path,
    index,
    value,
    start,
    positionAt: (path) => (path.length === 0 ? start : (full()?.positionAt(path) ?? start)),
  };
}

function jsonStart(file: SourceFile): SourcePosition {
  return offsetToPosition(file.path, file.content, Math.max(0, file.content.search(/\S/)));
}

/**
 * Where each non-empty document of a YAML stream starts (its first line that is not blank, a comment or
 * a directive), from the `---` and `...` markers.
 */
function documentStarts(file: SourceFile): SourcePosition[] {
  const starts: SourcePosition[] = [];
  let found = false;
  const lines = file.content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^---(\s|$)/.test(line)) {
      found = false;
      const rest = line.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        found = true;
        starts.push({ file: file.path, line: i + 1, col: line.indexOf(rest, 3) + 1 });
      }
      continue;
    }
    if (/^\.\.\.(\s|$)/.test(line)) {
      found = false;
      continue;
    }
    if (found) continue;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || line.startsWith('%')) continue;
    found = true;
    starts.push({ file: file.path, line: i + 1, col: line.search(/\S/) + 1 });
  }
  return starts;
}

function offsetToPosition(file: string, content: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = content.indexOf('\n'); i !== -1 && i < offset; i = content.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, col: offset - lineStart + 1 };
}

/** The slow, exact path: every node keeps its range; syntax errors become positioned diagnostics. */
function parseYaml(file: SourceFile): ParsedFile {
  const lineCounter = new LineCounter();
  // logLevel 'error': a collection used as a mapping key becomes an "unknown field" diagnostic with its
  // position; the library's own process warning about it would only leak to stderr.
  const docs = parseAllDocuments(file.content, { lineCounter, uniqueKeys: true, logLevel: 'error' });
  const diagnostics: Diagnostic[] = [];
  const documents: ParsedDocument[] = [];
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: file.path, line, col };
  };
  // An empty stream comes back as an EmptyStream, not an array.
  if (!Array.isArray(docs)) return { documents, diagnostics };
  let index = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const seen = new Set<number>();
      for (const err of doc.errors) {
        // The parser often reports one mistake twice at the same spot; once is enough.
        if (seen.has(err.pos[0])) continue;
        seen.add(err.pos[0]);
        const pos = at(err.pos[0]);
        diagnostics.push({
          severity: 'error',
          file: file.path,
          line: pos.line,
          col: pos.col,
          path: '',
          message: `${looksLikeJson(file) ? 'JSON' : 'YAML'} syntax: ${firstLine(err.message)}`,
        });
      }
      index++;
      continue;
    }
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    const root = doc.contents as Node | null;
    const start = at(root?.range?.[0] ?? doc.range[0]);
    documents.push({
      file: file.path,
      index: index++,
      value,
      start,
      positionAt: (path) => positionInTree(root, path, start, at),
    });
  }
  return { documents, diagnostics };
}

/** The parser's message without its own location suffix and source excerpt (the diagnostic carries both). */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Follows `path` down the YAML tree; a map entry is located at its key, a list item at the item. */
function positionInTree(
  root: Node | null,
  path: FieldPath,
  fallback: SourcePosition,
  at: (offset: number) => SourcePosition,
): SourcePosition {
  let node: unknown = root;
  let best = fallback;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(segment));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (keyNode?.range) best = at(keyNode.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      if (item.range) best = at(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return best;
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
