/**
 * Where a policy lands in one proxy's generated config: its HCMs (with the route configs they serve) and the
 * route entries generated for a Route (`router/route`) or GatewayRoute (`gateway/route`).
 */
import type { AttachedPolicies } from '@plexus/graph';
import type { Ctx } from '../context.ts';
import type { Json } from '../types.ts';

export interface HcmSite {
  /** The HCM typed_config (mutable). */
  hcm: Json;
  /** True on a listener that receives the proxy's inbound traffic (node ingress, gateway listeners). */
  inbound: boolean;
  /** The route entries this HCM serves, each with the policies of the Route/GatewayRoute it came from. */
  routes: RouteSite[];
  /** Virtual hosts of the route config this HCM serves. */
  vhosts: Json[];
}

export interface RouteSite {
  entry: Json;
  /** `Route/m/router/name` or `GatewayRoute/m/gw/name`. */
  targetId?: string;
  policies?: AttachedPolicies;
}

function hcmOf(chainFilter: Json): Json | undefined {
  if (chainFilter.name !== 'envoy.filters.network.http_connection_manager') return undefined;
  return chainFilter.typed_config as Json;
}

/** Every HCM of the proxy's listeners (api listeners for proxyless gRPC are left alone). */
export function hcmSites(ctx: Ctx): HcmSite[] {
  const byName = new Map<string, Json>();
  for (const rc of ctx.routeConfigs) byName.set(String(rc.name), rc);
  const out: HcmSite[] = [];
  const seen = new Set<Json>();
  for (const l of ctx.listeners) {
    if (l.api_listener) continue;
    const inbound = String(l.name).startsWith('lds_ingress_');
    for (const chain of (l.filter_chains as Json[] | undefined) ?? []) {
      for (const f of (chain.filters as Json[] | undefined) ?? []) {
        const hcm = hcmOf(f);
        // TLS variants of one port share one HCM object: patch it once.
        if (!hcm || seen.has(hcm)) continue;
        seen.add(hcm);
        const rcName = (hcm.rds as Json | undefined)?.route_config_name;
        const rc = byName.get(String(rcName));
        const vhosts = ((rc?.virtual_hosts as Json[] | undefined) ?? []) as Json[];
        const routes: RouteSite[] = [];
        for (const vh of vhosts) {
          for (const entry of (vh.routes as Json[] | undefined) ?? [])
            routes.push(routeSite(ctx, entry, inbound));
        }
        out.push({ hcm, inbound, routes, vhosts });
      }
    }
  }
  return out;
}

function routeSite(ctx: Ctx, entry: Json, inbound: boolean): RouteSite {
  const name = typeof entry.name === 'string' ? entry.name : '';
  const slash = name.indexOf('/');
  if (slash < 0) return { entry };
  // Gateway listeners carry gateway routes; every egress route config carries the routers' routes.
  const kind = inbound && ctx.proxy.kind === 'virtualGateway' ? 'GatewayRoute' : 'Route';
  const targetId = `${kind}/${ctx.proxy.mesh}/${name}`;
  return { entry, targetId, policies: ctx.graph.policies.get(targetId) };
}

/** The proxy's own policies (attached to its virtual node or virtual gateway). */
export function ownPolicies(ctx: Ctx): AttachedPolicies | undefined {
  const kind = ctx.proxy.kind === 'virtualNode' ? 'VirtualNode' : 'VirtualGateway';
  return ctx.graph.policies.get(`${kind}/${ctx.proxy.mesh}/${ctx.proxy.name}`);
}

/** Adds a filter before the router (and after any filter already placed there by Plexus). */
export function insertFilter(hcm: Json, filter: Json): void {
  const filters = hcm.http_filters as Json[];
  const router = filters.findIndex((f) => f.name === 'envoy.filters.http.router');
  filters.splice(router < 0 ? filters.length : router, 0, filter);
}

export function perFilter(entry: Json, filterName: string, config: Json): void {
  const existing = (entry.typed_per_filter_config as Json | undefined) ?? {};
  entry.typed_per_filter_config = { ...existing, [filterName]: config };
}
