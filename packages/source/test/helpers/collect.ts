import type { Revision, Source, SourceError } from '../../src/index.ts';

/** Starts a source and records everything it reports. */
export async function collect(
  source: Source,
): Promise<{ revs: Revision[]; errors: SourceError[]; last(): Revision }> {
  const revs: Revision[] = [];
  const errors: SourceError[] = [];
  await source.start(
    (r) => revs.push(r),
    (e) => errors.push(e),
  );
  return {
    revs,
    errors,
    last: () => {
      const r = revs.at(-1);
      if (!r) throw new Error('no revision yet');
      return r;
    },
  };
}

export function paths(rev: Revision): string[] {
  return rev.files.map((f) => f.path);
}

export function content(rev: Revision, path: string): string | undefined {
  return rev.files.find((f) => f.path === path)?.content;
}
