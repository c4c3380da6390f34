import { type Diagnostic, KINDS, type LoadResult } from '@plexus/spec';

/** `5 resources (1 Mesh, 4 VirtualNode), 2 skipped, 1 error, 0 warnings`. */
export function summaryLine(result: LoadResult & { diagnostics: Diagnostic[] }): string {
  const counts = countByKind(result);
  const byKind = Object.entries(counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  return [
    `${plural(result.resources.length, 'resource')}${byKind ? ` (${byKind})` : ''}`,
    `${result.skipped.length} skipped`,
    plural(errors, 'error'),
    plural(warnings, 'warning'),
  ].join(', ');
}

/** Resources per kind, in the order of KINDS, kinds with none left out. */
export function countByKind(result: LoadResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of KINDS) {
    const n = result.resources.filter((r) => r.kind === kind).length;
    if (n > 0) counts[kind] = n;
  }
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
