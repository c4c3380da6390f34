import type { GatewayEntry, GatewayHttpRouteShape, GatewayRouteShape } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { grpcRouteMatch } from '../routes/grpc-match.ts';
import { httpRouteMatch } from '../routes/http-match.ts';
import { type Json, TYPE } from '../types.ts';
import { selfRedirectCluster, TARGET_HEADER } from './self-redirect.ts';

type Protocol = 'http' | 'http2' | 'grpc';

/**
 * A gateway listener's route config: its gateway routes of that protocol (and port), in priority order, each to
 * the self-redirect cluster with the target service in a header. Returns the route config and its targets.
 */
export function gatewayRouteConfig(
  ctx: Ctx,
  gw: GatewayEntry,
  name: string,
  protocol: Protocol,
  port: number,
  multi: boolean,
  targets: Set<string>,
): Json {
  const routes: Json[] = [];
  for (const r of gw.gatewayRoutes) {
    const route = gatewayRoute(ctx, r, protocol, port, multi, targets);
    if (route) routes.push(route);
  }
  return {
    '@type': TYPE.route,
    name,
    virtual_hosts: [{ name: `${gw.name}_${port}`, domains: ['*'], routes }],
  };
}

function gatewayRoute(
  ctx: Ctx,
  r: SpecResource<GatewayRouteShape>,
  protocol: Protocol,
  port: number,
  multi: boolean,
  targets: Set<string>,
): Json | undefined {
  const s = r.spec;
  const http: GatewayHttpRouteShape | undefined =
    protocol === 'http' ? s?.httpRoute : protocol === 'http2' ? s?.http2Route : undefined;
  const grpc = protocol === 'grpc' ? s?.grpcRoute : undefined;
  const spec = http ?? grpc;
  if (!spec) return undefined;
  if (spec.match?.port !== undefined && spec.match.port !== port) return undefined;
  const service = spec.action?.target?.virtualService?.virtualServiceName;
  if (!service) return undefined;
  const value = spec.action.target.port !== undefined ? `${service}:${spec.action.target.port}` : service;
  targets.add(value);
  const action: Json = {
    cluster: selfRedirectCluster(ctx, protocol, port, multi),
    timeout: '0s',
  };
  if ((spec.action.rewrite?.hostname?.defaultTargetHostname ?? 'ENABLED') === 'ENABLED') {
    action.host_rewrite_literal = service;
  }
  if (http) applyPathRewrite(action, http);
  const match = http ? httpRouteMatch(http.match) : grpcRouteMatch(grpc?.match);
  return {
    name: `${r.virtualGateway}/${r.name}`,
    match,
    route: action,
    request_headers_to_add: [
      { header: { key: TARGET_HEADER, value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    ],
  };
}

/**
 * App Mesh gateway rewrites: a matched prefix is replaced by `/` unless defaultPrefix is DISABLED, or by
 * `prefix.value`; `path.exact` replaces an exact path.
 */
function applyPathRewrite(action: Json, http: GatewayHttpRouteShape): void {
  const rw = http.action.rewrite;
  if (http.match?.path?.exact !== undefined || http.match?.path?.regex !== undefined) {
    if (rw?.path?.exact !== undefined) {
      action.regex_rewrite = { pattern: { regex: '^.*$' }, substitution: rw.path.exact };
    }
    return;
  }
  const prefix = http.match?.prefix ?? '/';
  const to =
    rw?.prefix?.value ?? (prefix !== '/' && rw?.prefix?.defaultPrefix !== 'DISABLED' ? '/' : undefined);
  if (to === undefined) return;
  if (prefix.endsWith('/') || !to.endsWith('/')) action.prefix_rewrite = to;
  // `/color` → `/` must turn `/color/a` into `/a`, not `//a`: eat the slash after the prefix too.
  else action.regex_rewrite = { pattern: { regex: `^${escapeRegex(prefix)}/?` }, substitution: to };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
