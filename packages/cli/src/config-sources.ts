import { isAbsolute, join } from 'node:path';
import type { SourceConfig } from '@plexus/daemon';
import type { SourceIdentity } from '@plexus/teams';
import { UsageError } from './parse-args.ts';
import type { SourceDir } from './source-args.ts';

/**
 * The sources `plexus validate --config FILE` checks and who each speaks for. A `--source NAME=DIR` is read
 * from DIR (a team's work tree before it commits, or a checkout of a remote source); every other source of
 * the file is read from its local directory as it is on disk. Remote sources must be given with --source.
 * Without a `sources:` section each --source is its own owner.
 */
export function configSources(
  configFile: string,
  fromConfig: readonly SourceConfig[] | undefined,
  given: readonly SourceDir[],
): { dirs: SourceDir[]; identities: Map<string, SourceIdentity> } {
  const identities = new Map<string, SourceIdentity>();
  if (!fromConfig) {
    if (given.length === 0) {
      throw new UsageError(`${configFile} has no sources: section; give the sources with --source NAME=DIR`);
    }
    for (const g of given) identities.set(g.name, { name: g.name, owner: g.name });
    return { dirs: [...given], identities };
  }
  const byName = new Map(given.map((g) => [g.name, g]));
  for (const g of given) {
    if (!fromConfig.some((s) => s.name === g.name)) {
      throw new UsageError(
        `--source ${g.name}: ${configFile} has no source of that name (it has ${fromConfig.map((s) => s.name).join(', ')})`,
      );
    }
  }
  const dirs: SourceDir[] = [];
  for (const s of fromConfig) {
    identities.set(s.name, { name: s.name, owner: s.owner ?? s.name });
    const g = byName.get(s.name);
    if (g) dirs.push(g);
    // The config file's local repos come resolved to absolute paths; anything else is a URL.
    else if (isAbsolute(s.repo)) dirs.push({ name: s.name, dir: join(s.repo, s.path ?? '') });
    else {
      throw new UsageError(
        `source ${s.name} is the remote ${s.repo}: give a checkout of it with --source ${s.name}=DIR`,
      );
    }
  }
  return { dirs, identities };
}
