import { basename } from 'node:path';
import type { SourceConfig } from '@plexus/daemon';
import { UsageError } from './parse-args.ts';

const KEYS = ['name', 'owner', 'branch', 'tag', 'commit', 'path'] as const;
type Key = (typeof KEYS)[number];

/**
 * `--repo PATH|URL[,branch=B][,path=P][,owner=O][,name=N][,tag=T][,commit=SHA]`. The location ends at the
 * first `,key=` of a known key, so URLs with commas still work.
 */
export function parseRepoFlag(value: string): SourceConfig {
  const re = new RegExp(`,(?=(?:${KEYS.join('|')})=)`);
  const [repo, ...pairs] = value.split(re);
  if (!repo) throw new UsageError(`--repo '${value}': the path or URL comes first`);
  const out: Partial<Record<Key, string>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq) as Key;
    const v = pair.slice(eq + 1);
    if (!v) throw new UsageError(`--repo '${value}': ${key}= needs a value`);
    if (out[key] !== undefined) throw new UsageError(`--repo '${value}': ${key}= is given twice`);
    out[key] = v;
  }
  if ([out.branch, out.tag, out.commit].filter(Boolean).length > 1) {
    throw new UsageError(`--repo '${value}': give at most one of branch=, tag= and commit=`);
  }
  const name = out.name ?? out.owner ?? defaultName(repo);
  return {
    name,
    repo,
    ...(out.owner ? { owner: out.owner } : {}),
    ...(out.branch ? { branch: out.branch } : {}),
    ...(out.tag ? { tag: out.tag } : {}),
    ...(out.commit ? { commit: out.commit } : {}),
    ...(out.path ? { path: out.path } : {}),
  };
}

/** `https://git.example.com/team/mesh.git` → `mesh`; `/srv/team-a-specs/` → `team-a-specs`. */
function defaultName(repo: string): string {
  const last = basename(repo.replace(/[/\\]+$/, '')).replace(/\.git$/, '');
  return last.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'source';
}

/** True when the --repo values ask for the multi-source daemon: several, or one with `,key=` options. */
export function wantsSources(values: readonly string[]): boolean {
  return values.length > 1 || values.some((v) => parseRepoFlag(v).repo !== v);
}

/** The --repo values as sources; names must differ (give `,name=` where the defaults collide). */
export function sourcesFromFlags(values: readonly string[]): SourceConfig[] {
  const sources = values.map(parseRepoFlag);
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(s.name)) {
      throw new UsageError(`--repo: two sources are named '${s.name}': add ,name=N to one of them`);
    }
    seen.add(s.name);
  }
  return sources;
}
