import type { SourceFile, SourcePosition } from '@plexus/spec';
import type { Node } from 'web-tree-sitter';
import type { Attribute, Block, Body, Expr, HclFile, ObjectItem, TemplatePart } from './hcl-ast.ts';

const BINARY_OPS = new Set(['*', '/', '%', '+', '-', '>', '>=', '<', '<=', '==', '!=', '&&', '||']);
const POSTFIX = new Set(['index', 'get_attr', 'splat']);

/** Walks the grammar's tree once; positions are 1-based lines and columns (UTF-16 units, as the editor's). */
export function toHclFile(file: SourceFile, root: Node): HclFile {
  const c = new Converter(file);
  const body = root.namedChildren.find((n) => n?.type === 'body');
  const out: HclFile = {
    path: file.path,
    body: body ? c.body(body) : { attributes: [], blocks: [] },
    errors: [],
  };
  if (root.hasError) c.errors(root, out.errors);
  return out;
}

class Converter {
  private readonly file: SourceFile;
  constructor(file: SourceFile) {
    this.file = file;
  }

  pos(n: Node): SourcePosition {
    return { file: this.file.path, line: n.startPosition.row + 1, col: n.startPosition.column + 1 };
  }

  errors(n: Node, out: HclFile['errors']): void {
    if (out.length >= 10) return;
    if (n.isError) {
      out.push({
        pos: this.pos(n),
        message: `HCL syntax: unexpected ${JSON.stringify(n.text.slice(0, 20))}`,
      });
      return;
    }
    if (n.isMissing) {
      out.push({ pos: this.pos(n), message: `HCL syntax: missing ${n.type}` });
      return;
    }
    for (const child of n.children) if (child && (child.hasError || child.isMissing)) this.errors(child, out);
  }

  body(n: Node): Body {
    const body: Body = { attributes: [], blocks: [] };
    for (const child of n.namedChildren) {
      if (!child) continue;
      if (child.type === 'attribute') body.attributes.push(this.attribute(child));
      else if (child.type === 'block') body.blocks.push(this.block(child));
    }
    return body;
  }

  attribute(n: Node): Attribute {
    const name = n.namedChildren.find((c) => c?.type === 'identifier')!;
    const expr = n.namedChildren.find((c) => c?.type === 'expression');
    return {
      name: name.text,
      expr: expr ? this.expression(expr) : this.unsupported(n, 'an empty attribute'),
      pos: this.pos(name),
    };
  }

  block(n: Node): Block {
    const named = n.namedChildren.filter((c): c is Node => c !== null);
    const labels: string[] = [];
    let body: Body = { attributes: [], blocks: [] };
    for (const c of named.slice(1)) {
      if (c.type === 'string_lit') labels.push(this.stringLit(c));
      else if (c.type === 'identifier') labels.push(c.text);
      else if (c.type === 'body') body = this.body(c);
    }
    return { type: named[0].text, labels, body, pos: this.pos(n) };
  }

  expression(n: Node): Expr {
    const kids = n.children.filter((c): c is Node => c !== null && c.type !== 'comment');
    const cond = kids.find((c) => c.type === 'conditional');
    if (cond && kids.length === 1) return this.conditional(cond);
    return this.term(kids, n);
  }

  conditional(n: Node): Expr {
    const parts = n.namedChildren.filter((c): c is Node => c?.type === 'expression');
    return {
      t: 'conditional',
      test: this.expression(parts[0]),
      whenTrue: this.expression(parts[1]),
      otherwise: this.expression(parts[2]),
      pos: this.pos(n),
    };
  }

  /** A primary expression followed by index, attribute and splat steps (the grammar flattens them). */
  term(kids: Node[], at: Node): Expr {
    if (kids.length === 0) return this.unsupported(at, 'an empty expression');
    let i = 0;
    let expr: Expr;
    if (kids[0].type === '(') {
      const inner = kids.find((k) => k.type === 'expression');
      expr = inner ? this.expression(inner) : this.unsupported(at, 'empty parentheses');
      i = kids.findIndex((k) => k.type === ')') + 1;
    } else {
      expr = this.primary(kids[0]);
      i = 1;
    }
    for (; i < kids.length; i++) {
      const k = kids[i];
      if (!POSTFIX.has(k.type)) return this.unsupported(k, `'${k.text}' here`);
      expr = this.postfix(expr, k);
    }
    return expr;
  }

  postfix(target: Expr, k: Node): Expr {
    const pos = this.pos(k);
    if (k.type === 'get_attr') {
      return { t: 'attr', target, name: k.namedChildren.find((c) => c?.type === 'identifier')!.text, pos };
    }
    if (k.type === 'index') {
      const inner = k.namedChildren[0]!;
      if (inner.type === 'legacy_index') {
        return { t: 'index', target, key: { t: 'literal', value: Number(inner.text.slice(1)), pos }, pos };
      }
      const e = inner.namedChildren.find((c) => c?.type === 'expression');
      return { t: 'index', target, key: e ? this.expression(e) : this.unsupported(k, 'an empty index'), pos };
    }
    const splat = k.namedChildren[0]!;
    const steps: Array<{ attr: string } | { index: Expr }> = [];
    for (const s of splat.namedChildren) {
      if (!s) continue;
      const step = this.postfix({ t: 'literal', value: null, pos }, s);
      if (step.t === 'attr') steps.push({ attr: step.name });
      else if (step.t === 'index') steps.push({ index: step.key });
    }
    return { t: 'splat', target, steps, pos };
  }

  primary(n: Node): Expr {
    const pos = this.pos(n);
    switch (n.type) {
      case 'literal_value':
        return this.literal(n.namedChildren[0]!);
      case 'template_expr':
        return this.template(n.namedChildren[0]!);
      case 'collection_value':
        return this.collection(n.namedChildren[0]!);
      case 'variable_expr':
        return { t: 'variable', name: n.text, pos };
      case 'function_call':
        return this.call(n);
      case 'for_expr':
        return this.forExpr(n.namedChildren[0]!);
      case 'operation':
        return this.operation(n.namedChildren[0]!);
      default:
        return this.unsupported(n, `'${n.text.slice(0, 30)}'`);
    }
  }

  literal(n: Node): Expr {
    const pos = this.pos(n);
    switch (n.type) {
      case 'numeric_lit':
        return { t: 'literal', value: Number(n.text), pos };
      case 'bool_lit':
        return { t: 'literal', value: n.text === 'true', pos };
      case 'null_lit':
        return { t: 'literal', value: null, pos };
      case 'string_lit':
        return { t: 'literal', value: this.stringLit(n), pos };
      default:
        return this.unsupported(n, n.type);
    }
  }

  /** A quoted string without interpolation: its text between the quotes, escapes applied. */
  stringLit(n: Node): string {
    return unescapeQuoted(this.file.content.slice(n.startIndex + 1, n.endIndex - 1));
  }

  template(n: Node): Expr {
    const pos = this.pos(n);
    const heredoc = n.type === 'heredoc_template';
    const kids = n.children.filter((c): c is Node => c !== null);
    let start: number;
    let end: number;
    let strip = false;
    if (heredoc) {
      const ids = kids.filter((k) => k.type === 'heredoc_identifier');
      strip = kids.some((k) => k.type === 'heredoc_start' && k.text === '<<-');
      // The text starts on the line after the opening identifier.
      const nl = this.file.content.indexOf('\n', ids[0].endIndex);
      start = nl === -1 ? ids[0].endIndex : nl + 1;
      end = ids[1] ? this.lineStart(ids[1].startIndex) : n.endIndex;
    } else {
      start = n.startIndex + 1;
      end = n.endIndex - 1;
    }
    const parts: TemplatePart[] = [];
    let cursor = start;
    const literal = (to: number) => {
      if (to > cursor) {
        const raw = this.file.content.slice(cursor, to);
        parts.push(heredoc ? unescapeHeredoc(raw) : unescapeQuoted(raw));
      }
    };
    for (const k of kids) {
      if (k.type === 'template_interpolation') {
        literal(k.startIndex);
        const e = k.namedChildren.find((c) => c?.type === 'expression');
        parts.push(e ? this.expression(e) : this.unsupported(k, 'an empty interpolation'));
        cursor = k.endIndex;
      } else if (k.type === 'template_directive') {
        literal(k.startIndex);
        parts.push({ directive: k.text.slice(0, 40), pos: this.pos(k) });
        cursor = k.endIndex;
      }
    }
    literal(end);
    if (strip) stripIndent(parts);
    return { t: 'template', parts, pos };
  }

  lineStart(index: number): number {
    return this.file.content.lastIndexOf('\n', index - 1) + 1;
  }

  collection(n: Node): Expr {
    const pos = this.pos(n);
    if (n.type === 'tuple') {
      return {
        t: 'tuple',
        items: n.namedChildren
          .filter((c): c is Node => c?.type === 'expression')
          .map((c) => this.expression(c)),
        pos,
      };
    }
    const items: ObjectItem[] = [];
    for (const el of n.namedChildren) {
      if (el?.type !== 'object_elem') continue;
      const key = el.childForFieldName('key')!;
      const val = el.childForFieldName('val')!;
      items.push({ key: this.objectKey(key), value: this.expression(val), pos: this.pos(el) });
    }
    return { t: 'object', items, pos };
  }

  /** `{ name = 1 }`: a bare identifier key is the string "name"; `(expr)` and strings are evaluated. */
  objectKey(key: Node): Expr {
    const kids = key.children.filter((c): c is Node => c !== null);
    if (kids.length === 1 && kids[0].type === 'variable_expr') {
      return { t: 'literal', value: kids[0].text, pos: this.pos(kids[0]) };
    }
    return this.expression(key);
  }

  call(n: Node): Expr {
    const name = n.namedChildren.find((c) => c?.type === 'identifier')!.text;
    const argsNode = n.namedChildren.find((c) => c?.type === 'function_arguments');
    const args = argsNode
      ? argsNode.namedChildren
          .filter((c): c is Node => c?.type === 'expression')
          .map((c) => this.expression(c))
      : [];
    const expand = argsNode?.namedChildren.some((c) => c?.type === 'ellipsis') ?? false;
    return { t: 'call', name, args, expand, pos: this.pos(n) };
  }

  forExpr(n: Node): Expr {
    const intro = n.namedChildren.find((c) => c?.type === 'for_intro')!;
    const ids = intro.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text);
    const collection = this.expression(intro.namedChildren.find((c) => c?.type === 'expression')!);
    const exprs = n.namedChildren
      .filter((c): c is Node => c?.type === 'expression')
      .map((c) => this.expression(c));
    const condNode = n.namedChildren.find((c) => c?.type === 'for_cond');
    const cond = condNode
      ? this.expression(condNode.namedChildren.find((c) => c?.type === 'expression')!)
      : undefined;
    const object = n.type === 'for_object_expr';
    return {
      t: 'for',
      object,
      keyVar: ids.length === 2 ? ids[0] : undefined,
      valueVar: ids.length === 2 ? ids[1] : ids[0],
      collection,
      keyExpr: object ? exprs[0] : undefined,
      valueExpr: object ? exprs[1] : exprs[0],
      cond,
      group: n.namedChildren.some((c) => c?.type === 'ellipsis'),
      pos: this.pos(n),
    };
  }

  operation(n: Node): Expr {
    const kids = n.children.filter((c): c is Node => c !== null && c.type !== 'comment');
    const pos = this.pos(n);
    if (n.type === 'unary_operation') {
      return { t: 'unary', op: kids[0].type as '-' | '!', operand: this.term(kids.slice(1), n), pos };
    }
    const at = kids.findIndex((k) => !k.isNamed && BINARY_OPS.has(k.type));
    if (at <= 0) return this.unsupported(n, `'${n.text.slice(0, 30)}'`);
    return {
      t: 'binary',
      op: kids[at].type,
      left: this.term(kids.slice(0, at), n),
      right: this.term(kids.slice(at + 1), n),
      pos,
    };
  }

  unsupported(n: Node, what: string): Expr {
    return { t: 'unsupported', what, pos: this.pos(n) };
  }
}

/** HCL quoted-string escapes: \n \r \t \" \\ \uNNNN \UNNNNNNNN, and $${ / %%{ for literal ${ / %{. */
export function unescapeQuoted(raw: string): string {
  return raw
    .replace(/\\(n|r|t|"|\\|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/g, (_m, e: string) => {
      switch (e[0]) {
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case 'u':
        case 'U':
          return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
        default:
          return e;
      }
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

function unescapeHeredoc(raw: string): string {
  return raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/** `<<-`: the smallest indentation of the literal lines is removed from every line. */
function stripIndent(parts: TemplatePart[]): void {
  const text = parts.map((p) => (typeof p === 'string' ? p : '\u0000')).join('');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const indent = Math.min(...lines.map((l) => l.match(/^[ \t]*/)![0].length));
  if (!Number.isFinite(indent) || indent === 0) return;
  let atLineStart = true;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p !== 'string') {
      atLineStart = false;
      continue;
    }
    const segs = p.split('\n');
    parts[i] = segs
      .map((s, j) => ((j > 0 || atLineStart) && s.slice(0, indent).trim() === '' ? s.slice(indent) : s))
      .join('\n');
    atLineStart = p.endsWith('\n');
  }
}
