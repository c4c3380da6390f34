import type { Kind, ResourceOwners, SourcePosition, SpecFormat, SpecResource } from '@plexus/spec';
import { type MappedSpec, positionLookup } from './api-shape.ts';

export interface ImportedParts {
  kind: Kind;
  mesh: string;
  name: string;
  virtualRouter?: string;
  virtualGateway?: string;
  format: SpecFormat;
  /** Where the resource is declared. */
  position: SourcePosition;
  origin: string;
  mapped: MappedSpec;
  owners?: ResourceOwners;
}

/** A SpecResource from an IaC reader: positions of spec fields come from the mapping. */
export function importedResource(parts: ImportedParts): SpecResource {
  const r: SpecResource = {
    kind: parts.kind,
    mesh: parts.mesh,
    name: parts.name,
    spec: parts.mapped.spec,
    format: parts.format,
    position: parts.position,
    origin: parts.origin,
    positionOf: positionLookup(parts.mapped.positions, parts.position),
  };
  if (parts.virtualRouter !== undefined) r.virtualRouter = parts.virtualRouter;
  if (parts.virtualGateway !== undefined) r.virtualGateway = parts.virtualGateway;
  if (parts.owners) r.owners = parts.owners;
  return r;
}
