import { join } from 'node:path';
import { SOURCE_NAME } from '@plexus/teams';
import type { Logger } from 'pino';
import { LastGoodStore } from '../last-good.ts';
import type { DaemonOptions } from '../options.ts';
import type { CoreStages } from '../stages.ts';
import { SourceSet, SourceState } from './source-set.ts';

/** The configured sources, each with its own Source, logger (`source: <name>`) and last-good store. */
export function createSourceSet(options: DaemonOptions, stages: CoreStages, logger: Logger): SourceSet {
  const configs = options.sources ?? [];
  const seen = new Set<string>();
  for (const c of configs) {
    if (!SOURCE_NAME.test(c.name)) {
      throw new Error(
        `source name '${c.name}' must be letters, digits, '.', '_' or '-' (it prefixes file paths)`,
      );
    }
    if (seen.has(c.name)) throw new Error(`source name '${c.name}' is given twice`);
    seen.add(c.name);
  }
  return new SourceSet(
    configs.map((c) => {
      const source =
        options.overrides?.sources?.[c.name] ??
        stages.createSource({
          ...c,
          cacheDir: c.cacheDir ?? (options.cacheDir ? join(options.cacheDir, c.name) : undefined),
        });
      const log = logger.child({ stage: 'source', source: c.name });
      const lastGood = options.stateDir
        ? new LastGoodStore(options.stateDir, log, `source-${c.name}.json`)
        : undefined;
      return new SourceState(c, source, log, lastGood);
    }),
  );
}
