/**
 * JWT authentication (envoy.filters.http.jwt_authn). The listener-level policy (node or gateway) requires a
 * token on every route of the inbound listeners; a route-level policy requires its own providers on its routes
 * (a per-route requirement), and `disabled` on a gateway route lifts the gateway's requirement there.
 */
import type { AuthPolicySpec, JwtAuth, JwtProvider, SpecResource } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import type { Json } from '../types.ts';
import { envoyDuration, FILTER, POLICY_TYPE } from './envoy-types.ts';
import { jwksCluster } from './service-cluster.ts';
import { type HcmSite, insertFilter, ownPolicies, perFilter } from './targets.ts';

function provider(ctx: Ctx, p: JwtProvider): Json {
  const out: Json = { issuer: p.issuer };
  if (p.audiences?.length) out.audiences = p.audiences;
  if (p.remoteJwks) {
    out.remote_jwks = {
      http_uri: {
        uri: p.remoteJwks.uri,
        cluster: jwksCluster(ctx, p.remoteJwks.uri),
        timeout: envoyDuration(p.remoteJwks.timeout ?? '5s'),
      },
      cache_duration: envoyDuration(p.remoteJwks.cacheDuration ?? '5m'),
    };
  } else if (p.localJwks) {
    out.local_jwks = { inline_string: p.localJwks.inline };
  }
  if (p.forwardToken) out.forward = true;
  if (p.claimToHeaders?.length) {
    out.claim_to_headers = p.claimToHeaders.map((c) => ({ header_name: c.header, claim_name: c.claim }));
  }
  return out;
}

function requirement(names: string[], allowMissing: boolean | undefined): Json {
  const providers: Json[] = names.map((n) => ({ provider_name: n }));
  if (allowMissing) providers.push({ allow_missing: {} });
  return providers.length === 1 ? providers[0]! : { requires_any: { requirements: providers } };
}

/** Provider names are `<policy>.<provider>`, unique across the listener and its routes. */
function addProviders(ctx: Ctx, into: Json, policy: SpecResource<AuthPolicySpec>, jwt: JwtAuth): string[] {
  const names: string[] = [];
  for (const p of jwt.providers ?? []) {
    const name = `${policy.name}.${p.name}`;
    into[name] = provider(ctx, p);
    names.push(name);
  }
  return names;
}

export function applyJwt(ctx: Ctx, site: HcmSite): void {
  const own = site.inbound ? ownPolicies(ctx)?.auth : undefined;
  const listenerJwt = own?.spec?.jwt?.providers ? own.spec.jwt : undefined;
  const providers: Json = {};
  const config: Json = { providers };
  let needed = false;
  if (own && listenerJwt) {
    const names = addProviders(ctx, providers, own, listenerJwt);
    config.rules = [{ match: { prefix: '/' }, requires: requirement(names, listenerJwt.allowMissing) }];
    needed = true;
  }
  const requirementMap: Json = {};
  for (const r of site.routes) {
    const policy = r.policies?.auth;
    const jwt = policy?.spec?.jwt;
    if (!policy || !jwt) continue;
    if (jwt.disabled) {
      if (listenerJwt)
        perFilter(r.entry, FILTER.jwtAuthn, { '@type': POLICY_TYPE.jwtPerRoute, disabled: true });
      continue;
    }
    if (!jwt.providers?.length) continue;
    if (!requirementMap[policy.name]) {
      requirementMap[policy.name] = requirement(addProviders(ctx, providers, policy, jwt), jwt.allowMissing);
    }
    perFilter(r.entry, FILTER.jwtAuthn, { '@type': POLICY_TYPE.jwtPerRoute, requirement_name: policy.name });
    needed = true;
  }
  if (!needed) return;
  if (Object.keys(requirementMap).length > 0) config.requirement_map = requirementMap;
  insertFilter(site.hcm, {
    name: FILTER.jwtAuthn,
    typed_config: { '@type': POLICY_TYPE.jwtAuthn, ...config },
  });
}
