/**
 * ProxyPatch: the escape hatch. JSON Patch (RFC 6902) or JSON merge patch (RFC 7386) operations on named Envoy
 * resources Plexus generates for one virtual node or gateway; the result is checked against Envoy's protos.
 */
import { enumOf, type Infer, list, object, optional, type Schema, string } from '../dsl.ts';
import { PolicyTargetRefSchema } from './common.ts';

/** Any JSON value (a patch's `value`, a merge document). */
export function jsonValue(): Schema<unknown> {
  return { optional: false, expected: 'any value', check() {} };
}

export const PATCH_RESOURCE_TYPES = ['listener', 'route', 'cluster', 'endpoint'] as const;
export type PatchResourceType = (typeof PATCH_RESOURCE_TYPES)[number];

export const JSON_PATCH_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

export const JsonPatchOperationSchema = object({
  op: enumOf(JSON_PATCH_OPS),
  /** A JSON pointer into the resource (proto3 JSON field names as `plexus config-dump` prints them). */
  path: string({ max: 4096, pattern: /^(\/.*)?$/ }),
  from: optional(string({ max: 4096, pattern: /^(\/.*)?$/ })),
  value: optional(jsonValue()),
});
export type JsonPatchOperation = Infer<typeof JsonPatchOperationSchema>;

export const ResourcePatchSchema = object(
  {
    type: enumOf(PATCH_RESOURCE_TYPES),
    /** The resource's name as generated (`lds_ingress_0.0.0.0_15000`, `cds_egress_demo_red_http_9080`, ...). */
    name: string({ min: 1, max: 1024 }),
    jsonPatch: optional(list(JsonPatchOperationSchema, { min: 1, max: 256 })),
    merge: optional(jsonValue()),
  },
  { exactlyOne: ['jsonPatch', 'merge'] },
);
export type ResourcePatch = Infer<typeof ResourcePatchSchema>;

export const ProxyPatchSpecSchema = object({
  targetRef: PolicyTargetRefSchema,
  /** Applied in order, after every other policy. */
  patches: list(ResourcePatchSchema, { min: 1, max: 256 }),
});
export type ProxyPatchSpec = Infer<typeof ProxyPatchSpecSchema>;
