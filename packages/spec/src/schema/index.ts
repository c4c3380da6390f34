import type { Kind, SpecResource } from '../model/resource.ts';
import type { ObjectSchema } from './dsl.ts';
import { GatewayRouteSpecSchema } from './gateway-route.ts';
import { MeshSpecSchema } from './mesh.ts';
import {
  AuthPolicySpecSchema,
  ProxyPatchSpecSchema,
  RolloutSpecSchema,
  TrafficPolicySpecSchema,
} from './policy/index.ts';
import { RouteSpecSchema } from './route.ts';
import { VirtualGatewaySpecSchema } from './virtual-gateway.ts';
import { VirtualNodeSpecSchema } from './virtual-node.ts';
import { VirtualRouterSpecSchema } from './virtual-router.ts';
import { VirtualServiceSpecSchema } from './virtual-service.ts';

export * from './common.ts';
export * from './defaults.ts';
export {
  type AnySchema,
  checkSchema,
  decimal,
  didYouMean,
  type Infer,
  type ListSchema,
  type ObjectSchema,
  type SchemaIssue,
} from './dsl.ts';
export * from './extensions.ts';
export * from './gateway-route.ts';
export * from './mesh.ts';
export * from './policy/index.ts';
export * from './route.ts';
export * from './service-discovery.ts';
export * from './virtual-gateway.ts';
export * from './virtual-node.ts';
export * from './virtual-router.ts';
export * from './virtual-service.ts';

/** The runtime schema of each kind's `spec`. */
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous shapes
export const SPEC_SCHEMAS: Readonly<Record<Kind, ObjectSchema<any>>> = {
  Mesh: MeshSpecSchema,
  VirtualNode: VirtualNodeSpecSchema,
  VirtualService: VirtualServiceSpecSchema,
  VirtualRouter: VirtualRouterSpecSchema,
  Route: RouteSpecSchema,
  VirtualGateway: VirtualGatewaySpecSchema,
  GatewayRoute: GatewayRouteSpecSchema,
  AuthPolicy: AuthPolicySpecSchema,
  TrafficPolicy: TrafficPolicySpecSchema,
  ProxyPatch: ProxyPatchSpecSchema,
  Rollout: RolloutSpecSchema,
};

export interface SpecByKind {
  Mesh: import('./mesh.ts').MeshSpec;
  VirtualNode: import('./virtual-node.ts').VirtualNodeSpec;
  VirtualService: import('./virtual-service.ts').VirtualServiceSpec;
  VirtualRouter: import('./virtual-router.ts').VirtualRouterSpec;
  Route: import('./route.ts').RouteSpec;
  VirtualGateway: import('./virtual-gateway.ts').VirtualGatewaySpec;
  GatewayRoute: import('./gateway-route.ts').GatewayRouteSpec;
  AuthPolicy: import('./policy/auth-policy.ts').AuthPolicySpec;
  TrafficPolicy: import('./policy/traffic-policy.ts').TrafficPolicySpec;
  ProxyPatch: import('./policy/proxy-patch.ts').ProxyPatchSpec;
  Rollout: import('./policy/rollout.ts').RolloutSpec;
}

/** A resource whose spec has its kind's App Mesh type (after `validateResources` found no errors on it). */
export type TypedSpecResource<K extends Kind = Kind> = K extends Kind
  ? SpecResource<SpecByKind[K]> & { kind: K }
  : never;

/** Narrows a resource to its kind's spec type. Only a type guard: validate first. */
export function isKind<K extends Kind>(r: SpecResource, kind: K): r is TypedSpecResource<K> {
  return r.kind === kind;
}
