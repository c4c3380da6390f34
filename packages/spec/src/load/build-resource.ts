import type { FieldPath, Kind, SourcePosition, SpecFormat, SpecResource } from '../model/resource.ts';
import type { ParsedDocument } from './parse.ts';

export interface ResourceParts {
  kind: Kind;
  mesh: string;
  name: string;
  virtualRouter?: string;
  virtualGateway?: string;
  spec: unknown;
  format: SpecFormat;
  k8s?: SpecResource['k8s'];
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
  if (parts.extensions) {
    resource.extensions = parts.extensions;
    resource.positionOfExtension = (path: FieldPath) => doc.positionAt([...at, 'extensions', ...path]);
  }
  return resource;
}
