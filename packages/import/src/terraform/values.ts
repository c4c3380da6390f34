import type { Plain } from '../model/located.ts';

/** A value Plexus could not compute; why is already reported. */
export const UNKNOWN = Symbol('unknown');

export type TfValue = Plain;
export type Evaluated = TfValue | typeof UNKNOWN;

export function typeName(v: TfValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

export function isObject(v: unknown): v is Record<string, TfValue> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Terraform's string conversion of primitives. */
export function asString(v: TfValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function asNumber(v: TfValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function asBool(v: TfValue): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}
