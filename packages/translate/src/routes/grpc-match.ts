import type { GatewayGrpcRouteShape, GrpcRouteShape } from '@plexus/graph';
import { authorityMatcher, headerMatcher } from '../common/string-match.ts';
import type { Json } from '../types.ts';

type Match = GrpcRouteShape['match'] | GatewayGrpcRouteShape['match'];

/** App Mesh gRPC route match → Envoy RouteMatch: service/method become the request path. */
export function grpcRouteMatch(m: Match | undefined): Json {
  const out: Json = {};
  const method = m && 'methodName' in m ? m.methodName : undefined;
  if (m?.serviceName && method) out.path = `/${m.serviceName}/${method}`;
  else if (m?.serviceName) out.prefix = `/${m.serviceName}/`;
  else out.prefix = '/';
  const headers: Json[] = (m?.metadata ?? []).map(headerMatcher);
  if (m && 'hostname' in m && m.hostname) {
    const authority = authorityMatcher(m.hostname);
    if (authority) headers.push(authority);
  }
  if (headers.length) out.headers = headers;
  return out;
}
