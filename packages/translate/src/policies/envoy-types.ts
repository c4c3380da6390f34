/** Envoy type URLs and filter names the policies emit. */
const V3 = 'type.googleapis.com/envoy';

export const POLICY_TYPE = {
  jwtAuthn: `${V3}.extensions.filters.http.jwt_authn.v3.JwtAuthentication`,
  jwtPerRoute: `${V3}.extensions.filters.http.jwt_authn.v3.PerRouteConfig`,
  extAuthz: `${V3}.extensions.filters.http.ext_authz.v3.ExtAuthz`,
  extAuthzPerRoute: `${V3}.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute`,
  localRateLimit: `${V3}.extensions.filters.http.local_ratelimit.v3.LocalRateLimit`,
  rateLimit: `${V3}.extensions.filters.http.ratelimit.v3.RateLimit`,
  fault: `${V3}.extensions.filters.http.fault.v3.HTTPFault`,
  lua: `${V3}.extensions.filters.http.lua.v3.Lua`,
  upstreamTls: `${V3}.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  httpProtocolOptions: `${V3}.extensions.upstreams.http.v3.HttpProtocolOptions`,
} as const;

export const FILTER = {
  jwtAuthn: 'envoy.filters.http.jwt_authn',
  extAuthz: 'envoy.filters.http.ext_authz',
  localRateLimit: 'envoy.filters.http.local_ratelimit',
  rateLimit: 'envoy.filters.http.ratelimit',
  fault: 'envoy.filters.http.fault',
  lua: 'envoy.filters.http.lua',
} as const;

/** Percent (0–100, decimals) → FractionalPercent per million. */
export function fractionalPercent(percent: number | undefined): {
  numerator: number;
  denominator: 'MILLION';
} {
  return { numerator: Math.round((percent ?? 100) * 10_000), denominator: 'MILLION' };
}

/** `250ms`, `1.5s`, `2m`, `1h` → Envoy's `N.NNNs`. */
export function envoyDuration(d: string): string {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) return d;
  const n = Number(m[1]);
  const seconds = m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
  return `${Number(seconds.toFixed(9))}s`;
}
