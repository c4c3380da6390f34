import type { ResourceRule } from './context.ts';
import { metadataDiagnostic } from './diagnostic.ts';

/**
 * Applications resolve a virtual service name through DNS before Envoy sees the request; a short name gets
 * search-domain expansion and can resolve elsewhere (an ECS outage came from that).
 */
export const qualifiedServiceNameRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'VirtualService' || typeof r.name !== 'string' || r.name.includes('.')) return;
  ctx.out.push(
    metadataDiagnostic(
      r,
      'warning',
      'name',
      `virtual service name "${r.name}" is not fully qualified (no dot); use a DNS name such as "${r.name}.${r.mesh}.local"`,
    ),
  );
};

/** A router without routes answers every request with 404 (or drops TCP). */
export const routerWithoutRoutesRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'VirtualRouter' || ctx.index.routeCount(r.mesh, r.name) > 0) return;
  ctx.out.push(metadataDiagnostic(r, 'warning', 'name', `virtual router "${r.name}" has no routes`));
};
