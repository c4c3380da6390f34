/** RFC 6902 JSON Patch and RFC 7386 merge patch over plain JSON values. Throws PatchError with the op index. */

export class PatchError extends Error {
  readonly index: number;
  constructor(index: number, message: string) {
    super(message);
    this.index = index;
  }
}

type J = unknown;

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isObj(v: J): v is Record<string, J> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parent container and last token of a pointer; throws when the parent does not exist. */
function locate(doc: J, pointer: string, i: number): { parent: J; key: string } {
  const t = tokens(pointer);
  if (t.length === 0) throw new PatchError(i, 'the root cannot be the target');
  let cur = doc;
  for (const k of t.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (isObj(cur)) cur = cur[k];
    else cur = undefined;
    if (cur === undefined) throw new PatchError(i, `path ${pointer} does not exist (at "${k}")`);
  }
  return { parent: cur, key: t[t.length - 1]! };
}

function get(doc: J, pointer: string, i: number): J {
  let cur = doc;
  for (const k of tokens(pointer)) {
    cur = Array.isArray(cur) ? cur[Number(k)] : isObj(cur) ? cur[k] : undefined;
    if (cur === undefined) throw new PatchError(i, `path ${pointer} does not exist`);
  }
  return cur;
}

function index(arr: J[], key: string, i: number, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new PatchError(i, `"${key}" is not a list index`);
  const n = Number(key);
  if (n > arr.length || (!forAdd && n === arr.length))
    throw new PatchError(i, `index ${n} is out of range (length ${arr.length})`);
  return n;
}

function add(doc: J, pointer: string, value: J, i: number): void {
  const { parent, key } = locate(doc, pointer, i);
  if (Array.isArray(parent)) parent.splice(index(parent, key, i, true), 0, value);
  else if (isObj(parent)) parent[key] = value;
  else throw new PatchError(i, `path ${pointer}: parent is not an object or list`);
}

function remove(doc: J, pointer: string, i: number): J {
  const { parent, key } = locate(doc, pointer, i);
  if (Array.isArray(parent)) return parent.splice(index(parent, key, i, false), 1)[0];
  if (isObj(parent) && key in parent) {
    const v = parent[key];
    delete parent[key];
    return v;
  }
  throw new PatchError(i, `path ${pointer} does not exist`);
}

export interface PatchOp {
  op: string;
  path: string;
  from?: string;
  value?: J;
}

/** Applies the operations to a copy of `doc`. */
export function applyJsonPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  const out = clone(doc) as J;
  ops.forEach((o, i) => {
    switch (o.op) {
      case 'add':
        add(out, o.path, clone(o.value), i);
        break;
      case 'remove':
        remove(out, o.path, i);
        break;
      case 'replace':
        remove(out, o.path, i);
        add(out, o.path, clone(o.value), i);
        break;
      case 'move': {
        if (o.from === undefined) throw new PatchError(i, 'move needs from');
        add(out, o.path, remove(out, o.from, i), i);
        break;
      }
      case 'copy':
        if (o.from === undefined) throw new PatchError(i, 'copy needs from');
        add(out, o.path, clone(get(out, o.from, i)), i);
        break;
      case 'test':
        if (JSON.stringify(get(out, o.path, i)) !== JSON.stringify(o.value)) {
          throw new PatchError(i, `test failed: ${o.path} is not ${JSON.stringify(o.value)}`);
        }
        break;
      default:
        throw new PatchError(i, `unknown op "${o.op}"`);
    }
  });
  return out as T;
}

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function mergePatch<T>(doc: T, patch: J): T {
  const merge = (target: J, p: J): J => {
    if (!isObj(p)) return clone(p);
    const base: Record<string, J> = isObj(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(p)) {
      if (v === null) delete base[k];
      else base[k] = merge(base[k], v);
    }
    return base;
  };
  return merge(clone(doc), patch) as T;
}
