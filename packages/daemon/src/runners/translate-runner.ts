import type { EndpointSet } from '@plexus/plugin-api';
import { endpointKey } from '@plexus/plugin-api';
import type { Logger } from 'pino';
import { changedEndpointNodes } from '../endpoint-changes.ts';
import { latestWins } from '../latest-value.ts';
import type { LocalitySource } from '../localities.ts';
import type { Channels, DiscoveredSnapshot, LocalizedEndpoints } from '../messages.ts';
import { errorFromException } from '../revision-error.ts';
import type { Runner } from '../runner.ts';
import type { ConfigTransform, CoreStages, MeshGraph, ProxyConfig, TranslateOptions } from '../stages.ts';

interface Translated {
  graph: MeshGraph;
  endpoints: Map<string, EndpointSet>;
  configs: Map<string, ProxyConfig>;
  localized: LocalizedEndpoints;
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
  /** Where proxies' replicas run: a proxy with a zone preference is also translated per reported zone. */
  localities?: LocalitySource,
): Runner {
  const optionsFor = typeof options === 'function' ? options : () => options;
  let last: Translated | undefined;
  let input: DiscoveredSnapshot | undefined;
  /** Proxies whose set of zones changed since they were last translated. */
  const moved = new Set<string>();
  const job = latestWins<DiscoveredSnapshot>(
    async (snap) => {
      input = snap;
      const { graph, endpoints, cause } = snap;
      const lookup = (mesh: string, node: string): EndpointSet | undefined =>
        endpoints.get(endpointKey(mesh, node));
      let affected: Set<string> | undefined;
      try {
        affected = proxiesToTranslate(stages, last, graph.graph, endpoints);
      } catch (err) {
        log.warn({ revision: graph.revision, err }, 'change analysis failed; translating every proxy');
      }
      for (const id of moved) affected?.add(id);
      moved.clear();
      const configs = new Map<string, ProxyConfig>();
      const localized: LocalizedEndpoints = new Map();
      let translated = 0;
      try {
        for (const [id, ref] of graph.proxies) {
          const kept = affected && !affected.has(id) ? last?.configs.get(id) : undefined;
          if (kept) {
            configs.set(id, kept);
            const zones = last?.localized.get(id);
            if (zones) localized.set(id, zones);
            continue;
          }
          const opts = optionsFor(id);
          configs.set(id, transform(id, stages.translateProxy(graph.graph, ref, lookup, opts)));
          translated++;
          const zones = localities?.of(id);
          if (!zones?.size || !stages.usesLocality?.(graph.graph, ref)) continue;
          const perZone = new Map<string, object[]>();
          for (const [key, locality] of zones) {
            const config = stages.translateProxy(graph.graph, ref, lookup, { ...opts, locality });
            perZone.set(key, transform(id, config).endpoints ?? []);
          }
          localized.set(id, perZone);
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
      last = { graph: graph.graph, endpoints, configs, localized };
      channels.configs.publish({ revision: graph.revision, seenAt: graph.seenAt, cause, configs, localized });
    },
    (err) => log.error({ err }, 'translate runner failed'),
  );
  let unsubscribe = () => {};
  let unsubscribeZones = () => {};
  return {
    name: 'translate',
    start() {
      unsubscribe = channels.discovered.subscribe(job.push);
      unsubscribeZones =
        localities?.subscribe((proxyKey) => {
          moved.add(proxyKey);
          // A replica in a new zone changes no revision: translate the last input again for it.
          if (input) job.push({ ...input, cause: 'endpoints' });
        }) ?? unsubscribeZones;
    },
    idle: job.idle,
    async stop() {
      unsubscribe();
      unsubscribeZones();
      await job.idle();
    },
  };
}
