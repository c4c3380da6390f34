import { type Diagnostic, KINDS, type Kind, type SpecResource } from '../model/resource.ts';
import { buildResource } from './build-resource.ts';
import type { ParsedDocument } from './parse.ts';
import { isRecord } from './paths.ts';
import { documentDiagnostic } from './report.ts';
import { tagList } from './tags.ts';

export const NATIVE_API_VERSION = 'plexus/v1';

const PARENT_KEY: Partial<Record<Kind, 'virtualRouter' | 'virtualGateway'>> = {
  Route: 'virtualRouter',
  GatewayRoute: 'virtualGateway',
};

/** Reads one `apiVersion: plexus/v1` document. */
export function readNative(
  doc: ParsedDocument,
  value: Record<string, unknown>,
): { resource?: SpecResource; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const kind = value.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    diagnostics.push(
      documentDiagnostic(
        doc,
        ['kind'],
        'error',
        `kind must be one of ${KINDS.join(', ')} (got ${JSON.stringify(kind ?? null)})`,
      ),
    );
    return { diagnostics };
  }
  const k = kind as Kind;
  const metadata = value.metadata;
  if (!isRecord(metadata)) {
    diagnostics.push(
      documentDiagnostic(doc, ['metadata'], 'error', 'metadata is required (name, mesh)', { kind: k }),
    );
    return { diagnostics };
  }
  const name = stringField(metadata.name);
  const mesh = k === 'Mesh' ? (stringField(metadata.mesh) ?? name) : stringField(metadata.mesh);
  const subject = { kind: k, mesh, name };
  if (name === undefined) {
    diagnostics.push(
      documentDiagnostic(doc, ['metadata', 'name'], 'error', 'metadata.name is required', subject),
    );
  }
  if (mesh === undefined) {
    diagnostics.push(
      documentDiagnostic(doc, ['metadata', 'mesh'], 'error', `metadata.mesh is required for a ${k}`, subject),
    );
  } else if (k === 'Mesh' && metadata.mesh !== undefined && metadata.mesh !== name) {
    diagnostics.push(
      documentDiagnostic(
        doc,
        ['metadata', 'mesh'],
        'error',
        'a Mesh names itself: metadata.mesh, if given, must equal metadata.name',
        subject,
      ),
    );
  }
  const parentKey = PARENT_KEY[k];
  const parent = parentKey ? stringField(metadata[parentKey]) : undefined;
  if (parentKey && parent === undefined) {
    diagnostics.push(
      documentDiagnostic(
        doc,
        ['metadata', parentKey],
        'error',
        `metadata.${parentKey} is required for a ${k}`,
        subject,
      ),
    );
  }
  for (const key of Object.keys(metadata)) {
    const known =
      key === 'name' ||
      key === 'mesh' ||
      key === parentKey ||
      key === 'labels' ||
      key === 'annotations' ||
      key === 'tags';
    if (!known) {
      diagnostics.push(
        documentDiagnostic(
          doc,
          ['metadata', key],
          'warning',
          `unknown metadata field '${key}' is ignored`,
          subject,
        ),
      );
    }
  }
  const spec = value.spec ?? {};
  if (!isRecord(spec)) {
    diagnostics.push(documentDiagnostic(doc, ['spec'], 'error', 'spec must be a mapping', subject));
  }
  const extensions = value.extensions;
  if (extensions !== undefined && extensions !== null) {
    if (!isRecord(extensions)) {
      diagnostics.push(
        documentDiagnostic(doc, ['extensions'], 'error', 'extensions must be a mapping', subject),
      );
    } else if (k !== 'Mesh') {
      diagnostics.push(
        documentDiagnostic(
          doc,
          ['extensions'],
          'error',
          `extensions are a Plexus addition to the Mesh kind only (tracing); a ${k} has none`,
          subject,
        ),
      );
    }
  }
  if (diagnostics.some((d) => d.severity === 'error') || name === undefined || mesh === undefined) {
    return { diagnostics };
  }
  const tags = tagList(metadata.tags);
  if (metadata.tags !== undefined && !tags) {
    diagnostics.push(
      documentDiagnostic(
        doc,
        ['metadata', 'tags'],
        'error',
        'metadata.tags must be a list of {key, value} strings',
        subject,
      ),
    );
    return { diagnostics };
  }
  const resource = buildResource({
    kind: k,
    mesh,
    name,
    spec,
    format: 'native',
    doc,
    at: [],
    sourcePathOf: (path) => ['spec', ...path],
    ...(isRecord(extensions) ? { extensions } : {}),
    ...(parentKey === 'virtualRouter' ? { virtualRouter: parent } : {}),
    ...(parentKey === 'virtualGateway' ? { virtualGateway: parent } : {}),
  });
  if (tags) resource.tags = tags;
  return { resource, diagnostics };
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
