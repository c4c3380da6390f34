import { dottedFieldPath } from '../load/paths.ts';
import type { Diagnostic, FieldPath, Severity, SourcePosition, SpecResource } from '../model/resource.ts';

/** `['listeners', 0, 'portMapping']` → `spec.listeners[0].portMapping`; `['a-b']` → `spec["a-b"]`. */
export function formatFieldPath(path: FieldPath, root = 'spec'): string {
  return dottedFieldPath(path, { root, quoteKeys: true });
}

/** A diagnostic about a field under `spec`, positioned through the resource's own position map. */
export function specDiagnostic(
  resource: SpecResource,
  severity: Severity,
  path: FieldPath,
  message: string,
): Diagnostic {
  return resourceDiagnostic(resource, severity, resource.positionOf(path), formatFieldPath(path), message);
}

/** A diagnostic about the resource's identity (`metadata.*`), positioned at the resource. */
export function metadataDiagnostic(
  resource: SpecResource,
  severity: Severity,
  field: 'name' | 'mesh' | 'virtualRouter' | 'virtualGateway',
  message: string,
): Diagnostic {
  return resourceDiagnostic(resource, severity, resource.position, `metadata.${field}`, message);
}

function resourceDiagnostic(
  resource: SpecResource,
  severity: Severity,
  pos: SourcePosition,
  path: string,
  message: string,
): Diagnostic {
  return {
    severity,
    file: pos.file,
    line: pos.line,
    col: pos.col,
    kind: resource.kind,
    mesh: resource.mesh,
    name: resource.name,
    path,
    message,
  };
}
