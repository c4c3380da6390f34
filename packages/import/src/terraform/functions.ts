import { asBool, asNumber, asString, isObject, type TfValue, typeName } from './values.ts';

/** A built-in function: arguments in, value out, or a message for an error at the call. */
type Fn = (args: TfValue[]) => TfValue | { error: string };

const err = (error: string) => ({ error });

function str(v: TfValue, fn: string, i: number): string {
  const s = asString(v);
  if (s === undefined) throw new FnError(`${fn}: argument ${i + 1} must be a string, got ${typeName(v)}`);
  return s;
}
function num(v: TfValue, fn: string, i: number): number {
  const n = asNumber(v);
  if (n === undefined) throw new FnError(`${fn}: argument ${i + 1} must be a number, got ${typeName(v)}`);
  return n;
}
function list(v: TfValue, fn: string, i: number): TfValue[] {
  if (!Array.isArray(v)) throw new FnError(`${fn}: argument ${i + 1} must be a list, got ${typeName(v)}`);
  return v;
}
function obj(v: TfValue, fn: string, i: number): Record<string, TfValue> {
  if (!isObject(v)) throw new FnError(`${fn}: argument ${i + 1} must be a map, got ${typeName(v)}`);
  return v;
}

class FnError extends Error {}

/** Terraform's `format` verbs that configurations use: %s %d %v %q %f %%. */
function format(spec: string, args: TfValue[]): string {
  let i = 0;
  return spec.replace(/%(\d*\.?\d*)([sdvqft%])/g, (_m, width: string, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    if (v === undefined) throw new FnError('format: not enough arguments for the verbs');
    switch (verb) {
      case 'd':
        return String(Math.trunc(num(v, 'format', i)));
      case 'f': {
        const digits = width.includes('.') ? Number(width.split('.')[1]) : 6;
        return num(v, 'format', i).toFixed(digits);
      }
      case 'q':
        return JSON.stringify(str(v, 'format', i));
      case 't':
        return String(asBool(v));
      default:
        return asString(v) ?? JSON.stringify(v);
    }
  });
}

function sortedKeys(m: Record<string, TfValue>): string[] {
  return Object.keys(m).sort();
}

function flatten(v: TfValue[]): TfValue[] {
  return v.flatMap((x) => (Array.isArray(x) ? flatten(x) : [x]));
}

function distinct(v: TfValue[]): TfValue[] {
  const seen = new Set<string>();
  return v.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The pure functions of Terraform's language that App Mesh configurations use. Functions that read files,
 * time or randomness (file, timestamp, uuid, ...) are left out on purpose: their result is not static.
 */
const FUNCTIONS: Record<string, Fn> = {
  abs: ([a]) => Math.abs(num(a, 'abs', 0)),
  ceil: ([a]) => Math.ceil(num(a, 'ceil', 0)),
  floor: ([a]) => Math.floor(num(a, 'floor', 0)),
  max: (a) => Math.max(...a.map((x, i) => num(x, 'max', i))),
  min: (a) => Math.min(...a.map((x, i) => num(x, 'min', i))),
  parseint: ([s, b]) => {
    const n = Number.parseInt(str(s, 'parseint', 0), num(b, 'parseint', 1));
    return Number.isNaN(n) ? err(`parseint: cannot parse ${JSON.stringify(s)}`) : n;
  },
  signum: ([a]) => Math.sign(num(a, 'signum', 0)),
  chomp: ([s]) => str(s, 'chomp', 0).replace(/(\r?\n)+$/, ''),
  endswith: ([s, x]) => str(s, 'endswith', 0).endsWith(str(x, 'endswith', 1)),
  format: ([f, ...rest]) => format(str(f, 'format', 0), rest),
  formatlist: ([f, ...rest]) => {
    const lists = rest.filter(Array.isArray) as TfValue[][];
    const n = lists.length ? lists[0].length : 1;
    return Array.from({ length: n }, (_, i) =>
      format(
        str(f, 'formatlist', 0),
        rest.map((r) => (Array.isArray(r) ? r[i] : r)),
      ),
    );
  },
  indent: ([n, s]) => str(s, 'indent', 1).replace(/\n/g, `\n${' '.repeat(num(n, 'indent', 0))}`),
  join: ([sep, ...lists]) =>
    lists
      .flatMap((l, i) => list(l, 'join', i + 1))
      .map((x, i) => str(x, 'join', i))
      .join(str(sep, 'join', 0)),
  lower: ([s]) => str(s, 'lower', 0).toLowerCase(),
  upper: ([s]) => str(s, 'upper', 0).toUpperCase(),
  title: ([s]) => str(s, 'title', 0).replace(/\b\w/g, (c) => c.toUpperCase()),
  replace: ([s, a, b]) => {
    const text = str(s, 'replace', 0);
    const search = str(a, 'replace', 1);
    const by = str(b, 'replace', 2);
    const re = /^\/(.*)\/$/.exec(search);
    return re
      ? text.replace(new RegExp(re[1], 'g'), by.replace(/\$\{(\d+)\}/g, '$$$1'))
      : text.split(search).join(by);
  },
  regex: ([p, s]) => {
    const m = new RegExp(str(p, 'regex', 0)).exec(str(s, 'regex', 1));
    if (!m) return err('regex: no match');
    return m.length === 1 ? m[0] : m.slice(1);
  },
  split: ([sep, s]) => str(s, 'split', 1).split(str(sep, 'split', 0)),
  startswith: ([s, x]) => str(s, 'startswith', 0).startsWith(str(x, 'startswith', 1)),
  strrev: ([s]) => [...str(s, 'strrev', 0)].reverse().join(''),
  substr: ([s, o, l]) => {
    const text = [...str(s, 'substr', 0)];
    const off = num(o, 'substr', 1);
    const len = num(l, 'substr', 2);
    const start = off < 0 ? text.length + off : off;
    return text.slice(start, len < 0 ? undefined : start + len).join('');
  },
  trim: ([s, c]) => {
    const chars = str(c, 'trim', 1);
    let t = str(s, 'trim', 0);
    while (t && chars.includes(t[0])) t = t.slice(1);
    while (t && chars.includes(t[t.length - 1])) t = t.slice(0, -1);
    return t;
  },
  trimprefix: ([s, p]) => {
    const t = str(s, 'trimprefix', 0);
    const x = str(p, 'trimprefix', 1);
    return t.startsWith(x) ? t.slice(x.length) : t;
  },
  trimsuffix: ([s, p]) => {
    const t = str(s, 'trimsuffix', 0);
    const x = str(p, 'trimsuffix', 1);
    return x && t.endsWith(x) ? t.slice(0, -x.length) : t;
  },
  trimspace: ([s]) => str(s, 'trimspace', 0).trim(),
  alltrue: ([l]) => list(l, 'alltrue', 0).every((x) => asBool(x) === true),
  anytrue: ([l]) => list(l, 'anytrue', 0).some((x) => asBool(x) === true),
  chunklist: ([l, n]) => {
    const items = list(l, 'chunklist', 0);
    const size = num(n, 'chunklist', 1);
    const out: TfValue[] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  },
  coalesce: (a) => a.find((x) => x !== null && x !== '') ?? err('coalesce: every argument is null or empty'),
  coalescelist: (a) =>
    a.find((x) => Array.isArray(x) && x.length > 0) ?? err('coalescelist: every list is empty'),
  compact: ([l]) => list(l, 'compact', 0).filter((x) => x !== null && x !== ''),
  concat: (a) => a.flatMap((l, i) => list(l, 'concat', i)),
  contains: ([l, v]) => list(l, 'contains', 0).some((x) => JSON.stringify(x) === JSON.stringify(v)),
  distinct: ([l]) => distinct(list(l, 'distinct', 0)),
  element: ([l, i]) => {
    const items = list(l, 'element', 0);
    if (items.length === 0) return err('element: the list is empty');
    return items[((num(i, 'element', 1) % items.length) + items.length) % items.length];
  },
  flatten: ([l]) => flatten(list(l, 'flatten', 0)),
  index: ([l, v]) => {
    const i = list(l, 'index', 0).findIndex((x) => JSON.stringify(x) === JSON.stringify(v));
    return i === -1 ? err('index: the value is not in the list') : i;
  },
  keys: ([m]) => sortedKeys(obj(m, 'keys', 0)),
  values: ([m]) => sortedKeys(obj(m, 'values', 0)).map((k) => (m as Record<string, TfValue>)[k]),
  length: ([v]) =>
    typeof v === 'string'
      ? [...v].length
      : Array.isArray(v)
        ? v.length
        : isObject(v)
          ? Object.keys(v).length
          : err(`length: cannot take the length of ${typeName(v)}`),
  lookup: ([m, k, d]) => {
    const map = obj(m, 'lookup', 0);
    const key = str(k, 'lookup', 1);
    if (key in map) return map[key];
    return d !== undefined ? d : err(`lookup: no key ${JSON.stringify(key)} and no default`);
  },
  merge: (a) => Object.assign({}, ...a.map((m, i) => (m === null ? {} : obj(m, 'merge', i)))),
  one: ([l]) => {
    const items = list(l, 'one', 0);
    if (items.length > 1) return err(`one: the list has ${items.length} items`);
    return items[0] ?? null;
  },
  range: (a) => {
    const n = a.map((x, i) => num(x, 'range', i));
    const [start, end, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? (n[1] >= n[0] ? 1 : -1)];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
  reverse: ([l]) => [...list(l, 'reverse', 0)].reverse(),
  setintersection: (a) => {
    const [first, ...rest] = a.map((l, i) => list(l, 'setintersection', i));
    return distinct(
      first.filter((x) => rest.every((r) => r.some((y) => JSON.stringify(x) === JSON.stringify(y)))),
    );
  },
  setsubtract: ([a, b]) =>
    distinct(
      list(a, 'setsubtract', 0).filter(
        (x) => !list(b, 'setsubtract', 1).some((y) => JSON.stringify(x) === JSON.stringify(y)),
      ),
    ),
  setunion: (a) => distinct(a.flatMap((l, i) => list(l, 'setunion', i))),
  slice: ([l, s, e]) => list(l, 'slice', 0).slice(num(s, 'slice', 1), num(e, 'slice', 2)),
  sort: ([l]) =>
    list(l, 'sort', 0)
      .map((x, i) => str(x, 'sort', i))
      .sort(),
  sum: ([l]) => list(l, 'sum', 0).reduce<number>((acc, x, i) => acc + num(x, 'sum', i), 0),
  transpose: ([m]) => {
    const out: Record<string, string[]> = {};
    for (const [k, vs] of Object.entries(obj(m, 'transpose', 0)))
      for (const v of list(vs, 'transpose', 0)) {
        const key = str(v, 'transpose', 0);
        out[key] ??= [];
        out[key].push(k);
      }
    return out;
  },
  zipmap: ([k, v]) => {
    const ks = list(k, 'zipmap', 0);
    const vs = list(v, 'zipmap', 1);
    return Object.fromEntries(ks.map((key, i) => [str(key, 'zipmap', 0), vs[i] ?? null]));
  },
  tolist: ([l]) => list(l, 'tolist', 0),
  toset: ([l]) =>
    distinct(list(l, 'toset', 0)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  tomap: ([m]) => obj(m, 'tomap', 0),
  tostring: ([v]) => (v === null ? null : str(v, 'tostring', 0)),
  tonumber: ([v]) => (v === null ? null : num(v, 'tonumber', 0)),
  tobool: ([v]) => (v === null ? null : (asBool(v) ?? err(`tobool: cannot convert ${JSON.stringify(v)}`))),
  try: (a) => a[0],
  can: () => true,
  jsonencode: ([v]) => JSON.stringify(v),
  jsondecode: ([s]) => {
    try {
      return JSON.parse(str(s, 'jsondecode', 0)) as TfValue;
    } catch (e) {
      return err(`jsondecode: ${(e as Error).message}`);
    }
  },
  base64encode: ([s]) => Buffer.from(str(s, 'base64encode', 0), 'utf8').toString('base64'),
  base64decode: ([s]) => Buffer.from(str(s, 'base64decode', 0), 'base64').toString('utf8'),
  urlencode: ([s]) => encodeURIComponent(str(s, 'urlencode', 0)),
};

/** Calls a built-in; unknown or impure functions, and argument errors, come back as `{error}`. */
export function callFunction(name: string, args: TfValue[]): TfValue | { error: string } {
  const fn = FUNCTIONS[name.replace(/^provider::[^:]+::/, '')];
  if (!fn) {
    return err(
      `function ${name}() is not evaluated by Plexus (only pure functions are: ${Object.keys(FUNCTIONS).slice(0, 12).join(', ')}, ...)`,
    );
  }
  try {
    return fn(args);
  } catch (e) {
    if (e instanceof FnError) return err(e.message);
    throw e;
  }
}
