import type { Diagnostic, Kind, Severity, SourcePosition } from '@plexus/spec';

/** What a reader says about a resource it is reading: kind/mesh/name when known. */
export interface Subject {
  kind?: Kind;
  mesh?: string;
  name?: string;
}

/** A reader's finding at a source position; `path` is the field path as the source spells it. */
export function diagnostic(
  severity: Severity,
  pos: SourcePosition,
  path: string,
  message: string,
  subject: Subject = {},
): Diagnostic {
  const d: Diagnostic = { severity, file: pos.file, line: pos.line, col: pos.col, path, message };
  if (subject.kind) d.kind = subject.kind;
  if (subject.mesh !== undefined) d.mesh = subject.mesh;
  if (subject.name !== undefined) d.name = subject.name;
  return d;
}

/** Collects a reader's diagnostics. */
export class Findings {
  readonly list: Diagnostic[] = [];
  error(pos: SourcePosition, path: string, message: string, subject?: Subject): void {
    this.list.push(diagnostic('error', pos, path, message, subject));
  }
  warning(pos: SourcePosition, path: string, message: string, subject?: Subject): void {
    this.list.push(diagnostic('warning', pos, path, message, subject));
  }
  get errors(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }
}
