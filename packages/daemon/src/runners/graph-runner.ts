import type { Logger } from 'pino';
import { latestWins } from '../latest-value.ts';
import type { Channels, ValidRevision } from '../messages.ts';
import { errorFromException } from '../revision-error.ts';
import type { Runner } from '../runner.ts';
import type { CoreStages, ProxyRef } from '../stages.ts';

/** Builds the desired-state graph of each valid revision and lists its proxies. */
export function createGraphRunner(stages: CoreStages, channels: Channels, log: Logger): Runner {
  const job = latestWins<ValidRevision>(
    async (valid) => {
      try {
        const graph = stages.buildGraph(valid.resources);
        const proxies = new Map<string, ProxyRef>();
        for (const id of stages.proxyIds(graph)) {
          const ref = stages.parseProxyId(id);
          if (!ref) throw new Error(`graph lists proxy '${id}', which is not a proxy id`);
          proxies.set(id, ref);
        }
        channels.graphs.publish({ ...valid, graph, proxies });
      } catch (err) {
        log.error({ revision: valid.revision, err }, 'graph failed; keeping the last good revision');
        channels.outcomes.publish({
          revision: valid.revision,
          seenAt: valid.seenAt,
          ok: false,
          error: errorFromException(valid.revision, 'graph', err),
        });
      }
    },
    (err) => log.error({ err }, 'graph runner failed'),
  );
  let unsubscribe = () => {};
  return {
    name: 'graph',
    start() {
      unsubscribe = channels.valid.subscribe(job.push);
    },
    idle: job.idle,
    async stop() {
      unsubscribe();
      await job.idle();
    },
  };
}
