import type { SourcePosition } from '@plexus/spec';

/**
 * A value read from an IaC source, every part of it carrying where it was written: the readers evaluate
 * templates and configurations into these, and the mapping to the App Mesh API shape keeps the positions.
 */
export type Located = LocatedScalar | LocatedList | LocatedMap;

export interface LocatedScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  pos: SourcePosition;
}

export interface LocatedList {
  kind: 'list';
  items: Located[];
  pos: SourcePosition;
}

export interface LocatedEntry {
  /** Where the key is written (diagnostics about the entry point here). */
  keyPos: SourcePosition;
  value: Located;
}

export interface LocatedMap {
  kind: 'map';
  entries: Map<string, LocatedEntry>;
  pos: SourcePosition;
}

export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** A plain value (the result of a function) as a located one: every part at `pos`. */
export function locate(value: Plain, pos: SourcePosition): Located {
  if (Array.isArray(value)) return { kind: 'list', items: value.map((v) => locate(v, pos)), pos };
  if (value !== null && typeof value === 'object') {
    const entries = new Map<string, LocatedEntry>();
    for (const [k, v] of Object.entries(value)) entries.set(k, { keyPos: pos, value: locate(v, pos) });
    return { kind: 'map', entries, pos };
  }
  return { kind: 'scalar', value, pos };
}

/** The plain value of a located one. */
export function plain(value: Located): Plain {
  if (value.kind === 'scalar') return value.value;
  if (value.kind === 'list') return value.items.map(plain);
  const out: Record<string, Plain> = {};
  for (const [k, e] of value.entries) out[k] = plain(e.value);
  return out;
}
