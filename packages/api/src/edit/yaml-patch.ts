import { type Document, isMap, isScalar, isSeq, type Node, parseAllDocuments, type Scalar } from 'yaml';

type Path = Array<string | number>;
type Op =
  | { type: 'scalar'; path: Path; value: unknown }
  | { type: 'append'; path: Path; value: unknown }
  | { type: 'set'; path: Path; value: unknown }
  | { type: 'delete'; path: Path };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The smallest edits that turn the node at `path` (holding `old`) into `next`. */
function diff(node: unknown, old: unknown, next: unknown, path: Path, ops: Op[]): void {
  if (same(old, next)) return;
  if (isPlainObject(old) && isPlainObject(next) && isMap(node)) {
    for (const key of Object.keys(old))
      if (!(key in next)) ops.push({ type: 'delete', path: [...path, key] });
    for (const [key, value] of Object.entries(next)) {
      if (!(key in old)) ops.push({ type: 'set', path: [...path, key], value });
      else diff(node.get(key, true), old[key], value, [...path, key], ops);
    }
    return;
  }
  if (Array.isArray(old) && Array.isArray(next) && isSeq(node)) {
    // items in common are edited in place (their comments stay); the tail is appended or cut
    const common = Math.min(old.length, next.length);
    for (let i = 0; i < common; i++) diff(node.get(i, true), old[i], next[i], [...path, i], ops);
    for (let i = old.length - 1; i >= common; i--) ops.push({ type: 'delete', path: [...path, i] });
    for (let i = common; i < next.length; i++) ops.push({ type: 'append', path, value: next[i] });
    return;
  }
  const scalarValue = typeof next !== 'object' || next === null;
  if (isScalar(node) && scalarValue) ops.push({ type: 'scalar', path, value: next });
  else ops.push({ type: 'set', path, value: next });
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@-]*$/;
const AMBIGUOUS = /^(true|false|yes|no|on|off|null|~)$/i;

function scalarText(value: unknown, oldSource: string): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  const quoted = /^['"]/.test(oldSource);
  if (!quoted && PLAIN.test(value) && !AMBIGUOUS.test(value)) return value;
  return JSON.stringify(value);
}

/** Whether the file writes `key:\n- item` (sequences not indented under their key). */
function indentsSequences(text: string): boolean {
  return !/^([ \t]*)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(text);
}

interface Span {
  doc: Document;
  start: number;
  end: number;
}

function spans(content: string): Span[] {
  const docs = parseAllDocuments(content);
  if (!Array.isArray(docs)) return [];
  let prev = 0;
  return docs.map((doc) => {
    const span = { doc, start: prev, end: doc.range[2] };
    prev = doc.range[2];
    return span;
  });
}

export interface YamlEdit {
  /** Picks the document to edit from its plain value. */
  match: (value: unknown) => boolean;
  /** The document's new plain value; null deletes the document. */
  next: (value: Record<string, unknown>) => Record<string, unknown> | null;
}

/**
 * Applies `edit` to one document of a YAML stream, keeping everything else byte for byte. Changed scalars
 * are replaced in place (the line, its comment and quoting stay); other changes go through the `yaml`
 * Document API, which keeps the comments of the untouched nodes. Returns null when the file would hold
 * no document any more, undefined when no document matched.
 */
export function editYamlDocument(content: string, edit: YamlEdit): string | null | undefined {
  const all = spans(content);
  const found = all.find((s) => edit.match(s.doc.toJS()));
  if (!found) return undefined;
  const old = found.doc.toJS() as Record<string, unknown>;
  const next = edit.next(old);
  if (next === null) {
    const rest = content.slice(0, found.start) + content.slice(found.end);
    return all.length === 1 ? null : rest.replace(/^\s*---\s*\n(?=\s*---)/, '');
  }
  const ops: Op[] = [];
  diff(found.doc.contents, old, next, [], ops);
  if (ops.length === 0) return content;
  if (ops.every((o) => o.type === 'scalar')) {
    const edits = ops
      .map((o) => {
        const node = found.doc.getIn(o.path, true) as Node;
        const [from, to] = node.range ?? [0, 0];
        return { from, to, text: scalarText(o.value, content.slice(from, to)) };
      })
      .sort((a, b) => b.from - a.from);
    let out = content;
    for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
    return out;
  }
  for (const o of ops) {
    if (o.type === 'delete') found.doc.deleteIn(o.path);
    else if (o.type === 'append') found.doc.addIn(o.path, found.doc.createNode(o.value));
    else if (o.type === 'scalar') (found.doc.getIn(o.path, true) as Scalar).value = o.value;
    else found.doc.setIn(o.path, found.doc.createNode(o.value));
  }
  const text = found.doc.toString({ indentSeq: indentsSequences(content.slice(found.start, found.end)) });
  return content.slice(0, found.start) + text + content.slice(found.end);
}
