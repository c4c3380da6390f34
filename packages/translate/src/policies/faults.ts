/** Fault injection (envoy.filters.http.fault): delays and aborts for game days, per listener or per route. */
import type { Fault } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import type { Json } from '../types.ts';
import { envoyDuration, FILTER, fractionalPercent, POLICY_TYPE } from './envoy-types.ts';
import { type HcmSite, insertFilter, ownPolicies, perFilter } from './targets.ts';

function faultConfig(f: Fault): Json {
  const cfg: Json = { '@type': POLICY_TYPE.fault };
  if (f.delay)
    cfg.delay = {
      fixed_delay: envoyDuration(f.delay.fixed),
      percentage: fractionalPercent(f.delay.percentage),
    };
  if (f.abort) {
    cfg.abort = {
      ...(f.abort.httpStatus !== undefined
        ? { http_status: f.abort.httpStatus }
        : { grpc_status: f.abort.grpcStatus }),
      percentage: fractionalPercent(f.abort.percentage),
    };
  }
  return cfg;
}

export function applyFaults(ctx: Ctx, site: HcmSite): void {
  const own = site.inbound ? ownPolicies(ctx)?.traffic?.spec?.faults : undefined;
  const routeLevel = site.routes.filter((r) => r.policies?.traffic?.spec?.faults);
  if (!own && routeLevel.length === 0) return;
  // An HTTPFault with neither delay nor abort injects nothing: routes bring their own.
  insertFilter(site.hcm, {
    name: FILTER.fault,
    typed_config: own ? faultConfig(own) : { '@type': POLICY_TYPE.fault },
  });
  for (const r of routeLevel)
    perFilter(r.entry, FILTER.fault, faultConfig(r.policies!.traffic!.spec.faults!));
}
