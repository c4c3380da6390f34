import type { SourceFile } from '@plexus/spec';

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
