import type { Diagnostic } from '@plexus/spec';
import type { RevisionError } from './messages.ts';

/** A revision that failed validation: every error line, plus the first one's position and field. */
export function errorFromDiagnostics(
  revision: string,
  diagnostics: Diagnostic[],
  format: (d: Diagnostic) => string,
): RevisionError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  return {
    revision,
    stage: 'load',
    file: first?.file,
    line: first?.line,
    col: first?.col,
    field: first?.path,
    message: first ? first.message : 'invalid specification',
    errors: errors.map(format),
    at: new Date().toISOString(),
  };
}

/** A revision that failed past validation (graph, translate, apply): no position, just the message. */
export function errorFromException(
  revision: string,
  stage: RevisionError['stage'],
  err: unknown,
): RevisionError {
  const message = err instanceof Error ? err.message : String(err);
  return { revision, stage, message, errors: [message], at: new Date().toISOString() };
}
