/**
 * Local (envoy.filters.http.local_ratelimit, token buckets in the proxy) and global (envoy.filters.http.ratelimit,
 * Envoy's rate limit service protocol) rate limits. Listener-level policies count every request of the inbound
 * listeners (descriptors on the virtual hosts); route-level ones count their routes only (per-route buckets and
 * route descriptors, which replace the virtual host's on that route).
 */
import type {
  GlobalRateLimit,
  LocalRateLimit,
  RateUnit,
  SpecResource,
  TrafficPolicySpec,
} from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import type { Json } from '../types.ts';
import { envoyDuration, FILTER, POLICY_TYPE } from './envoy-types.ts';
import { serviceCluster } from './service-cluster.ts';
import { type HcmSite, insertFilter, ownPolicies, perFilter } from './targets.ts';

/** Local buckets are matched on descriptors of this stage; global services use 0 and 2–10. */
const LOCAL_STAGE = 1;

const UNIT_SECONDS: Record<RateUnit, number> = { second: 1, minute: 60, hour: 3600 };

function tokenBucket(requests: number, unit: RateUnit, burst = 0): Json {
  return { max_tokens: requests + burst, tokens_per_fill: requests, fill_interval: `${UNIT_SECONDS[unit]}s` };
}

const FULL = {
  default_value: { numerator: 100, denominator: 'HUNDRED' },
  runtime_key: 'plexus_local_rate_limit',
};

function localConfig(statPrefix: string, l: LocalRateLimit): Json {
  const cfg: Json = {
    '@type': POLICY_TYPE.localRateLimit,
    stat_prefix: statPrefix,
    token_bucket: tokenBucket(l.requests, l.unit, l.burst),
    filter_enabled: FULL,
    filter_enforced: FULL,
    stage: LOCAL_STAGE,
    response_headers_to_add: [
      {
        append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
        header: { key: 'x-plexus-rate-limited', value: 'local' },
      },
    ],
  };
  if (l.perConnection) cfg.local_rate_limit_per_downstream_connection = true;
  if (l.buckets?.length) {
    cfg.descriptors = l.buckets.map((b) => ({
      entries: [
        b.header
          ? { key: `header.${b.header}`, value: b.value! }
          : { key: 'remote_address', value: b.sourceAddress! },
      ],
      token_bucket: tokenBucket(b.requests, b.unit),
    }));
  }
  return cfg;
}

/** One rate_limits entry per bucket, so each request yields the descriptors its buckets match. */
function localActions(l: LocalRateLimit): Json[] {
  return (l.buckets ?? []).map((b) => ({
    stage: LOCAL_STAGE,
    actions: [
      b.header
        ? { request_headers: { header_name: b.header, descriptor_key: `header.${b.header}` } }
        : { remote_address: {} },
    ],
  }));
}

function globalActions(g: GlobalRateLimit, stage: number): Json {
  return {
    stage,
    actions: g.descriptors.map((d) =>
      d.header
        ? { request_headers: { header_name: d.header, descriptor_key: d.key ?? d.header } }
        : d.sourceAddress
          ? { remote_address: {} }
          : { generic_key: { descriptor_value: d.generic!, ...(d.key ? { descriptor_key: d.key } : {}) } },
    ),
  };
}

function addRateLimits(target: Json, entries: Json[]): void {
  if (entries.length === 0) return;
  target.rate_limits = [...((target.rate_limits as Json[] | undefined) ?? []), ...entries];
}

export function applyLocalRateLimit(ctx: Ctx, site: HcmSite): void {
  const own = site.inbound ? ownPolicies(ctx)?.traffic?.spec?.localRateLimit : undefined;
  const routeLevel = site.routes.filter((r) => r.policies?.traffic?.spec?.localRateLimit);
  if (!own && routeLevel.length === 0) return;
  const statPrefix = 'plexus_local_rate_limit';
  // Without a listener-level bucket the HCM's filter limits nothing; routes bring their own.
  const base: Json = own
    ? localConfig(statPrefix, own)
    : { '@type': POLICY_TYPE.localRateLimit, stat_prefix: statPrefix };
  insertFilter(site.hcm, { name: FILTER.localRateLimit, typed_config: base });
  if (own) for (const vh of site.vhosts) addRateLimits(vh, localActions(own));
  for (const r of routeLevel) {
    const l = r.policies!.traffic!.spec.localRateLimit!;
    perFilter(r.entry, FILTER.localRateLimit, localConfig(`${statPrefix}_route`, l));
    addRateLimits(r.entry.route as Json, localActions(l));
  }
}

function globalFilter(
  ctx: Ctx,
  policy: SpecResource<TrafficPolicySpec>,
  g: GlobalRateLimit,
  stage: number,
): Json {
  const cluster = serviceCluster(ctx, g.service, true);
  if (!cluster) {
    throw new UnsupportedFeatureError(
      policy,
      ['globalRateLimit', 'service'],
      'the rate limit service has no listener to call',
    );
  }
  return {
    name: stage === 0 ? FILTER.rateLimit : `${FILTER.rateLimit}.${policy.name}`,
    typed_config: {
      '@type': POLICY_TYPE.rateLimit,
      domain: g.domain,
      stage,
      timeout: envoyDuration(g.timeout ?? '1s'),
      failure_mode_deny: g.failClosed ?? false,
      enable_x_ratelimit_headers: 'DRAFT_VERSION_03',
      rate_limit_service: {
        grpc_service: { envoy_grpc: { cluster_name: cluster } },
        transport_api_version: 'V3',
      },
    },
  };
}

export function applyGlobalRateLimit(ctx: Ctx, site: HcmSite): void {
  const ownPolicy = site.inbound ? ownPolicies(ctx)?.traffic : undefined;
  const own = ownPolicy?.spec?.globalRateLimit;
  if (ownPolicy && own) {
    insertFilter(site.hcm, globalFilter(ctx, ownPolicy, own, 0));
    for (const vh of site.vhosts) addRateLimits(vh, [globalActions(own, 0)]);
  }
  // Each route-level policy gets its own filter and stage (2..10), so services and domains never mix.
  const stages = new Map<SpecResource<TrafficPolicySpec>, number>();
  for (const r of site.routes) {
    const p = r.policies?.traffic;
    const g = p?.spec?.globalRateLimit;
    if (!p || !g) continue;
    let stage = stages.get(p);
    if (stage === undefined) {
      stage = stages.size + 2;
      if (stage > 10)
        throw new UnsupportedFeatureError(
          p,
          ['globalRateLimit'],
          'more than 9 route-level global rate limits in one listener',
        );
      stages.set(p, stage);
      insertFilter(site.hcm, globalFilter(ctx, p, g, stage));
    }
    addRateLimits(r.entry.route as Json, [globalActions(g, stage)]);
  }
}
