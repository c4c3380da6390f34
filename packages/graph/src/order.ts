import type { SpecResource } from '@plexus/spec';

/** App Mesh match order: explicit priority first (lower wins), unset after all; ties by name. */
export function byPriority<T extends { priority?: number }>(a: SpecResource<T>, b: SpecResource<T>): number {
  const pa = a.spec?.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.spec?.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
