/**
 * Applies the AuthPolicy, TrafficPolicy and ProxyPatch resources that reach this proxy to its generated config,
 * after the App Mesh translation. Filter order in each HCM: jwt_authn, ext_authz, local_ratelimit, ratelimit,
 * fault, the affinity Lua filter, then the router. ProxyPatch comes last, on the finished resources.
 */
import type { Ctx } from '../context.ts';
import { applyExtAuthz } from './ext-authz.ts';
import { applyFaults } from './faults.ts';
import { applyJwt } from './jwt.ts';
import { applyMirror } from './mirror.ts';
import { applyProxyPatches } from './proxy-patch.ts';
import { applyGlobalRateLimit, applyLocalRateLimit } from './rate-limits.ts';
import { applySessionAffinity } from './session-affinity.ts';
import { applySlowStart } from './slow-start.ts';
import { hcmSites } from './targets.ts';
import { applyZoneAware } from './zone-aware.ts';

export function applyPolicies(ctx: Ctx): void {
  if (ctx.graph.policies.size === 0) return;
  for (const site of hcmSites(ctx)) {
    applyJwt(ctx, site);
    applyExtAuthz(ctx, site);
    applyLocalRateLimit(ctx, site);
    applyGlobalRateLimit(ctx, site);
    applyFaults(ctx, site);
    applySessionAffinity(ctx, site);
    applyMirror(ctx, site);
  }
  applySlowStart(ctx);
  applyZoneAware(ctx);
  applyProxyPatches(ctx);
}
