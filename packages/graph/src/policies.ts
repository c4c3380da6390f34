import {
  type AuthPolicySpec,
  type PolicyServiceRef,
  type ProxyPatchSpec,
  policyTargetKey,
  resourceId,
  type SpecResource,
  type TrafficPolicySpec,
} from '@plexus/spec';
import { key, type MeshGraph } from './model.ts';

/** The policies attached to one target (at most one of each kind: validation refuses more). */
export interface AttachedPolicies {
  auth?: SpecResource<AuthPolicySpec>;
  traffic?: SpecResource<TrafficPolicySpec>;
  patch?: SpecResource<ProxyPatchSpec>;
}

/** Policies by target id (`VirtualNode/m/n`, `Route/m/router/r`, `GatewayRoute/m/gw/r`, `VirtualGateway/m/g`). */
export type PolicyIndex = Map<string, AttachedPolicies>;

const SLOT = { AuthPolicy: 'auth', TrafficPolicy: 'traffic', ProxyPatch: 'patch' } as const;

export function indexPolicies(resources: readonly SpecResource[]): PolicyIndex {
  const out: PolicyIndex = new Map();
  for (const r of resources) {
    if (r.kind !== 'AuthPolicy' && r.kind !== 'TrafficPolicy' && r.kind !== 'ProxyPatch') continue;
    const target = policyTargetKey(r);
    if (!target) continue;
    let entry = out.get(target);
    if (!entry) {
      entry = {};
      out.set(target, entry);
    }
    const slot = SLOT[r.kind];
    // biome-ignore lint/suspicious/noExplicitAny: the slot matches the kind
    if (!entry[slot]) (entry as any)[slot] = r;
  }
  return out;
}

/** The virtual node behind a policy's service reference, if it names a virtual service provided by one. */
export function serviceNode(
  g: MeshGraph,
  mesh: string,
  ref: PolicyServiceRef | undefined,
): string | undefined {
  if (!ref?.virtualService) return undefined;
  const p = g.services.get(key(mesh, ref.virtualService))?.provider;
  return p?.kind === 'virtualNode' ? p.name : undefined;
}

/** Virtual nodes a policy makes a proxy call (authorization and rate limit services, mirrors). */
export function policyUpstreams(g: MeshGraph, p: AttachedPolicies, mesh: string): string[] {
  const out: string[] = [];
  const add = (n: string | undefined) => {
    if (n && g.virtualNodes.has(key(mesh, n))) out.push(n);
  };
  const ext = p.auth?.spec?.extAuthz;
  add(serviceNode(g, mesh, ext?.grpc?.service ?? ext?.http?.service));
  add(serviceNode(g, mesh, p.traffic?.spec?.globalRateLimit?.service));
  add(p.traffic?.spec?.mirror?.virtualNode);
  return out;
}

export function policyIds(p: AttachedPolicies): string[] {
  return [p.auth, p.traffic, p.patch].filter((r) => r !== undefined).map((r) => resourceId(r));
}
