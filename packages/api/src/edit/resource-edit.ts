import type { SpecResource } from '@plexus/spec';
import { ApiError } from '../errors.ts';
import { describeKey, keyOf, type ResourceKey } from '../kinds.ts';
import { editJsonFile } from './json-edit.ts';
import { editYamlDocument } from './yaml-patch.ts';

type Tags = Array<{ key: string; value: string }>;

/** What a write changes in one resource: its spec, its tags, or the resource as a whole (delete). */
export type ResourceChange = { spec: unknown } | { tags: Tags } | { delete: true };

const PARENT_META = { Route: 'virtualRouter', GatewayRoute: 'virtualGateway' } as const;

function nativeMatches(key: ResourceKey) {
  return (value: unknown): boolean => {
    const v = value as { kind?: unknown; metadata?: Record<string, unknown> } | null;
    if (!v || v.kind !== key.kind || v.metadata?.name !== key.name) return false;
    const mesh = key.kind === 'Mesh' ? (v.metadata.mesh ?? v.metadata.name) : v.metadata.mesh;
    if (mesh !== key.mesh) return false;
    const parentKey = PARENT_META[key.kind as keyof typeof PARENT_META];
    return !parentKey || v.metadata[parentKey] === key.parent;
  };
}

function applyNative(doc: Record<string, unknown>, change: ResourceChange): Record<string, unknown> | null {
  if ('delete' in change) return null;
  if ('spec' in change) return { ...doc, spec: change.spec };
  const metadata = { ...(doc.metadata as Record<string, unknown>) };
  if (change.tags.length > 0) metadata.tags = change.tags;
  else delete metadata.tags;
  return { ...doc, metadata };
}

function applyCliJson(doc: Record<string, unknown>, change: ResourceChange): Record<string, unknown> | null {
  if ('delete' in change) return null;
  if ('spec' in change) return { ...doc, spec: change.spec };
  const out = { ...doc };
  if (change.tags.length > 0) out.tags = change.tags;
  else delete out.tags;
  return out;
}

const IAC = new Set(['cloudformation', 'terraform', 'terraform-json']);

/**
 * The new content of the file `resource` came from, with `change` applied in that file's own format
 * (null: the file goes). Infrastructure code and CRDs are not rewritten: the error says where to edit.
 */
export function editResourceFile(
  content: string,
  resource: SpecResource,
  change: ResourceChange,
): string | null {
  const key = keyOf(resource);
  const where = `${resource.position.file}:${resource.position.line}`;
  const name = `${resource.kind} ${describeKey(key)}`;
  if (IAC.has(resource.format)) {
    throw new ApiError(
      'BadRequestException',
      `${name} is defined by infrastructure code at ${where}${resource.origin ? ` (${resource.origin})` : ''}: Plexus does not rewrite templates; change it there and commit`,
    );
  }
  if (resource.format === 'k8s-crd') {
    throw new ApiError(
      'BadRequestException',
      `${name} is an App Mesh controller CRD at ${where}: writes through the API go to native and CLI JSON files only; edit the CRD and commit`,
    );
  }
  if (resource.format === 'cli-json') return editJsonFile(content, (d) => applyCliJson(d, change));
  const out = editYamlDocument(content, { match: nativeMatches(key), next: (d) => applyNative(d, change) });
  if (out === undefined) {
    throw new ApiError(
      'ConflictException',
      `${name} is no longer where it was loaded from (${where}); retry`,
    );
  }
  return out;
}
