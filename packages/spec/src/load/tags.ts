/** App Mesh's TagRef list (`[{key, value}]`), or undefined when `value` is not one. */
export function tagList(value: unknown): Array<{ key: string; value: string }> | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: Array<{ key: string; value: string }> = [];
  for (const t of value) {
    if (typeof t !== 'object' || t === null) return undefined;
    const { key, value: v } = t as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || (v !== undefined && typeof v !== 'string')) return undefined;
    out.push({ key, value: v ?? '' });
  }
  return out;
}
