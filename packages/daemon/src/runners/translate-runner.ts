import type { EndpointSet } from '@plexus/plugin-api';
import { endpointKey } from '@plexus/plugin-api';
import type { Logger } from 'pino';
import { changedEndpointNodes } from '../endpoint-changes.ts';
import { latestWins } from '../latest-value.ts';
import type { Channels, DiscoveredSnapshot } from '../messages.ts';
import { errorFromException } from '../revision-error.ts';
import type { Runner } from '../runner.ts';
import type { ConfigTransform, CoreStages, MeshGraph, ProxyConfig, TranslateOptions } from '../stages.ts';

interface Translated {
  graph: MeshGraph;
  endpoints: Map<string, EndpointSet>;
  configs: Map<string, ProxyConfig>;
}

/**
 * The proxies whose config may differ from the last translated one: those the graph diff names plus those using
 * a node whose endpoints changed. Undefined means "all of them" (first run, or a stage that cannot tell).
 */
function proxiesToTranslate(
  stages: Pick<CoreStages, 'affectedProxies' | 'proxiesUsingNode'>,
  last: Pick<Translated, 'graph' | 'endpoints'> | undefined,
  graph: MeshGraph,
  endpoints: Map<string, EndpointSet>,
): Set<string> | undefined {
  if (!last) return undefined;
  const out = new Set<string>();
  if (last.graph !== graph) {
    if (!stages.affectedProxies) return undefined;
    for (const id of stages.affectedProxies(last.graph, graph)) out.add(id);
  }
  const changed = changedEndpointNodes(last.endpoints, endpoints);
  if (changed.length > 0) {
    if (!stages.proxiesUsingNode) return undefined;
    for (const { mesh, node } of changed) {
      for (const id of stages.proxiesUsingNode(graph, mesh, node)) out.add(id);
    }
  }
  return out;
}

/**
 * Computes every proxy's Envoy config for a snapshot; all or nothing, so a revision applies atomically. Only the
 * proxies a change reaches are translated; every other proxy keeps its previous config object, which the xDS
 * runner then recognises by identity.
 */
export function createTranslateRunner(
  stages: CoreStages,
  channels: Channels,
  log: Logger,
  options?: TranslateOptions | ((proxyKey: string) => TranslateOptions | undefined),
  transform: ConfigTransform = (_key, config) => config,
): Runner {
  const optionsFor = typeof options === 'function' ? options : () => options;
  let last: Translated | undefined;
  const job = latestWins<DiscoveredSnapshot>(
    async ({ graph, endpoints, cause }) => {
      const lookup = (mesh: string, node: string): EndpointSet | undefined =>
        endpoints.get(endpointKey(mesh, node));
      let affected: Set<string> | undefined;
      try {
        affected = proxiesToTranslate(stages, last, graph.graph, endpoints);
      } catch (err) {
        log.warn({ revision: graph.revision, err }, 'change analysis failed; translating every proxy');
      }
      const configs = new Map<string, ProxyConfig>();
      let translated = 0;
      try {
        for (const [id, ref] of graph.proxies) {
          const kept = affected && !affected.has(id) ? last?.configs.get(id) : undefined;
          if (kept) {
            configs.set(id, kept);
            continue;
          }
          configs.set(id, transform(id, stages.translateProxy(graph.graph, ref, lookup, optionsFor(id))));
          translated++;
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
      log.debug({ revision: graph.revision, cause, translated, proxies: configs.size }, 'translated');
      last = { graph: graph.graph, endpoints, configs };
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
