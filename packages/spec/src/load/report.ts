import type { Diagnostic, FieldPath, Kind, Severity } from '../model/resource.ts';
import type { ParsedDocument } from './parse.ts';
import { dottedFieldPath } from './paths.ts';

export interface Subject {
  kind?: Kind;
  mesh?: string;
  name?: string;
}

/** A diagnostic about a field of a document, located at that field in the source. */
export function documentDiagnostic(
  doc: ParsedDocument,
  rawPath: FieldPath,
  severity: Severity,
  message: string,
  subject: Subject = {},
): Diagnostic {
  const pos = doc.positionAt(rawPath);
  const d: Diagnostic = {
    severity,
    file: pos.file,
    line: pos.line,
    col: pos.col,
    path: dottedFieldPath(rawPath),
    message,
  };
  if (subject.kind) d.kind = subject.kind;
  if (subject.mesh !== undefined) d.mesh = subject.mesh;
  if (subject.name !== undefined) d.name = subject.name;
  return d;
}
