import type { Diagnostic } from '@plexus/spec';
import { sourceOfPath } from './source-files.ts';

/** A candidate's errors split by where they are: in the changed source's files, or in other sources'. */
export interface Attribution {
  own: Diagnostic[];
  /** Source name → errors in its files: resources of that source that the change breaks. */
  dependents: Map<string, Diagnostic[]>;
}

/**
 * Every other source's files were valid together before the change, so an error in them is one the change
 * caused (typically a reference to something the change removed): it belongs to the changed source too.
 */
export function attributeErrors(diagnostics: readonly Diagnostic[], changed: string): Attribution {
  const own: Diagnostic[] = [];
  const dependents = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    const src = sourceOfPath(d.file);
    if (!src || src === changed) own.push(d);
    else dependents.set(src, [...(dependents.get(src) ?? []), d]);
  }
  return { own, dependents };
}

/** One line naming the resources of other sources a change breaks, e.g. for `plexus status`. */
export function dependentsMessage(changed: string, dependents: Attribution['dependents']): string {
  const parts = [...dependents].map(([src, ds]) => {
    const named = [...new Set(ds.map((d) => `${d.kind ?? 'file'} ${d.mesh ?? ''}/${d.name ?? d.file}`))];
    return `${src}'s ${named.join(', ')}`;
  });
  return `source ${changed}: the change breaks resources other sources depend on: ${parts.join('; ')}`;
}
