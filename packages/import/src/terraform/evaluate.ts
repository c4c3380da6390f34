import type { SourcePosition } from '@plexus/spec';
import { callFunction } from './functions.ts';
import type { Expr } from './hcl-ast.ts';
import {
  asBool,
  asNumber,
  asString,
  type Evaluated,
  isObject,
  type TfValue,
  typeName,
  UNKNOWN,
} from './values.ts';

/** A step after a reference's root: `.name` or `[key]`. */
export type Step = { attr: string; pos: SourcePosition } | { index: TfValue; pos: SourcePosition };

/** What expressions look up: references (var., local., resources, data., ...) and where errors go. */
export interface EvalContext {
  /** Bound names: for-expression variables, `each`, `count`, a dynamic block's iterator. */
  bindings: ReadonlyMap<string, TfValue>;
  /**
   * A reference whose root is not bound: consumes the steps it needs and says how many it used
   * (`aws_appmesh_mesh.m.name` uses two, `var.x` one).
   */
  reference(root: string, steps: readonly Step[], pos: SourcePosition): { value: Evaluated; used: number };
  fail(pos: SourcePosition, message: string): typeof UNKNOWN;
  /** Runs `f` with failures not reported (`try()` and `can()`); returns whether any occurred. */
  quietly<T>(f: () => T): { value: T; failed: boolean };
}

export function bind(ctx: EvalContext, names: Record<string, TfValue>): EvalContext {
  const bindings = new Map(ctx.bindings);
  for (const [k, v] of Object.entries(names)) bindings.set(k, v);
  return { ...ctx, bindings };
}

/** Evaluates an HCL expression statically; anything that needs the cloud is an error at its position. */
export function evaluate(e: Expr, ctx: EvalContext): Evaluated {
  switch (e.t) {
    case 'literal':
      return e.value;
    case 'template':
      return template(e, ctx);
    case 'tuple': {
      const items = e.items.map((i) => evaluate(i, ctx));
      return items.includes(UNKNOWN) ? UNKNOWN : (items as TfValue[]);
    }
    case 'object': {
      const out: Record<string, TfValue> = {};
      let unknown = false;
      for (const item of e.items) {
        const k = evaluate(item.key, ctx);
        const v = evaluate(item.value, ctx);
        if (k === UNKNOWN || v === UNKNOWN) {
          unknown = true;
          continue;
        }
        const key = asString(k);
        if (key === undefined) {
          ctx.fail(item.pos, `an object key must be a string, got ${typeName(k)}`);
          unknown = true;
          continue;
        }
        out[key] = v;
      }
      return unknown ? UNKNOWN : out;
    }
    case 'variable':
    case 'attr':
    case 'index':
      return traversal(e, ctx);
    case 'splat': {
      const target = evaluate(e.target, ctx);
      if (target === UNKNOWN) return UNKNOWN;
      const items = target === null ? [] : Array.isArray(target) ? target : [target];
      const out: TfValue[] = [];
      for (const item of items) {
        let v: Evaluated = item;
        for (const s of e.steps) {
          if (v === UNKNOWN) break;
          v = 'attr' in s ? step(v, { attr: s.attr, pos: e.pos }, ctx) : indexStep(v, s.index, e.pos, ctx);
        }
        if (v === UNKNOWN) return UNKNOWN;
        out.push(v);
      }
      return out;
    }
    case 'call':
      return call(e, ctx);
    case 'conditional': {
      const test = evaluate(e.test, ctx);
      if (test === UNKNOWN) return UNKNOWN;
      const b = asBool(test);
      if (b === undefined)
        return ctx.fail(e.test.pos, `a condition must be true or false, got ${typeName(test)}`);
      return evaluate(b ? e.whenTrue : e.otherwise, ctx);
    }
    case 'unary': {
      const v = evaluate(e.operand, ctx);
      if (v === UNKNOWN) return UNKNOWN;
      if (e.op === '!') {
        const b = asBool(v);
        return b === undefined ? ctx.fail(e.pos, `! needs true or false, got ${typeName(v)}`) : !b;
      }
      const n = asNumber(v);
      return n === undefined ? ctx.fail(e.pos, `- needs a number, got ${typeName(v)}`) : -n;
    }
    case 'binary':
      return binary(e, ctx);
    case 'for':
      return forExpr(e, ctx);
    case 'unsupported':
      return ctx.fail(e.pos, `Plexus cannot evaluate ${e.what}`);
  }
}

function template(e: Extract<Expr, { t: 'template' }>, ctx: EvalContext): Evaluated {
  // "${x}" alone is x itself, not its string form.
  if (e.parts.length === 1 && typeof e.parts[0] !== 'string' && !('directive' in e.parts[0])) {
    return evaluate(e.parts[0], ctx);
  }
  let out = '';
  let unknown = false;
  for (const p of e.parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    if ('directive' in p) {
      ctx.fail(p.pos, `template directives (%{ if }, %{ for }) are not evaluated by Plexus: ${p.directive}`);
      unknown = true;
      continue;
    }
    const v = evaluate(p, ctx);
    if (v === UNKNOWN) {
      unknown = true;
      continue;
    }
    const s = asString(v);
    if (s === undefined) {
      ctx.fail(p.pos, `a template interpolation must be a string, number or bool, got ${typeName(v)}`);
      unknown = true;
      continue;
    }
    out += s;
  }
  return unknown ? UNKNOWN : out;
}

/** `root.a.b[0]`: the root and its steps, handed to the context unless the root is a bound name. */
function traversal(e: Expr, ctx: EvalContext): Evaluated {
  const steps: Step[] = [];
  let cur = e;
  while (cur.t === 'attr' || cur.t === 'index') {
    if (cur.t === 'attr') steps.unshift({ attr: cur.name, pos: cur.pos });
    else {
      const k = evaluate(cur.key, ctx);
      if (k === UNKNOWN) return UNKNOWN;
      steps.unshift({ index: k, pos: cur.pos });
    }
    cur = cur.target;
  }
  let value: Evaluated;
  let used = 0;
  if (cur.t === 'variable') {
    if (ctx.bindings.has(cur.name)) value = ctx.bindings.get(cur.name)!;
    else ({ value, used } = ctx.reference(cur.name, steps, cur.pos));
  } else {
    value = evaluate(cur, ctx);
  }
  for (const s of steps.slice(used)) {
    if (value === UNKNOWN) return UNKNOWN;
    value = step(value, s, ctx);
  }
  return value;
}

export function step(v: TfValue, s: Step, ctx: EvalContext): Evaluated {
  if ('attr' in s) {
    if (isObject(v) && s.attr in v) return v[s.attr];
    return ctx.fail(s.pos, `${typeName(v)} has no attribute "${s.attr}"`);
  }
  return indexStep(v, s.index, s.pos, ctx);
}

function indexStep(v: TfValue, key: Evaluated | Expr, pos: SourcePosition, ctx: EvalContext): Evaluated {
  const k =
    typeof key === 'object' && key !== null && 't' in (key as object)
      ? evaluate(key as Expr, ctx)
      : (key as Evaluated);
  if (k === UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) {
    const i = asNumber(k as TfValue);
    if (i === undefined || !Number.isInteger(i))
      return ctx.fail(pos, `a list index must be a whole number, got ${typeName(k as TfValue)}`);
    if (i < 0 || i >= v.length)
      return ctx.fail(pos, `index ${i} is out of range (the list has ${v.length} items)`);
    return v[i];
  }
  if (isObject(v)) {
    const key2 = asString(k as TfValue);
    if (key2 !== undefined && key2 in v) return v[key2];
    return ctx.fail(pos, `no key ${JSON.stringify(k)} (keys: ${Object.keys(v).join(', ') || 'none'})`);
  }
  return ctx.fail(pos, `cannot index ${typeName(v)}`);
}

function call(e: Extract<Expr, { t: 'call' }>, ctx: EvalContext): Evaluated {
  if (e.name === 'try' || e.name === 'can') {
    for (const a of e.args) {
      const { value, failed } = ctx.quietly(() => evaluate(a, ctx));
      if (!failed && value !== UNKNOWN) return e.name === 'can' ? true : value;
    }
    return e.name === 'can' ? false : ctx.fail(e.pos, 'try(): no argument could be evaluated');
  }
  const args = e.args.map((a) => evaluate(a, ctx));
  if (args.includes(UNKNOWN)) return UNKNOWN;
  let values = args as TfValue[];
  if (e.expand) {
    const last = values[values.length - 1];
    if (!Array.isArray(last)) return ctx.fail(e.pos, `${e.name}(...): the expanded argument must be a list`);
    values = [...values.slice(0, -1), ...last];
  }
  const r = callFunction(e.name, values);
  if (
    r !== null &&
    typeof r === 'object' &&
    !Array.isArray(r) &&
    'error' in r &&
    Object.keys(r).length === 1
  ) {
    return ctx.fail(e.pos, String(r.error));
  }
  return r as TfValue;
}

function binary(e: Extract<Expr, { t: 'binary' }>, ctx: EvalContext): Evaluated {
  const l = evaluate(e.left, ctx);
  if (e.op === '&&' && l !== UNKNOWN && asBool(l) === false) return false;
  if (e.op === '||' && l !== UNKNOWN && asBool(l) === true) return true;
  const r = evaluate(e.right, ctx);
  if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
  switch (e.op) {
    case '==':
      return JSON.stringify(l) === JSON.stringify(r);
    case '!=':
      return JSON.stringify(l) !== JSON.stringify(r);
    case '&&':
    case '||': {
      const a = asBool(l);
      const b = asBool(r);
      if (a === undefined || b === undefined)
        return ctx.fail(e.pos, `${e.op} needs true or false on both sides`);
      return e.op === '&&' ? a && b : a || b;
    }
  }
  const a = asNumber(l);
  const b = asNumber(r);
  if (a === undefined || b === undefined) {
    return ctx.fail(e.pos, `${e.op} needs numbers, got ${typeName(l)} and ${typeName(r)}`);
  }
  switch (e.op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? ctx.fail(e.pos, 'division by zero') : a / b;
    case '%':
      return b === 0 ? ctx.fail(e.pos, 'division by zero') : a % b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return ctx.fail(e.pos, `unknown operator ${e.op}`);
  }
}

function forExpr(e: Extract<Expr, { t: 'for' }>, ctx: EvalContext): Evaluated {
  const coll = evaluate(e.collection, ctx);
  if (coll === UNKNOWN) return UNKNOWN;
  let pairs: Array<[TfValue, TfValue]>;
  if (Array.isArray(coll)) pairs = coll.map((v, i) => [i, v]);
  else if (isObject(coll))
    pairs = Object.keys(coll)
      .sort()
      .map((k) => [k, coll[k]]);
  else return ctx.fail(e.collection.pos, `for needs a list, set or map, got ${typeName(coll)}`);
  const list: TfValue[] = [];
  const map: Record<string, TfValue> = {};
  const grouped: Record<string, TfValue[]> = {};
  for (const [k, v] of pairs) {
    const names: Record<string, TfValue> = { [e.valueVar]: v };
    if (e.keyVar) names[e.keyVar] = k;
    const inner = bind(ctx, names);
    if (e.cond) {
      const c = evaluate(e.cond, inner);
      if (c === UNKNOWN) return UNKNOWN;
      if (asBool(c) !== true) continue;
    }
    const value = evaluate(e.valueExpr, inner);
    if (value === UNKNOWN) return UNKNOWN;
    if (!e.object) {
      list.push(value);
      continue;
    }
    const key = evaluate(e.keyExpr!, inner);
    if (key === UNKNOWN) return UNKNOWN;
    const ks = asString(key);
    if (ks === undefined) return ctx.fail(e.keyExpr!.pos, `a for key must be a string, got ${typeName(key)}`);
    if (e.group) {
      grouped[ks] ??= [];
      grouped[ks].push(value);
    } else if (ks in map)
      return ctx.fail(e.pos, `duplicate key ${JSON.stringify(ks)} in a for expression (use ... to group)`);
    else map[ks] = value;
  }
  return e.object ? (e.group ? grouped : map) : list;
}
