import type { FieldPath } from '../model/resource.ts';

/**
 * A tiny schema DSL: each schema value is both the runtime validator and (through `Infer`) the static type,
 * so the App Mesh shapes are written once. Chosen over zod so that every message, path and "did you mean"
 * is ours and checking stays a single allocation-light walk.
 */

/** One schema finding: absolute field path (from the spec root) and message. */
export interface SchemaIssue {
  path: FieldPath;
  message: string;
}

export type Path = Array<string | number>;

export interface Schema<T, Opt extends boolean = false> {
  readonly optional: Opt;
  /** Human name of the expected type, for "expected X" messages. */
  readonly expected: string;
  check(value: unknown, path: Path, issues: SchemaIssue[]): void;
  /** Phantom member carrying the static type; never set. */
  readonly __type?: T;
}

// biome-ignore lint/suspicious/noExplicitAny: variance-free schema bound
export type AnySchema = Schema<any, boolean>;
export type Infer<S> = S extends Schema<infer T, boolean> ? T : never;

type Shape = Record<string, AnySchema>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type InferShape<S extends Shape> = Simplify<
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    -readonly [K in OptionalKeys<S>]?: Infer<S[K]>;
  }
>;

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `number ${value}`;
    case 'boolean':
      return `boolean ${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function typeError(expected: string, value: unknown): string {
  return `expected ${expected}, got ${describeValue(value)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optional<T>(schema: Schema<T, false>): Schema<T, true> {
  return { ...schema, check: schema.check, optional: true };
}

export interface StringRules {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Extra check returning a message, or undefined when fine. */
  refine?: (value: string) => string | undefined;
}

export function string(rules: StringRules = {}): Schema<string> {
  const { min, max, pattern, refine } = rules;
  return {
    optional: false,
    expected: 'a string',
    check(value, path, issues) {
      if (typeof value !== 'string') {
        issues.push({ path: [...path], message: typeError('a string', value) });
        return;
      }
      if (outOfBounds(value.length, min, max)) {
        issues.push({
          path: [...path],
          message: `length must be ${countBounds(min, max)} characters, got ${value.length}`,
        });
        return;
      }
      if (pattern && !pattern.test(value)) {
        issues.push({ path: [...path], message: `must match the pattern ${pattern.source}` });
        return;
      }
      const refined = refine?.(value);
      if (refined) issues.push({ path: [...path], message: refined });
    },
  };
}

function outOfBounds(n: number, min: number | undefined, max: number | undefined): boolean {
  return (min !== undefined && n < min) || (max !== undefined && n > max);
}

/** `at least 1`, `at most 5` or `between 1 and 5`; at least one bound is set. */
function countBounds(min: number | undefined, max: number | undefined): string {
  if (max === undefined) return `at least ${min}`;
  if (min === undefined) return `at most ${max}`;
  return `between ${min} and ${max}`;
}

export interface IntRules {
  min?: number;
  max?: number;
}

/** App Mesh numbers are all integers (Integer or Long in the API model). */
export function integer(rules: IntRules = {}): Schema<number> {
  const { min, max } = rules;
  return {
    optional: false,
    expected: 'an integer',
    check(value, path, issues) {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        issues.push({ path: [...path], message: typeError('an integer', value) });
        return;
      }
      if (outOfBounds(value, min, max)) {
        const bounds =
          max === undefined ? `>= ${min}` : min === undefined ? `<= ${max}` : `between ${min} and ${max}`;
        issues.push({ path: [...path], message: `must be ${bounds}, got ${value}` });
      }
    },
  };
}

/** A number that may have decimals (Plexus extensions only: App Mesh's own numbers are integers). */
export function decimal(rules: IntRules = {}): Schema<number> {
  const { min, max } = rules;
  return {
    optional: false,
    expected: 'a number',
    check(value, path, issues) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        issues.push({ path: [...path], message: typeError('a number', value) });
        return;
      }
      if (outOfBounds(value, min, max)) {
        const bounds =
          max === undefined ? `>= ${min}` : min === undefined ? `<= ${max}` : `between ${min} and ${max}`;
        issues.push({ path: [...path], message: `must be ${bounds}, got ${value}` });
      }
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    optional: false,
    expected: 'a boolean',
    check(value, path, issues) {
      if (typeof value !== 'boolean')
        issues.push({ path: [...path], message: typeError('true or false', value) });
    },
  };
}

export function enumOf<const V extends readonly string[]>(values: V): Schema<V[number]> & { values: V } {
  const set = new Set<string>(values);
  const list = values.join(', ');
  return {
    optional: false,
    expected: `one of ${list}`,
    values,
    check(value, path, issues) {
      if (typeof value === 'string' && set.has(value)) return;
      const hint = typeof value === 'string' ? didYouMean(value, values) : '';
      issues.push({ path: [...path], message: `must be one of ${list}, got ${describeValue(value)}${hint}` });
    },
  };
}

export interface ListRules {
  min?: number;
  max?: number;
}

export type ListSchema<T> = Schema<T[]> & { item: Schema<T, false>; rules: ListRules };

export function list<T>(item: Schema<T, false>, rules: ListRules = {}): ListSchema<T> {
  const { min, max } = rules;
  return {
    optional: false,
    expected: 'a list',
    item,
    rules,
    check(value, path, issues) {
      if (!Array.isArray(value)) {
        issues.push({ path: [...path], message: typeError('a list', value) });
        return;
      }
      if (outOfBounds(value.length, min, max)) {
        const bounds = min === max ? `exactly ${min}` : countBounds(min, max);
        issues.push({
          path: [...path],
          message: `must have ${bounds} item${(max ?? min) === 1 ? '' : 's'}, got ${value.length}`,
        });
      }
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        item.check(value[i], path, issues);
        path.pop();
      }
    },
  };
}

export interface ObjectRules {
  /** Exactly one of these keys must be set (an App Mesh union). */
  exactlyOne?: readonly string[];
  /** At most one of each group may be set. */
  atMostOne?: ReadonlyArray<readonly string[]>;
  /**
   * Keys not in the shape: return true when handled (validated and counted as a union member), false to
   * report them as unknown.
   */
  extraKey?: (key: string, value: unknown, path: Path, issues: SchemaIssue[]) => boolean;
  /** Names listed in "did you mean" and union messages besides the shape's own keys. */
  extraNames?: () => readonly string[];
}

export type ObjectSchema<S extends Shape> = Schema<InferShape<S>> & { shape: S; rules: ObjectRules };

export function object<S extends Shape>(shape: S, rules: ObjectRules = {}): ObjectSchema<S> {
  const keys = Object.keys(shape);
  const { exactlyOne, atMostOne, extraKey, extraNames } = rules;
  return {
    optional: false,
    expected: 'an object',
    shape,
    rules,
    check(value, path, issues) {
      if (!isPlainObject(value)) {
        issues.push({ path: [...path], message: typeError('an object', value) });
        return;
      }
      let extraMembers: string[] | undefined;
      for (const key in value) {
        if (Object.hasOwn(shape, key)) continue;
        path.push(key);
        const handled = extraKey?.(key, value[key], path, issues) ?? false;
        path.pop();
        if (handled) {
          if (value[key] !== undefined && value[key] !== null) {
            extraMembers ??= [];
            extraMembers.push(key);
          }
          continue;
        }
        const names = extraNames ? [...keys, ...extraNames()] : keys;
        issues.push({ path: [...path, key], message: `unknown field "${key}"${didYouMean(key, names)}` });
      }
      for (const key of keys) {
        const member = shape[key] as AnySchema;
        const v = value[key];
        path.push(key);
        if (v === undefined || v === null) {
          if (!member.optional) issues.push({ path: [...path], message: 'required field is missing' });
        } else {
          member.check(v, path, issues);
        }
        path.pop();
      }
      if (exactlyOne) {
        // In document order, so the finding points at the member written second.
        const set = Object.keys(value).filter(
          (k) =>
            (exactlyOne.includes(k) && value[k] !== undefined && value[k] !== null) ||
            extraMembers?.includes(k),
        );
        if (set.length !== 1) {
          const names = extraNames ? [...exactlyOne, ...extraNames()] : exactlyOne;
          const got = set.length === 0 ? 'none' : set.join(', ');
          issues.push({
            path: set.length > 1 ? [...path, set[1] as string] : [...path],
            message: `exactly one of ${names.join(', ')} must be set, got ${got}`,
          });
        }
      }
      if (atMostOne) {
        for (const group of atMostOne) {
          const set = Object.keys(value).filter(
            (k) => group.includes(k) && value[k] !== undefined && value[k] !== null,
          );
          if (set.length > 1) {
            issues.push({
              path: [...path, set[1] as string],
              message: `${set.join(' and ')} are mutually exclusive: set only one of ${group.join(', ')}`,
            });
          }
        }
      }
    },
  };
}

/** Suffix like `; did you mean "port"?` when a close name exists (edit distance ≤ 2 or case-insensitive). */
export function didYouMean(input: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = input.toLowerCase();
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return `; did you mean "${c}"?`;
    if (Math.abs(c.length - input.length) > 2) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.min(2, Math.floor(input.length / 2))
    ? `; did you mean "${best}"?`
    : '';
}

/** Optimal-string-alignment distance: edits plus adjacent transpositions ("dsn" → "dns" is 1). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = d;
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Runs a schema over a value and returns every issue (paths start at the given prefix). */
export function checkSchema(schema: AnySchema, value: unknown, prefix: FieldPath = []): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  schema.check(value, [...prefix], issues);
  return issues;
}
