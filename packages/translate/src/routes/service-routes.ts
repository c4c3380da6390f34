import type { HttpRouteShape, ReachableService, RouteShape } from '@plexus/graph';
import { graphKey } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import { egressCluster } from '../clusters/egress.ts';
import { duration } from '../common/duration.ts';
import { type Ctx, type PortProtocol, targetListener } from '../context.ts';
import type { Json } from '../types.ts';
import { grpcRouteMatch } from './grpc-match.ts';
import { httpRouteMatch } from './http-match.ts';
import { appMeshDefaultRetry, retryPolicy } from './retry.ts';
import { applyRouteTimeouts } from './timeouts.ts';
import { targetClusters } from './weighted.ts';

/**
 * Envoy routes of one HTTP-family virtual service on one port: the provider node's implicit catch-all, or the
 * provider router's routes of that protocol (and port) in App Mesh's priority order.
 */
export function serviceHttpRoutes(
  ctx: Ctx,
  via: ReachableService,
  pp: PortProtocol,
  extraHeaders: Json[] = [],
): Json[] {
  const provider = ctx.graph.services.get(graphKey(ctx.proxy.mesh, via.name))?.provider;
  if (!provider) return [];
  const grpc = pp.protocol === 'grpc';
  if (provider.kind === 'virtualNode') {
    const l = targetListener(ctx, provider.name, pp.port);
    if (!l) return [];
    const action: Json = { cluster: egressCluster(ctx, provider.name, l, via) };
    applyRouteTimeouts(ctx, action, undefined, grpc);
    if (ctx.opts.retries) action.retry_policy = appMeshDefaultRetry();
    return [
      { name: `${via.name}:${pp.port}`, match: withHeaders({ prefix: '/' }, extraHeaders), route: action },
    ];
  }
  const router = ctx.graph.routers.get(graphKey(ctx.proxy.mesh, provider.name));
  const out: Json[] = [];
  for (const r of router?.routes ?? []) {
    const envoyRoute = routeFor(ctx, r, pp, via, extraHeaders);
    if (envoyRoute) out.push(envoyRoute);
  }
  return out;
}

function routeFor(
  ctx: Ctx,
  r: SpecResource<RouteShape>,
  pp: PortProtocol,
  via: ReachableService,
  extraHeaders: Json[],
): Json | undefined {
  const s = r.spec;
  const grpc = pp.protocol === 'grpc';
  const http: HttpRouteShape | undefined =
    pp.protocol === 'http' ? s?.httpRoute : pp.protocol === 'http2' ? s?.http2Route : undefined;
  const g = grpc ? s?.grpcRoute : undefined;
  const spec = http ?? g;
  if (!spec) return undefined;
  const port = spec.match?.port;
  if (port !== undefined && port !== pp.port) return undefined;
  const target = targetClusters(ctx, spec.action?.weightedTargets ?? [], via);
  if (!target) return undefined;
  const match = http ? httpRouteMatch(http.match) : grpcRouteMatch(g?.match);
  const action: Json = { ...target };
  applyRouteTimeouts(ctx, action, spec.timeout, grpc);
  if (spec.retryPolicy) action.retry_policy = retryPolicy(spec.retryPolicy);
  else if (ctx.opts.retries) action.retry_policy = appMeshDefaultRetry();
  return { name: `${r.virtualRouter}/${r.name}`, match: withHeaders(match, extraHeaders), route: action };
}

function withHeaders(match: Json, extra: Json[]): Json {
  if (!extra.length) return match;
  return { ...match, headers: [...((match.headers as Json[] | undefined) ?? []), ...extra] };
}

/** The tcp_proxy destination of a TCP virtual service on one port, with the route's idle timeout if it sets one. */
export function serviceTcpTarget(
  ctx: Ctx,
  via: ReachableService,
  pp: PortProtocol,
): { destination: Json; idle?: string } | undefined {
  const provider = ctx.graph.services.get(graphKey(ctx.proxy.mesh, via.name))?.provider;
  if (!provider) return undefined;
  if (provider.kind === 'virtualNode') {
    const l = targetListener(ctx, provider.name, pp.port);
    return l ? { destination: { cluster: egressCluster(ctx, provider.name, l, via) } } : undefined;
  }
  const router = ctx.graph.routers.get(graphKey(ctx.proxy.mesh, provider.name));
  for (const r of router?.routes ?? []) {
    const t = r.spec?.tcpRoute;
    if (!t) continue;
    if (t.match?.port !== undefined && t.match.port !== pp.port) continue;
    const target = targetClusters(ctx, t.action?.weightedTargets ?? [], via);
    if (!target) continue;
    return { destination: target, idle: duration(t.timeout?.idle) };
  }
  return undefined;
}
