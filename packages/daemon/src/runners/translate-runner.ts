import type { EndpointSet } from '@plexus/plugin-api';
import { endpointKey } from '@plexus/plugin-api';
import type { Logger } from 'pino';
import { latestWins } from '../channels.ts';
import type { Channels, DiscoveredSnapshot } from '../messages.ts';
import { errorFromException } from '../revision-error.ts';
import type { Runner } from '../runner.ts';
import type { ConfigTransform, CoreStages, ProxyConfig } from '../stages.ts';

function fingerprint(endpoints: Map<string, EndpointSet>): string {
  return JSON.stringify([...endpoints].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Computes every proxy's Envoy config for a snapshot; all or nothing, so a revision applies atomically. */
export function createTranslateRunner(
  stages: CoreStages,
  channels: Channels,
  log: Logger,
  options?: object | ((proxyKey: string) => object | undefined),
  transform: ConfigTransform = (_key, config) => config,
): Runner {
  const optionsFor = typeof options === 'function' ? options : () => options;
  let last: { graph: unknown; endpoints: string; configs: Map<string, ProxyConfig> } | undefined;
  const job = latestWins<DiscoveredSnapshot>(
    async ({ graph, endpoints, cause }) => {
      const lookup = (mesh: string, node: string): EndpointSet | undefined =>
        endpoints.get(endpointKey(mesh, node));
      const endpointsText = fingerprint(endpoints);
      // Same endpoints: a proxy the graph diff leaves alone keeps its config, untranslated.
      const affected =
        last && stages.affectedProxies && last.endpoints === endpointsText
          ? stages.affectedProxies(last.graph, graph.graph)
          : undefined;
      const configs = new Map<string, ProxyConfig>();
      try {
        for (const [id, ref] of graph.proxies) {
          const kept = affected && !affected.has(id) ? last?.configs.get(id) : undefined;
          configs.set(
            id,
            kept ?? transform(id, stages.translateProxy(graph.graph, ref, lookup, optionsFor(id))),
          );
        }
      } catch (err) {
        log.error({ revision: graph.revision, err }, 'translate failed; keeping the last good config');
        if (cause === 'revision') {
          channels.outcomes.publish({
            revision: graph.revision,
            seenAt: graph.seenAt,
            ok: false,
            error: errorFromException(graph.revision, 'translate', err),
          });
        }
        return;
      }
      last = { graph: graph.graph, endpoints: endpointsText, configs };
      channels.configs.publish({ revision: graph.revision, seenAt: graph.seenAt, cause, configs });
    },
    (err) => log.error({ err }, 'translate runner failed'),
  );
  let unsubscribe = () => {};
  return {
    name: 'translate',
    start() {
      unsubscribe = channels.discovered.subscribe(job.push);
    },
    idle: job.idle,
    async stop() {
      unsubscribe();
      await job.idle();
    },
  };
}
