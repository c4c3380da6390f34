import type { FieldPath, Kind, SourcePosition, SpecFormat, SpecResource } from '../model/resource.ts';
import type { ParsedDocument } from './parse.ts';

export interface OwnerPart {
  value: string;
  /** Raw path in the document, e.g. ['metadata', 'meshOwner']; or a document of its own (an inherited owner). */
  at: FieldPath;
  doc?: ParsedDocument;
}

export interface ResourceParts {
  kind: Kind;
  mesh: string;
  name: string;
  virtualRouter?: string;
  virtualGateway?: string;
  spec: unknown;
  format: SpecFormat;
  k8s?: SpecResource['k8s'];
  /** Owner fields and where they are in the document (raw paths). */
  owners?: { meshOwner?: OwnerPart; resourceOwner?: OwnerPart };
  /** Native only: the document's `extensions` mapping, found at `['extensions']` in the document. */
  extensions?: Record<string, unknown>;
  doc: ParsedDocument;
  /** Raw path (in the document) where the resource starts; [] for the whole document. */
  at: FieldPath;
  /** Maps an API path under `spec` to the raw document path of that field. */
  sourcePathOf: (apiPath: FieldPath) => FieldPath;
}

/** Assembles a SpecResource whose positions are looked up lazily (JSON files parse their tree on demand). */
export function buildResource(parts: ResourceParts): SpecResource {
  const { doc, at, sourcePathOf } = parts;
  let start: SourcePosition | undefined = at.length === 0 ? doc.start : undefined;
  const resource: SpecResource = {
    kind: parts.kind,
    mesh: parts.mesh,
    name: parts.name,
    spec: parts.spec,
    format: parts.format,
    get position(): SourcePosition {
      start ??= doc.positionAt(at);
      return start;
    },
    positionOf: (path: FieldPath) => doc.positionAt(sourcePathOf(path)),
  };
  if (parts.virtualRouter !== undefined) resource.virtualRouter = parts.virtualRouter;
  if (parts.virtualGateway !== undefined) resource.virtualGateway = parts.virtualGateway;
  if (parts.k8s) resource.k8s = parts.k8s;
  if (parts.owners && (parts.owners.meshOwner || parts.owners.resourceOwner)) {
    resource.owners = {};
    for (const key of ['meshOwner', 'resourceOwner'] as const) {
      const o = parts.owners[key];
      if (!o) continue;
      const d = o.doc ?? doc;
      let pos: SourcePosition | undefined;
      resource.owners[key] = {
        value: o.value,
        field: o.at.join('.'),
        get position(): SourcePosition {
          pos ??= d.positionAt(o.at);
          return pos;
        },
      };
    }
  }
  if (parts.extensions) {
    resource.extensions = parts.extensions;
    resource.positionOfExtension = (path: FieldPath) => doc.positionAt([...at, 'extensions', ...path]);
  }
  return resource;
}
