/**
 * A copy of `opts` with each option that is missing (or undefined) taken from `defaults`, so a source
 * resolves its defaults once instead of at every use.
 */
export function withDefaults<T extends object, D extends Partial<T>>(opts: T, defaults: D): T & D {
  const out: Record<string, unknown> = { ...(opts as Record<string, unknown>) };
  for (const [key, value] of Object.entries(defaults)) out[key] ??= value;
  return out as T & D;
}
