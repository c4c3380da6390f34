import type { Diagnostic } from '@plexus/spec';
import {
  checkOwnership,
  markSources,
  type OwnershipRules,
  prefixFiles,
  type SourceIdentity,
} from '@plexus/teams';
import type { CoreStages, LoadOutcome, SourceRevision } from '../stages.ts';

export interface UnionOutcome {
  /** The union's files, each under its source's name. */
  files: SourceRevision['files'];
  /** Load + validate + ownership; every resource carries `source`. */
  validated: LoadOutcome;
  errors: Diagnostic[];
}

/**
 * Loads the union of the given sources' revisions as one mesh, validates it whole (references across sources
 * resolve), and checks the ownership rules against each resource's source.
 */
export function evaluateUnion(
  stages: CoreStages,
  revisions: ReadonlyMap<string, SourceRevision>,
  identities: ReadonlyMap<string, SourceIdentity>,
  rules: OwnershipRules | undefined,
): UnionOutcome {
  const names = [...revisions.keys()].sort();
  const files = names.flatMap((n) => prefixFiles(n, revisions.get(n)!.files));
  let loaded: LoadOutcome;
  try {
    loaded = stages.loadAndValidate(files, { partial: false });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const d: Diagnostic = { severity: 'error', file: names.join(','), line: 1, col: 1, path: '', message };
    return { files, validated: { resources: [], diagnostics: [d], skipped: [], ok: false }, errors: [d] };
  }
  markSources(loaded.resources);
  const owned = rules
    ? checkOwnership(loaded.resources, (r) => (r.source ? identities.get(r.source) : undefined), rules)
    : [];
  const validated: LoadOutcome =
    owned.length > 0 ? { ...loaded, ok: false, diagnostics: [...loaded.diagnostics, ...owned] } : loaded;
  return { files, validated, errors: validated.diagnostics.filter((d) => d.severity === 'error') };
}
