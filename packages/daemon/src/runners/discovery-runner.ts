import type { Logger } from 'pino';
import { latestWins } from '../latest-value.ts';
import type { Channels, GraphSnapshot } from '../messages.ts';
import type { Runner } from '../runner.ts';
import type { Discovery } from '../stages.ts';

/**
 * Tells discovery about each new graph's resources and republishes the graph with the endpoints it reports;
 * endpoint changes on their own republish the current graph with cause 'endpoints'.
 */
export function createDiscoveryRunner(discovery: Discovery, channels: Channels, log: Logger): Runner {
  let started = false;
  const job = latestWins<GraphSnapshot>(
    async (graph) => {
      try {
        await discovery.update(graph.resources);
      } catch (err) {
        // Plugins keep their last endpoints (marked stale); the revision still applies.
        log.warn({ revision: graph.revision, err }, 'discovery update failed; using last known endpoints');
      }
      channels.discovered.publish({ graph, endpoints: discovery.current(), cause: 'revision' });
    },
    (err) => log.error({ err }, 'discovery runner failed'),
  );
  let unsubscribe = () => {};
  return {
    name: 'discovery',
    start() {
      started = true;
      discovery.onChange(() => {
        const graph = channels.graphs.latest();
        const last = channels.discovered.latest();
        // Only once the current graph went through update(); until then the revision path publishes.
        if (!started || !graph || !last || last.graph !== graph) return;
        channels.discovered.publish({ graph, endpoints: discovery.current(), cause: 'endpoints' });
      });
      unsubscribe = channels.graphs.subscribe(job.push);
    },
    idle: job.idle,
    async stop() {
      started = false;
      unsubscribe();
      await job.idle();
      await discovery.stop();
    },
  };
}
