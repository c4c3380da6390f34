import type {
  GatewayRouteShape,
  MeshShape,
  RouteShape,
  VirtualGatewayShape,
  VirtualNodeShape,
  VirtualRouterShape,
  VirtualServiceShape,
} from '@plexus/graph';
import type {
  GatewayRouteSpec,
  MeshSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '@plexus/spec';
import { describe, expect, it } from 'vitest';

/** Compile-time: every spec type @plexus/spec validates is readable through the graph's shapes (tsc checks this). */
function readable<S, T extends S>(x: T): S {
  return x;
}

describe('graph shapes', () => {
  it('accept the @plexus/spec types', () => {
    const ok = [
      readable<MeshShape, MeshSpec>({} as MeshSpec),
      readable<VirtualNodeShape, VirtualNodeSpec>({} as VirtualNodeSpec),
      readable<VirtualServiceShape, VirtualServiceSpec>({} as VirtualServiceSpec),
      readable<VirtualRouterShape, VirtualRouterSpec>({} as VirtualRouterSpec),
      readable<RouteShape, RouteSpec>({} as RouteSpec),
      readable<VirtualGatewayShape, VirtualGatewaySpec>({} as VirtualGatewaySpec),
      readable<GatewayRouteShape, GatewayRouteSpec>({} as GatewayRouteSpec),
    ];
    expect(ok).toHaveLength(7);
  });
});
