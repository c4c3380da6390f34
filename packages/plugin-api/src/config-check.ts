import type { ConfigIssue } from './plugin.ts';

/** Small helpers for `validateConfig`: each records issues with paths relative to the plugin's block. */

export function joinPath(base: string, field: string | number): string {
  if (typeof field === 'number') return `${base}[${field}]`;
  return base ? `${base}.${field}` : field;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as an object, or undefined after recording an issue. */
export function expectObject(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): Record<string, unknown> | undefined {
  if (isRecord(value)) return value;
  issues.push({ path, message: 'expected an object' });
  return undefined;
}

/** Records an issue for each field of `obj` not in `allowed`. */
export function expectKnownFields(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  issues: ConfigIssue[],
): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      issues.push({ path: joinPath(path, k), message: `unknown field (allowed: ${allowed.join(', ')})` });
    }
  }
}

export interface FieldOptions {
  required?: boolean;
}

export function expectString(
  obj: Record<string, unknown>,
  field: string,
  path: string,
  issues: ConfigIssue[],
  { required = false }: FieldOptions = {},
): string | undefined {
  const v = obj[field];
  if (v === undefined) {
    if (required) issues.push({ path: joinPath(path, field), message: 'required' });
    return undefined;
  }
  if (typeof v !== 'string' || v.length === 0) {
    issues.push({ path: joinPath(path, field), message: 'expected a non-empty string' });
    return undefined;
  }
  return v;
}

export function expectEnum<T extends string>(
  obj: Record<string, unknown>,
  field: string,
  values: readonly T[],
  path: string,
  issues: ConfigIssue[],
  opts: FieldOptions = {},
): T | undefined {
  const v = expectString(obj, field, path, issues, opts);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    issues.push({ path: joinPath(path, field), message: `expected one of ${values.join(', ')}` });
    return undefined;
  }
  return v as T;
}

export function expectPort(
  obj: Record<string, unknown>,
  field: string,
  path: string,
  issues: ConfigIssue[],
  opts: FieldOptions = {},
): number | undefined {
  const v = obj[field];
  if (v === undefined) {
    if (opts.required) issues.push({ path: joinPath(path, field), message: 'required' });
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) {
    issues.push({ path: joinPath(path, field), message: 'expected an integer port 1..65535' });
    return undefined;
  }
  return v;
}

/** A `Record<string,string>` field (tags, attributes). */
export function expectStringMap(
  obj: Record<string, unknown>,
  field: string,
  path: string,
  issues: ConfigIssue[],
): Record<string, string> | undefined {
  const v = obj[field];
  if (v === undefined) return undefined;
  const p = joinPath(path, field);
  if (!isRecord(v)) {
    issues.push({ path: p, message: 'expected a map of strings' });
    return undefined;
  }
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') issues.push({ path: joinPath(p, k), message: 'expected a string' });
  }
  return v as Record<string, string>;
}
