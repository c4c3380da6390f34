import type { SpecResource } from '@plexus/spec';
import { arnOf, KIND_INFO, keyOf } from './kinds.ts';
import type { ResourceMetadata } from './metadata.ts';

/** Account and region the API answers for (ARNs, owners). */
export interface ApiIdentity {
  region: string;
  accountId: string;
}

export type ResourceStatus = 'ACTIVE' | 'INACTIVE' | 'DELETED';

function names(r: SpecResource): Record<string, string> {
  const info = KIND_INFO[r.kind];
  const out: Record<string, string> = { meshName: r.mesh };
  if (info.parent) out[info.parent.nameKey] = (r.kind === 'Route' ? r.virtualRouter : r.virtualGateway) ?? '';
  if (r.kind !== 'Mesh') out[info.nameKey] = r.name;
  return out;
}

/** What App Mesh fills in when a spec leaves it out. */
function specOut(r: SpecResource): unknown {
  const spec = (r.spec ?? {}) as Record<string, unknown>;
  if (r.kind === 'Mesh') return { egressFilter: { type: 'DROP_ALL' }, ...spec };
  return spec;
}

/** MeshData, VirtualNodeData, RouteData, ...: the payload of Describe/Create/Update/Delete. */
export function resourceData(
  r: SpecResource,
  meta: ResourceMetadata,
  id: ApiIdentity,
  status: ResourceStatus = 'ACTIVE',
): Record<string, unknown> {
  return {
    ...names(r),
    metadata: {
      arn: arnOf(keyOf(r), id.region, id.accountId),
      createdAt: meta.createdAt,
      lastUpdatedAt: meta.lastUpdatedAt,
      meshOwner: id.accountId,
      resourceOwner: id.accountId,
      uid: meta.uid,
      version: meta.version,
    },
    spec: specOut(r),
    status: { status },
  };
}

/** MeshRef, VirtualNodeRef, RouteRef, ...: one entry of a List call. */
export function resourceRef(
  r: SpecResource,
  meta: ResourceMetadata,
  id: ApiIdentity,
): Record<string, unknown> {
  return {
    ...names(r),
    arn: arnOf(keyOf(r), id.region, id.accountId),
    createdAt: meta.createdAt,
    lastUpdatedAt: meta.lastUpdatedAt,
    meshOwner: id.accountId,
    resourceOwner: id.accountId,
    version: meta.version,
  };
}
