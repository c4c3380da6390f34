import type { Diagnostic, FieldPath, Severity, SpecResource } from '../model/resource.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['listeners', 0, 'portMapping']` → `spec.listeners[0].portMapping`. */
export function formatFieldPath(path: FieldPath, root = 'spec'): string {
  let out = root;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A diagnostic about a field under `spec`, positioned through the resource's own position map. */
export function specDiagnostic(
  resource: SpecResource,
  severity: Severity,
  path: FieldPath,
  message: string,
): Diagnostic {
  const pos = resource.positionOf(path);
  return {
    severity,
    file: pos.file,
    line: pos.line,
    col: pos.col,
    kind: resource.kind,
    mesh: resource.mesh,
    name: resource.name,
    path: formatFieldPath(path),
    message,
  };
}

/** A diagnostic about the resource's identity (`metadata.*`), positioned at the resource. */
export function metadataDiagnostic(
  resource: SpecResource,
  severity: Severity,
  field: 'name' | 'mesh' | 'virtualRouter' | 'virtualGateway',
  message: string,
): Diagnostic {
  const pos = resource.position;
  return {
    severity,
    file: pos.file,
    line: pos.line,
    col: pos.col,
    kind: resource.kind,
    mesh: resource.mesh,
    name: resource.name,
    path: `metadata.${field}`,
    message,
  };
}
