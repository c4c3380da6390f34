import type { SourceFile, SourcePosition } from '@plexus/spec';
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';

/**
 * A template as written: maps, lists, scalars and intrinsic functions, each with its position. Short-form
 * tags (`!Ref X`, `!Sub '...'`, `!GetAtt A.B`) and long forms (`{"Ref": "X"}`, `Fn::Sub: ...`) both become
 * `fn` nodes, so the evaluator sees one form.
 */
export type CfnNode = CfnScalar | CfnSeq | CfnMap | CfnFn;

export interface CfnScalar {
  t: 'scalar';
  value: string | number | boolean | null;
  pos: SourcePosition;
}
export interface CfnSeq {
  t: 'seq';
  items: CfnNode[];
  pos: SourcePosition;
}
export interface CfnEntry {
  key: string;
  keyPos: SourcePosition;
  value: CfnNode;
}
export interface CfnMap {
  t: 'map';
  entries: CfnEntry[];
  pos: SourcePosition;
}
export interface CfnFn {
  t: 'fn';
  /** `Ref`, `Condition` or `Fn::*`. */
  name: string;
  arg: CfnNode;
  pos: SourcePosition;
}

/** Intrinsic functions CloudFormation knows, by their long names (short tags are `!` + the part after `Fn::`). */
export const INTRINSICS = [
  'Ref',
  'Condition',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::Transform',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Length',
  'Fn::ToJsonString',
  'Fn::ForEach',
] as const;

const SHORT_TAGS = new Map<string, string>(
  INTRINSICS.map((name) => [`!${name.startsWith('Fn::') ? name.slice(4) : name}`, name]),
);

export interface ParsedTemplate {
  root?: CfnNode;
  /** YAML or JSON syntax errors, positioned. */
  errors: Array<{ pos: SourcePosition; message: string }>;
}

/** `intrinsics: false` reads plain YAML/JSON (values and parameter files: `Ref` there is just a key). */
export function parseTemplate(file: SourceFile, options: { intrinsics?: boolean } = {}): ParsedTemplate {
  const intrinsics = options.intrinsics ?? true;
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.content, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: file.path, line, col };
  };
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({ pos: at(e.pos[0]), message: e.message.split('\n')[0] })),
    };
  }
  const root = doc.contents as Node | null;
  if (!root) return { errors: [] };
  return { root: convert(root, doc, at, 0, intrinsics), errors: [] };
}

function convert(
  node: Node,
  doc: Document,
  at: (offset: number) => SourcePosition,
  depth: number,
  intrinsics: boolean,
): CfnNode {
  if (depth > 200) throw new Error('template nests too deeply');
  if (isAlias(node)) {
    const target = (node as Alias).resolve(doc);
    if (!target) return { t: 'scalar', value: null, pos: at(node.range?.[0] ?? 0) };
    return convert(target as Node, doc, at, depth + 1, intrinsics);
  }
  const pos = at(node.range?.[0] ?? 0);
  const tag = (node as { tag?: string }).tag;
  const fnName = tag && intrinsics ? SHORT_TAGS.get(tag) : undefined;
  let value: CfnNode;
  if (isScalar(node)) {
    const v = node.value;
    value = {
      t: 'scalar',
      value:
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null
          ? v
          : String(v),
      pos,
    };
    // `!GetAtt A.B` is the short form of `Fn::GetAtt: [A, B]`.
    if (fnName === 'Fn::GetAtt' && typeof v === 'string') {
      const dot = v.indexOf('.');
      value = {
        t: 'seq',
        items: [
          { t: 'scalar', value: dot === -1 ? v : v.slice(0, dot), pos },
          { t: 'scalar', value: dot === -1 ? '' : v.slice(dot + 1), pos },
        ],
        pos,
      };
    }
  } else if (isSeq(node)) {
    value = {
      t: 'seq',
      items: node.items.map((i) => convert(i as Node, doc, at, depth + 1, intrinsics)),
      pos,
    };
  } else if (isMap(node)) {
    const entries: CfnEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyPos = at(keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
      const v = pair.value as Node | null;
      entries.push({
        key,
        keyPos,
        value: v ? convert(v, doc, at, depth + 1, intrinsics) : { t: 'scalar', value: null, pos: keyPos },
      });
    }
    value = { t: 'map', entries, pos };
    // Long form: a map with one key naming an intrinsic ({"Ref": "X"}, {"Fn::Sub": "..."}).
    if (intrinsics && entries.length === 1 && isLongForm(entries[0].key)) {
      return { t: 'fn', name: entries[0].key, arg: entries[0].value, pos: entries[0].keyPos };
    }
  } else {
    value = { t: 'scalar', value: null, pos };
  }
  return fnName ? { t: 'fn', name: fnName, arg: value, pos } : value;
}

function isLongForm(key: string): boolean {
  return key === 'Ref' || (key.startsWith('Fn::') && (INTRINSICS as readonly string[]).includes(key));
}

/** The entry `key` of a map node. */
export function entry(node: CfnNode | undefined, key: string): CfnEntry | undefined {
  return node?.t === 'map' ? node.entries.find((e) => e.key === key) : undefined;
}

/** Cheap test: does the text look like a CloudFormation template (without parsing it)? */
export function looksLikeTemplate(content: string): boolean {
  return (
    /^\s*["']?AWSTemplateFormatVersion["']?\s*:/m.test(content) ||
    (/^\s*["']?Resources["']?\s*:/m.test(content) && /["']?Type["']?\s*:\s*["']?AWS::/.test(content))
  );
}
