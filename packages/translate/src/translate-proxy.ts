import { graphKey, type MeshGraph, type ProxyRef, proxyKey } from '@plexus/graph';
import { accessLog } from './access-log.ts';
import { type Ctx, toConfig } from './context.ts';
import { gatewayListeners } from './gateway/listeners.ts';
import { egressListener, egressPorts } from './listeners/egress.ts';
import { ingressListener } from './listeners/ingress.ts';
import { names } from './names.ts';
import { applyPolicies } from './policies/apply-policies.ts';
import { proxylessListeners } from './proxyless/api-listeners.ts';
import { sdsAgentCluster } from './tls/sds.ts';
import { applyTracing } from './tracing/tracing.ts';
import { type EndpointLookup, type EnvoyConfig, resolveOptions, type TranslateOptions } from './types.ts';

/**
 * The Envoy config of one proxy: a pure function of the graph, the endpoints and the options. Throws
 * UnsupportedFeatureError (positioned) for a spec feature it refuses, and Error for an unknown proxy.
 */
export function translateProxy(
  graph: MeshGraph,
  proxy: ProxyRef,
  endpoints: EndpointLookup,
  options?: TranslateOptions,
): EnvoyConfig {
  const view = graph.proxies.get(proxyKey(proxy));
  if (!view) throw new Error(`unknown proxy ${proxyKey(proxy)}`);
  const ctx: Ctx = {
    graph,
    proxy,
    view,
    opts: resolveOptions(options),
    endpoints,
    clusters: new Map(),
    loadAssignments: new Map(),
    routeConfigs: [],
    listeners: [],
    usesSds: false,
  };
  applyTracing(ctx);
  if (proxy.kind === 'virtualNode') {
    const node = graph.virtualNodes.get(graphKey(proxy.mesh, proxy.name))!;
    ctx.accessLog = accessLog(node.spec?.logging);
    ingressListener(ctx, node);
    const ports = egressPorts(ctx);
    egressListener(ctx, ports);
    if (ctx.opts.proxyless) ctx.listeners.push(...proxylessListeners(ports));
  } else {
    const gw = graph.gateways.get(graphKey(proxy.mesh, proxy.name))!;
    ctx.accessLog = accessLog(gw.resource.spec?.logging);
    gatewayListeners(ctx, gw);
  }
  if (ctx.usesSds) ctx.clusters.set(names.sdsCluster, sdsAgentCluster(ctx.opts.sdsSocketPath));
  applyPolicies(ctx);
  return toConfig(ctx);
}
