import type { Diagnostic, LoadResult, SkippedDocument, SourceFile, SpecResource } from '../model/resource.ts';
import { isCliInput, readCliInput } from './cli-json.ts';
import { CRD_API_VERSION, CRD_KINDS, CrdCluster, type CrdKind, DEFAULT_NAMESPACE } from './crd/cluster.ts';
import { readCustomResources } from './crd/read.ts';
import { labelsOf } from './crd/selector.ts';
import { NATIVE_API_VERSION, readNative } from './native.ts';
import { type ParsedDocument, parseFile } from './parse.ts';
import { isRecord } from './paths.ts';
import { documentDiagnostic } from './report.ts';

export interface LoadOptions {
  /**
   * The input may be part of a larger tree: a CRD whose Mesh or VirtualGateway membership cannot be
   * settled from the input is a warning instead of an error.
   */
  partial?: boolean;
}

const LEGACY_CRD_MESSAGE =
  'appmesh.k8s.aws/v1beta1 is the legacy controller API and is not loaded. Convert it to appmesh.k8s.aws/v1beta2: ' +
  'drop spec.meshName (a Mesh selects namespaces with spec.namespaceSelector, or set spec.meshRef); move ' +
  'VirtualService.spec.virtualRouter and spec.routes into a VirtualRouter with spec.listeners and spec.routes[] ' +
  '(http/tcp/http2/grpc become httpRoute/tcpRoute/http2Route/grpcRoute, weightedTargets[].virtualNodeName becomes ' +
  'virtualNodeRef.name) and point the service at it with provider.virtualRouter.virtualRouterRef; ' +
  'serviceDiscovery.cloudMap becomes awsCloudMap; backends[].virtualService.virtualServiceName becomes ' +
  'virtualServiceRef.name. Or write it in the native format (apiVersion: plexus/v1).';

/**
 * Loads App Mesh resources from files in any of the three formats (native plexus/v1 YAML, App Mesh CLI
 * input JSON, appmesh.k8s.aws/v1beta2 CRDs), mixed freely. Pure: no I/O. Other documents are skipped.
 */
export function loadFiles(files: SourceFile[], opts: LoadOptions = {}): LoadResult {
  const resources: SpecResource[] = [];
  const diagnostics: Diagnostic[] = [];
  const skipped: SkippedDocument[] = [];
  const cluster = new CrdCluster();

  for (const file of files) {
    const parsed = parseFile(file);
    diagnostics.push(...parsed.diagnostics);
    const seen: FileState = { legacy: false };
    for (const doc of parsed.documents) {
      const outcome = readDocument(doc, cluster, seen);
      if (outcome.resource) resources.push(outcome.resource);
      if (outcome.diagnostics) diagnostics.push(...outcome.diagnostics);
      if (outcome.skip) skipped.push({ file: doc.file, line: doc.start.line, reason: outcome.skip });
    }
  }
  const crds = readCustomResources(cluster, opts);
  resources.push(...crds.resources);
  diagnostics.push(...crds.diagnostics);
  return { resources, diagnostics, skipped };
}

interface DocumentOutcome {
  resource?: SpecResource;
  diagnostics?: Diagnostic[];
  skip?: string;
}

interface FileState {
  /** The long v1beta1 conversion advice was given for this file already. */
  legacy: boolean;
}

function readDocument(doc: ParsedDocument, cluster: CrdCluster, seen: FileState): DocumentOutcome {
  const value = doc.value;
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) return { skip: 'not a mapping: not an App Mesh spec' };
  const apiVersion = value.apiVersion;
  const kind = value.kind;
  if (typeof apiVersion === 'string') {
    if (apiVersion === NATIVE_API_VERSION) return readNative(doc, value);
    if (apiVersion.startsWith('plexus/')) {
      return fail(doc, ['apiVersion'], `unsupported apiVersion '${apiVersion}': use ${NATIVE_API_VERSION}`);
    }
    if (apiVersion === CRD_API_VERSION) return collectCustomResource(doc, value, cluster);
    if (apiVersion === 'appmesh.k8s.aws/v1beta1') {
      const message = seen.legacy
        ? 'appmesh.k8s.aws/v1beta1 is the legacy controller API and is not loaded (see the first v1beta1 object of this file for how to convert it)'
        : LEGACY_CRD_MESSAGE;
      seen.legacy = true;
      return fail(doc, ['apiVersion'], message);
    }
    if (apiVersion.startsWith('appmesh.k8s.aws/')) {
      return fail(doc, ['apiVersion'], `unsupported apiVersion '${apiVersion}': use ${CRD_API_VERSION}`);
    }
    if (apiVersion === 'v1' && kind === 'Namespace') {
      cluster.addNamespace(value.metadata);
      return { skip: 'Kubernetes Namespace (its labels are read for mesh membership)' };
    }
    return { skip: `Kubernetes ${String(kind ?? 'object')} (${apiVersion}) is not an App Mesh resource` };
  }
  const cfn = cloudFormationResources(value);
  if (cfn !== undefined) {
    return {
      skip:
        `CloudFormation template (${cfn} AWS::AppMesh::* resources) is not an input format: ` +
        'write the resources in the native format (apiVersion: plexus/v1) or as App Mesh CLI input JSON',
    };
  }
  if (isCliInput(value)) return readCliInput(doc, value);
  return { skip: 'no apiVersion and not App Mesh CLI input: not an App Mesh spec' };
}

function fail(doc: ParsedDocument, path: Array<string | number>, message: string): DocumentOutcome {
  return { diagnostics: [documentDiagnostic(doc, path, 'error', message)] };
}

function collectCustomResource(
  doc: ParsedDocument,
  value: Record<string, unknown>,
  cluster: CrdCluster,
): DocumentOutcome {
  const kind = value.kind;
  if (typeof kind !== 'string' || !(CRD_KINDS as readonly string[]).includes(kind)) {
    return fail(
      doc,
      ['kind'],
      `${CRD_API_VERSION} kind must be one of ${CRD_KINDS.join(', ')} (got ${JSON.stringify(kind ?? null)})`,
    );
  }
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    return fail(doc, ['metadata', 'name'], 'metadata.name is required');
  }
  const spec = value.spec ?? {};
  if (!isRecord(spec)) return fail(doc, ['spec'], 'spec must be a mapping');
  const namespaced = kind !== 'Mesh';
  const namespace =
    typeof metadata.namespace === 'string' && metadata.namespace !== ''
      ? metadata.namespace
      : DEFAULT_NAMESPACE;
  cluster.add({
    doc,
    kind: kind as CrdKind,
    name: metadata.name,
    namespace: namespaced ? namespace : '',
    labels: labelsOf(metadata),
    spec,
  });
  return {};
}

/** Number of AWS::AppMesh::* resources when the value is a CloudFormation template. */
function cloudFormationResources(value: Record<string, unknown>): number | undefined {
  const res = value.Resources;
  const isTemplate =
    'AWSTemplateFormatVersion' in value ||
    (isRecord(res) &&
      Object.values(res).some(
        (r) => isRecord(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::'),
      ));
  if (!isTemplate) return undefined;
  if (!isRecord(res)) return 0;
  return Object.values(res).filter(
    (r) => isRecord(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::AppMesh::'),
  ).length;
}
