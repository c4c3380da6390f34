/**
 * External authorization (envoy.filters.http.ext_authz), gRPC or HTTP. One filter per policy in an HCM: the
 * listener-level one checks every route but those whose gateway route disables it; a route-level one is
 * disabled on every other route of the HCM.
 */
import type { AuthPolicySpec, ExtAuthz, SpecResource } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import type { Json } from '../types.ts';
import { envoyDuration, FILTER, POLICY_TYPE } from './envoy-types.ts';
import { serviceCluster } from './service-cluster.ts';
import { type HcmSite, insertFilter, ownPolicies, perFilter } from './targets.ts';

function filterConfig(ctx: Ctx, policy: SpecResource<AuthPolicySpec>, ext: ExtAuthz): Json {
  const mode = ext.grpc ? 'grpc' : 'http';
  const svc = (ext.grpc ?? ext.http)!;
  const cluster = serviceCluster(ctx, svc.service, mode === 'grpc');
  if (!cluster) {
    throw new UnsupportedFeatureError(
      policy,
      ['extAuthz', mode, 'service'],
      'the authorization service has no listener to call',
    );
  }
  const timeout = envoyDuration(svc.timeout ?? '1s');
  const cfg: Json = {
    '@type': POLICY_TYPE.extAuthz,
    transport_api_version: 'V3',
    failure_mode_allow: ext.failOpen ?? false,
  };
  if (ext.grpc) {
    cfg.grpc_service = { envoy_grpc: { cluster_name: cluster }, timeout };
  } else {
    const http = ext.http!;
    const service: Json = { server_uri: { uri: `http://${cluster}`, cluster, timeout } };
    if (http.pathPrefix) service.path_prefix = http.pathPrefix;
    cfg.http_service = service;
    if (http.allowedHeaders?.length) {
      cfg.allowed_headers = { patterns: http.allowedHeaders.map((h) => ({ exact: h, ignore_case: true })) };
    }
  }
  return cfg;
}

const DISABLED = { '@type': POLICY_TYPE.extAuthzPerRoute, disabled: true };

export function applyExtAuthz(ctx: Ctx, site: HcmSite): void {
  const own = site.inbound ? ownPolicies(ctx)?.auth : undefined;
  const listener = own?.spec?.extAuthz;
  if (own && listener && !listener.disabled && (listener.grpc || listener.http)) {
    insertFilter(site.hcm, { name: FILTER.extAuthz, typed_config: filterConfig(ctx, own, listener) });
    for (const r of site.routes) {
      if (r.policies?.auth?.spec?.extAuthz?.disabled) perFilter(r.entry, FILTER.extAuthz, DISABLED);
    }
  }
  const byPolicy = new Map<SpecResource<AuthPolicySpec>, Json[]>();
  for (const r of site.routes) {
    const p = r.policies?.auth;
    const ext = p?.spec?.extAuthz;
    if (!p || !ext || ext.disabled || !(ext.grpc || ext.http)) continue;
    const list = byPolicy.get(p) ?? [];
    list.push(r.entry);
    byPolicy.set(p, list);
  }
  for (const [policy, entries] of byPolicy) {
    const name = `${FILTER.extAuthz}.${policy.name}`;
    insertFilter(site.hcm, { name, typed_config: filterConfig(ctx, policy, policy.spec.extAuthz!) });
    for (const r of site.routes) if (!entries.includes(r.entry)) perFilter(r.entry, name, DISABLED);
  }
}
