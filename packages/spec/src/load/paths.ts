import type { FieldPath } from '../model/resource.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export interface FieldPathStyle {
  /** Written before the path, e.g. `spec`. */
  root?: string;
  /** Writes keys that are not identifiers as `["my-plugin"]` instead of `.my-plugin`. */
  quoteKeys?: boolean;
}

/** `['spec', 'listeners', 0, 'port']` → `spec.listeners[0].port`. */
export function dottedFieldPath(path: FieldPath, style: FieldPathStyle = {}): string {
  let out = style.root ?? '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (style.quoteKeys && !IDENTIFIER.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

/** API key → the keys a source format may spell it as (tried in order when the API key is absent). */
export type KeyAliases = Readonly<Record<string, readonly string[]>>;

/**
 * Maps a path in the API shape to the path as written in the source, walking the source value:
 * each key is kept when present, else replaced by the first alias present. Past the first miss
 * the rest is appended unchanged (the position lookup then stops at the nearest ancestor).
 */
export function mapApiPath(apiPath: FieldPath, source: unknown, aliases: KeyAliases): FieldPath {
  const out: Array<string | number> = [];
  let node: unknown = source;
  for (let i = 0; i < apiPath.length; i++) {
    const segment = apiPath[i];
    if (Array.isArray(node) && typeof segment === 'number') {
      out.push(segment);
      node = node[segment];
      continue;
    }
    if (isRecord(node)) {
      const obj = node;
      const key = String(segment);
      const found = key in obj ? key : aliases[key]?.find((alias) => alias in obj);
      if (found !== undefined) {
        out.push(found);
        node = obj[found];
        continue;
      }
    }
    out.push(...apiPath.slice(i));
    break;
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
