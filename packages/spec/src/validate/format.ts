import type { Diagnostic } from '../model/resource.ts';

/**
 * `file:line:col: Kind mesh/name: field.path: message` (DESIGN.md). The resource part is left out when the
 * finding is about a file, the path part when empty; warnings carry a `warning: ` prefix on the message.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const parts = [`${d.file}:${d.line}:${d.col}`];
  if (d.kind) parts.push(`${d.kind} ${d.mesh ?? ''}/${d.name ?? ''}`);
  if (d.path) parts.push(d.path);
  parts.push(d.severity === 'warning' ? `warning: ${d.message}` : d.message);
  return parts.join(': ');
}
