import { IpPreferenceSchema } from './common.ts';
import { enumOf, type Infer, object, optional } from './dsl.ts';

export const EGRESS_FILTER_TYPES = ['ALLOW_ALL', 'DROP_ALL'] as const;

export const MeshSpecSchema = object({
  egressFilter: optional(object({ type: enumOf(EGRESS_FILTER_TYPES) })),
  serviceDiscovery: optional(object({ ipPreference: optional(IpPreferenceSchema) })),
});
export type MeshSpec = Infer<typeof MeshSpecSchema>;
export type EgressFilter = NonNullable<MeshSpec['egressFilter']>;
export type MeshServiceDiscovery = NonNullable<MeshSpec['serviceDiscovery']>;
