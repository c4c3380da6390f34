import type { GatewayHttpRouteShape, HttpRouteShape } from '@plexus/graph';
import { authorityMatcher, exactHeader, headerMatcher } from '../common/string-match.ts';
import type { Json } from '../types.ts';

type Match = HttpRouteShape['match'] | GatewayHttpRouteShape['match'];

/** App Mesh HTTP route match → Envoy RouteMatch (port is handled by listener selection). */
export function httpRouteMatch(m: Match | undefined): Json {
  const out: Json = {};
  if (m?.path?.exact !== undefined) out.path = m.path.exact;
  else if (m?.path?.regex !== undefined) out.safe_regex = { regex: m.path.regex };
  else out.prefix = m?.prefix ?? '/';
  const headers: Json[] = (m?.headers ?? []).map(headerMatcher);
  if (m?.method) headers.push(exactHeader(':method', m.method));
  if (m && 'scheme' in m && m.scheme) headers.push(exactHeader(':scheme', m.scheme));
  if (m && 'hostname' in m && m.hostname) {
    const authority = authorityMatcher(m.hostname);
    if (authority) headers.push(authority);
  }
  if (headers.length) out.headers = headers;
  const qp = (m?.queryParameters ?? []).map((q) =>
    q.match?.exact !== undefined
      ? { name: q.name, string_match: { exact: q.match.exact } }
      : { name: q.name, present_match: true },
  );
  if (qp.length) out.query_parameters = qp;
  return out;
}
