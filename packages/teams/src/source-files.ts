import type { SourceFile, SpecResource } from '@plexus/spec';

/** Source names: they prefix file paths in errors (`team-a/mesh/web.yaml:3:1`), so no `/` and no spaces. */
export const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** A source's files as they are loaded beside the others': each path under the source's name. */
export function prefixFiles(source: string, files: readonly SourceFile[]): SourceFile[] {
  return files.map((f) => ({ path: `${source}/${f.path}`, content: f.content }));
}

/** The source a prefixed path belongs to (the first segment), or undefined for a path with none. */
export function sourceOfPath(path: string): string | undefined {
  const i = path.indexOf('/');
  return i > 0 ? path.slice(0, i) : undefined;
}

/**
 * Sets `source` on each resource whose (prefixed) file belongs to a source: any source, or only those in
 * `names` when given.
 */
export function markSources(resources: readonly SpecResource[], names?: ReadonlySet<string>): void {
  for (const r of resources) {
    const src = sourceOfPath(r.position.file);
    if (src !== undefined && (!names || names.has(src))) r.source = src;
  }
}
