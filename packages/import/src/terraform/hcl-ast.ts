import type { SourcePosition } from '@plexus/spec';

/**
 * HCL as Plexus evaluates it: the syntax tree of @tree-sitter-grammars/tree-sitter-hcl (a maintained HCL
 * grammar) turned into plain objects with a position on every node, so the parser's own tree can be freed.
 */
export type Expr =
  | { t: 'literal'; value: string | number | boolean | null; pos: SourcePosition }
  | { t: 'template'; parts: TemplatePart[]; pos: SourcePosition }
  | { t: 'tuple'; items: Expr[]; pos: SourcePosition }
  | { t: 'object'; items: ObjectItem[]; pos: SourcePosition }
  | { t: 'variable'; name: string; pos: SourcePosition }
  | { t: 'attr'; target: Expr; name: string; pos: SourcePosition }
  | { t: 'index'; target: Expr; key: Expr; pos: SourcePosition }
  | { t: 'splat'; target: Expr; steps: Array<{ attr: string } | { index: Expr }>; pos: SourcePosition }
  | { t: 'call'; name: string; args: Expr[]; expand: boolean; pos: SourcePosition }
  | { t: 'conditional'; test: Expr; whenTrue: Expr; otherwise: Expr; pos: SourcePosition }
  | { t: 'unary'; op: '-' | '!'; operand: Expr; pos: SourcePosition }
  | { t: 'binary'; op: string; left: Expr; right: Expr; pos: SourcePosition }
  | {
      t: 'for';
      object: boolean;
      keyVar?: string;
      valueVar: string;
      collection: Expr;
      keyExpr?: Expr;
      valueExpr: Expr;
      cond?: Expr;
      group: boolean;
      pos: SourcePosition;
    }
  | { t: 'unsupported'; what: string; pos: SourcePosition };

export type TemplatePart = string | Expr | { directive: string; pos: SourcePosition };

export interface ObjectItem {
  /** A bare name (`{ k = 1 }`) is a literal key; anything else is evaluated. */
  key: Expr;
  value: Expr;
  pos: SourcePosition;
}

export interface Attribute {
  name: string;
  expr: Expr;
  pos: SourcePosition;
}

export interface Block {
  type: string;
  labels: string[];
  body: Body;
  pos: SourcePosition;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}

export interface HclFile {
  path: string;
  body: Body;
  /** Syntax errors, positioned (the grammar's ERROR and MISSING nodes). */
  errors: Array<{ pos: SourcePosition; message: string }>;
}
