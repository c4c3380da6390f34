import type { SourcePosition } from '@plexus/spec';
import { type Located, type LocatedEntry, locate, plain } from '../model/located.ts';
import type { CfnFn, CfnNode } from './template-nodes.ts';

/** `AWS::NoValue`: the property is left out. */
export const NO_VALUE = Symbol('AWS::NoValue');
/** A value that could not be resolved; the reason is already reported. */
export const UNRESOLVED = Symbol('unresolved');

export type Evaluated = Located | typeof NO_VALUE | typeof UNRESOLVED;

/** What the intrinsic functions look up in their stack (parameters, conditions, resources, exports). */
export interface Scope {
  /** `Ref` of a parameter, pseudo parameter or resource. */
  ref(name: string, pos: SourcePosition, path: string): Evaluated;
  getAtt(resource: string, attribute: string, pos: SourcePosition, path: string): Evaluated;
  condition(name: string, pos: SourcePosition): boolean | typeof UNRESOLVED;
  findInMap(map: string, top: string, second: string, pos: SourcePosition, path: string): Evaluated;
  importValue(name: string, pos: SourcePosition, path: string): Evaluated;
  availabilityZones(region: string, pos: SourcePosition, path: string): Evaluated;
  /** Reports an error at `pos` (field path `path`) and returns UNRESOLVED. */
  fail(pos: SourcePosition, path: string, message: string): typeof UNRESOLVED;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  'Fn::Cidr': 'Fn::Cidr is not evaluated by Plexus (it is for VPC subnets, not App Mesh specs)',
  'Fn::Transform':
    'Fn::Transform runs a CloudFormation macro at deploy time; give the processed template instead',
  'Fn::Length': 'Fn::Length needs the AWS::LanguageExtensions transform; give the processed template instead',
  'Fn::ToJsonString':
    'Fn::ToJsonString needs the AWS::LanguageExtensions transform; give the processed template instead',
  'Fn::ForEach':
    'Fn::ForEach needs the AWS::LanguageExtensions transform; give the processed template instead',
};

/**
 * Evaluates a template node: maps and lists keep the positions of their parts, a function's result is
 * placed at the function. `AWS::NoValue` drops a map entry or list item. Pure: every lookup goes through
 * `scope`.
 */
export function evaluate(node: CfnNode, scope: Scope, path: string): Evaluated {
  switch (node.t) {
    case 'scalar':
      return { kind: 'scalar', value: node.value, pos: node.pos };
    case 'seq': {
      const items: Located[] = [];
      let unresolved = false;
      node.items.forEach((item, i) => {
        const v = evaluate(item, scope, `${path}[${i}]`);
        if (v === UNRESOLVED) unresolved = true;
        else if (v !== NO_VALUE) items.push(v);
      });
      return unresolved ? UNRESOLVED : { kind: 'list', items, pos: node.pos };
    }
    case 'map': {
      const entries = new Map<string, LocatedEntry>();
      let unresolved = false;
      for (const e of node.entries) {
        const v = evaluate(e.value, scope, path ? `${path}.${e.key}` : e.key);
        if (v === UNRESOLVED) unresolved = true;
        else if (v !== NO_VALUE) entries.set(e.key, { keyPos: e.keyPos, value: v });
      }
      return unresolved ? UNRESOLVED : { kind: 'map', entries, pos: node.pos };
    }
    case 'fn':
      return evaluateFunction(node, scope, path);
  }
}

function evaluateFunction(fn: CfnFn, scope: Scope, path: string): Evaluated {
  const here = path ? `${path}.${fn.name}` : fn.name;
  const unsupported = UNSUPPORTED[fn.name];
  if (unsupported) return scope.fail(fn.pos, here, unsupported);
  switch (fn.name) {
    case 'Ref': {
      const name = literalString(fn.arg);
      if (name === undefined)
        return scope.fail(fn.pos, here, 'Ref takes the name of a parameter or resource');
      return scope.ref(name, fn.pos, here);
    }
    case 'Fn::GetAtt':
      return getAtt(fn, scope, here);
    case 'Fn::Sub':
      return sub(fn, scope, here);
    case 'Fn::Join': {
      const args = listArgs(fn, scope, here, 2);
      if (!Array.isArray(args)) return args;
      const [delim, list] = args;
      if (delim.kind !== 'scalar')
        return scope.fail(fn.pos, here, 'Fn::Join: the delimiter must be a string');
      if (list.kind !== 'list')
        return scope.fail(fn.pos, here, 'Fn::Join: the second argument must be a list');
      const parts = list.items.map((i) => (i.kind === 'scalar' ? String(i.value ?? '') : undefined));
      if (parts.includes(undefined))
        return scope.fail(fn.pos, here, 'Fn::Join: every list item must be a string');
      return locate(parts.join(String(delim.value ?? '')), fn.pos);
    }
    case 'Fn::Select': {
      const args = listArgs(fn, scope, here, 2);
      if (!Array.isArray(args)) return args;
      const [index, list] = args;
      const i = index.kind === 'scalar' ? Number(index.value) : Number.NaN;
      if (!Number.isInteger(i)) return scope.fail(fn.pos, here, 'Fn::Select: the index must be an integer');
      if (list.kind !== 'list')
        return scope.fail(fn.pos, here, 'Fn::Select: the second argument must be a list');
      if (i < 0 || i >= list.items.length) {
        return scope.fail(
          fn.pos,
          here,
          `Fn::Select: index ${i} is outside the list (${list.items.length} items)`,
        );
      }
      return list.items[i];
    }
    case 'Fn::Split': {
      const args = listArgs(fn, scope, here, 2);
      if (!Array.isArray(args)) return args;
      const [delim, text] = args;
      if (delim.kind !== 'scalar' || text.kind !== 'scalar') {
        return scope.fail(fn.pos, here, 'Fn::Split takes a delimiter and a string');
      }
      return locate(String(text.value ?? '').split(String(delim.value ?? '')), fn.pos);
    }
    case 'Fn::If': {
      if (fn.arg.t !== 'seq' || fn.arg.items.length !== 3) {
        return scope.fail(fn.pos, here, 'Fn::If takes [condition name, value if true, value if false]');
      }
      const name = literalString(fn.arg.items[0]);
      if (name === undefined)
        return scope.fail(fn.pos, here, 'Fn::If: the first item must be a condition name');
      const cond = scope.condition(name, fn.arg.items[0].pos);
      if (cond === UNRESOLVED) return UNRESOLVED;
      return evaluate(fn.arg.items[cond ? 1 : 2], scope, path);
    }
    case 'Fn::Equals':
    case 'Fn::Not':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Condition': {
      const b = evaluateCondition(fn, scope, here);
      return b === UNRESOLVED ? UNRESOLVED : locate(b, fn.pos);
    }
    case 'Fn::FindInMap': {
      const args = listArgs(fn, scope, here, 3);
      if (!Array.isArray(args)) return args;
      const keys = args.map((a) => (a.kind === 'scalar' ? String(a.value) : undefined));
      if (keys.includes(undefined))
        return scope.fail(fn.pos, here, 'Fn::FindInMap takes [map name, top-level key, second-level key]');
      return scope.findInMap(keys[0]!, keys[1]!, keys[2]!, fn.pos, here);
    }
    case 'Fn::ImportValue': {
      const name = evaluate(fn.arg, scope, here);
      if (name === UNRESOLVED || name === NO_VALUE) return UNRESOLVED;
      if (name.kind !== 'scalar') return scope.fail(fn.pos, here, 'Fn::ImportValue takes an export name');
      return scope.importValue(String(name.value), fn.pos, here);
    }
    case 'Fn::GetAZs': {
      const region = evaluate(fn.arg, scope, here);
      if (region === UNRESOLVED || region === NO_VALUE) return UNRESOLVED;
      return scope.availabilityZones(
        region.kind === 'scalar' ? String(region.value ?? '') : '',
        fn.pos,
        here,
      );
    }
    case 'Fn::Base64': {
      const v = evaluate(fn.arg, scope, here);
      if (v === UNRESOLVED || v === NO_VALUE) return UNRESOLVED;
      if (v.kind !== 'scalar') return scope.fail(fn.pos, here, 'Fn::Base64 takes a string');
      return locate(Buffer.from(String(v.value ?? ''), 'utf8').toString('base64'), fn.pos);
    }
    default:
      return scope.fail(fn.pos, here, `unknown intrinsic function ${fn.name}`);
  }
}

/** A condition: Fn::Equals/Not/And/Or, `{Condition: name}` or a condition name (inside Fn::And and the like). */
export function evaluateCondition(node: CfnNode, scope: Scope, path: string): boolean | typeof UNRESOLVED {
  if (node.t === 'map' && node.entries.length === 1 && node.entries[0].key === 'Condition') {
    const name = literalString(node.entries[0].value);
    if (name === undefined) return scope.fail(node.pos, path, 'Condition takes a condition name');
    return scope.condition(name, node.entries[0].keyPos);
  }
  if (node.t !== 'fn') {
    const v = node.t === 'scalar' ? node.value : undefined;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    return scope.fail(
      node.pos,
      path,
      'expected a condition (Fn::Equals, Fn::Not, Fn::And, Fn::Or, {Condition: name})',
    );
  }
  const here = `${path}.${node.name}`;
  switch (node.name) {
    case 'Condition': {
      const name = literalString(node.arg);
      if (name === undefined) return scope.fail(node.pos, here, 'Condition takes a condition name');
      return scope.condition(name, node.pos);
    }
    case 'Fn::Equals': {
      const args = listArgs(node, scope, here, 2);
      if (!Array.isArray(args)) return UNRESOLVED;
      return JSON.stringify(comparable(plain(args[0]))) === JSON.stringify(comparable(plain(args[1])));
    }
    case 'Fn::Not': {
      if (node.arg.t !== 'seq' || node.arg.items.length !== 1)
        return scope.fail(node.pos, here, 'Fn::Not takes a list of one condition');
      const b = evaluateCondition(node.arg.items[0], scope, `${here}[0]`);
      return b === UNRESOLVED ? UNRESOLVED : !b;
    }
    case 'Fn::And':
    case 'Fn::Or': {
      if (node.arg.t !== 'seq' || node.arg.items.length < 2 || node.arg.items.length > 10) {
        return scope.fail(node.pos, here, `${node.name} takes a list of 2 to 10 conditions`);
      }
      const results = node.arg.items.map((c, i) => evaluateCondition(c, scope, `${here}[${i}]`));
      if (results.includes(UNRESOLVED)) return UNRESOLVED;
      return node.name === 'Fn::And' ? results.every((b) => b === true) : results.some((b) => b === true);
    }
    case 'Ref': {
      // A parameter used as a condition: "true"/"false".
      const v = evaluate(node, scope, path);
      if (v === UNRESOLVED || v === NO_VALUE) return UNRESOLVED;
      if (v.kind === 'scalar' && (v.value === 'true' || v.value === true)) return true;
      if (v.kind === 'scalar' && (v.value === 'false' || v.value === false)) return false;
      return scope.fail(node.pos, here, 'a condition must be true or false');
    }
    default:
      return scope.fail(node.pos, here, `${node.name} is not a condition function`);
  }
}

/** CloudFormation compares the string forms: `Fn::Equals [1, "1"]` is true. */
function comparable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(comparable);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, comparable(x)]));
  return v === null ? '' : String(v);
}

function getAtt(fn: CfnFn, scope: Scope, here: string): Evaluated {
  if (fn.arg.t !== 'seq' || fn.arg.items.length !== 2) {
    return scope.fail(
      fn.pos,
      here,
      'Fn::GetAtt takes [logical id, attribute] (or !GetAtt LogicalId.Attribute)',
    );
  }
  const resource = literalString(fn.arg.items[0]);
  if (resource === undefined)
    return scope.fail(fn.pos, here, 'Fn::GetAtt: the logical id must be a plain string');
  const attr = evaluate(fn.arg.items[1], scope, here);
  if (attr === UNRESOLVED || attr === NO_VALUE) return UNRESOLVED;
  if (attr.kind !== 'scalar' || !attr.value)
    return scope.fail(fn.pos, here, 'Fn::GetAtt: the attribute name must be a string');
  return scope.getAtt(resource, String(attr.value), fn.pos, here);
}

/** `Fn::Sub: "text ${Name} ${Res.Attr} ${!Literal}"` or `Fn::Sub: [text, {Name: value}]`. */
function sub(fn: CfnFn, scope: Scope, here: string): Evaluated {
  let template: CfnNode;
  const vars = new Map<string, CfnNode>();
  if (fn.arg.t === 'seq') {
    if (fn.arg.items.length !== 2 || fn.arg.items[1].t !== 'map') {
      return scope.fail(fn.pos, here, 'Fn::Sub takes a string, or [string, {variable: value}]');
    }
    template = fn.arg.items[0];
    for (const e of fn.arg.items[1].entries) vars.set(e.key, e.value);
  } else {
    template = fn.arg;
  }
  const text = literalString(template);
  if (text === undefined) return scope.fail(fn.pos, here, 'Fn::Sub: the template must be a literal string');
  let out = '';
  let unresolved = false;
  let last = 0;
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    out += text.slice(last, m.index);
    last = m.index + m[0].length;
    const name = m[1].trim();
    if (name.startsWith('!')) {
      out += `\${${name.slice(1)}}`;
      continue;
    }
    let v: Evaluated;
    const local = vars.get(name);
    if (local) v = evaluate(local, scope, `${here}.${name}`);
    else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      v = scope.getAtt(name.slice(0, dot), name.slice(dot + 1), fn.pos, here);
    } else v = scope.ref(name, fn.pos, here);
    if (v === UNRESOLVED || v === NO_VALUE) {
      unresolved = true;
      continue;
    }
    if (v.kind !== 'scalar') {
      scope.fail(fn.pos, here, `Fn::Sub: \${${name}} is a ${v.kind}, not a string`);
      unresolved = true;
      continue;
    }
    out += String(v.value ?? '');
  }
  out += text.slice(last);
  return unresolved ? UNRESOLVED : locate(out, fn.pos);
}

/** The function's argument as a list of exactly `n` evaluated items. */
function listArgs(fn: CfnFn, scope: Scope, here: string, n: number): Located[] | typeof UNRESOLVED {
  const v = evaluate(fn.arg, scope, here);
  if (v === UNRESOLVED) return UNRESOLVED;
  if (v === NO_VALUE || v.kind !== 'list' || v.items.length !== n) {
    return scope.fail(fn.pos, here, `${fn.name} takes a list of ${n} items`);
  }
  return v.items;
}

export function literalString(node: CfnNode): string | undefined {
  return node.t === 'scalar' && node.value !== null ? String(node.value) : undefined;
}
