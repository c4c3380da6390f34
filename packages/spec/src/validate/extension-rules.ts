import type { Diagnostic, FieldPath, SpecResource } from '../model/resource.ts';
import { checkSchema } from '../schema/dsl.ts';
import { type MeshExtensions, MeshExtensionsSchema } from '../schema/extensions.ts';
import { type ResourceRule, referenceSeverity } from './context.ts';
import { formatFieldPath } from './diagnostic.ts';

function extensionDiagnostic(
  r: SpecResource,
  severity: Diagnostic['severity'],
  path: FieldPath,
  message: string,
): Diagnostic {
  const pos = r.positionOfExtension?.(path) ?? r.position;
  return {
    severity,
    file: pos.file,
    line: pos.line,
    col: pos.col,
    kind: r.kind,
    mesh: r.mesh,
    name: r.name,
    path: formatFieldPath(path, 'extensions'),
    message,
  };
}

/** A Mesh's Plexus extensions: their schema, and a tracing collector node that exists in the mesh. */
export const extensionsRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'Mesh' || !r.extensions) return;
  const issues = checkSchema(MeshExtensionsSchema, r.extensions);
  for (const issue of issues) ctx.out.push(extensionDiagnostic(r, 'error', issue.path, issue.message));
  if (issues.length > 0) return;
  const tracing = (r.extensions as MeshExtensions).tracing;
  const node = tracing?.collector.virtualNode;
  if (node && !ctx.index.get('VirtualNode', r.mesh, node)) {
    ctx.out.push(
      extensionDiagnostic(
        r,
        referenceSeverity(ctx),
        ['tracing', 'collector', 'virtualNode'],
        `virtual node "${node}" is not defined in mesh "${r.mesh}"`,
      ),
    );
  }
  if (
    tracing?.provider === 'xray' &&
    tracing.collector.address &&
    !/^[\d.:a-fA-F]+$/.test(tracing.collector.address)
  ) {
    ctx.out.push(
      extensionDiagnostic(
        r,
        'error',
        ['tracing', 'collector', 'address'],
        "Envoy's X-Ray tracer sends UDP to an IP address: give an IP literal (or a virtual node)",
      ),
    );
  }
};
