import type { Diagnostic, LoadResult, SkippedDocument, SourceFile, SpecResource } from '../model/resource.ts';
import { isCliInput, readCliInput } from './cli-json.ts';
import {
  CRD_API_VERSION,
  CRD_KINDS,
  CrdCluster,
  type CrdKind,
  type CustomResource,
  DEFAULT_NAMESPACE,
} from './crd/cluster.ts';
import { readCustomResources } from './crd/read.ts';
import { labelsOf } from './crd/selector.ts';
import type { FormatReader, FormatReadResult } from './format-reader.ts';
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
  /**
   * Readers for further formats (CloudFormation, Terraform, CDK: @plexus/import), offered the files first;
   * what they claim is theirs alone.
   */
  readers?: readonly FormatReader[];
}

/** Files only a reader can take (Terraform, parameter lines): skipped when no reader claimed them. */
const READER_ONLY = /\.(tf|tfvars|parameters)$/i;

/** Reads one reader's claimed files; createSpecLoader passes one that remembers earlier reads. */
export type ReadGroup = (reader: FormatReader, files: SourceFile[]) => FormatReadResult;

const readGroup: ReadGroup = (reader, files) => reader.read(files);

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
 * `loadOne` lets a caller reuse what a file gave at an earlier load (see createSpecLoader).
 */
export function loadFiles(
  files: SourceFile[],
  opts: LoadOptions = {},
  loadOne: (file: SourceFile) => FileLoad = loadFile,
  readOne: ReadGroup = readGroup,
): LoadResult {
  const resources: SpecResource[] = [];
  const diagnostics: Diagnostic[] = [];
  const skipped: SkippedDocument[] = [];
  const cluster = new CrdCluster();

  let rest: SourceFile[] = files;
  for (const reader of opts.readers ?? []) {
    const claimed = reader.claim(rest);
    if (claimed.length === 0) continue;
    const taken = new Set(claimed);
    rest = rest.filter((f) => !taken.has(f));
    const read = readOne(reader, claimed);
    for (const r of read.resources) resources.push(r);
    for (const d of read.diagnostics) diagnostics.push(d);
    for (const s of read.skipped) skipped.push(s);
  }
  for (const file of rest) {
    if (READER_ONLY.test(file.path)) {
      skipped.push({ file: file.path, line: 1, reason: 'not a spec file (no reader took it)' });
      continue;
    }
    const one = loadOne(file);
    // loops, not push(...x): a file may hold more documents than a call takes arguments
    for (const d of one.diagnostics) diagnostics.push(d);
    for (const r of one.resources) resources.push(r);
    for (const s of one.skipped) skipped.push(s);
    for (const entry of one.crds) {
      if ('cr' in entry) cluster.add(entry.cr);
      else cluster.addNamespace(entry.namespace);
    }
  }
  const crds = readCustomResources(cluster, opts);
  for (const r of crds.resources) resources.push(r);
  for (const d of crds.diagnostics) diagnostics.push(d);
  return { resources, diagnostics, skipped };
}

/**
 * What one file contributes to a load, whatever the other files are. CRDs only settle their mesh across
 * files, so they are kept as collected and resolved by loadFiles. Treat as read-only: it may be shared.
 */
export interface FileLoad {
  resources: SpecResource[];
  /** Parse diagnostics, then each document's, in document order. */
  diagnostics: Diagnostic[];
  skipped: SkippedDocument[];
  /** Custom resources and Namespace metadata, in document order. */
  crds: Array<{ cr: CustomResource } | { namespace: unknown }>;
}

/** Parses and reads one file. Pure. */
export function loadFile(file: SourceFile): FileLoad {
  const parsed = parseFile(file);
  const one: FileLoad = { resources: [], diagnostics: [...parsed.diagnostics], skipped: [], crds: [] };
  const seen: FileState = { legacy: false };
  for (const doc of parsed.documents) {
    const outcome = readDocument(doc, one.crds, seen);
    if (outcome.resource) one.resources.push(outcome.resource);
    if (outcome.diagnostics) one.diagnostics.push(...outcome.diagnostics);
    if (outcome.skip) one.skipped.push({ file: doc.file, line: doc.start.line, reason: outcome.skip });
  }
  return one;
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

function readDocument(doc: ParsedDocument, crds: FileLoad['crds'], seen: FileState): DocumentOutcome {
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
    if (apiVersion === CRD_API_VERSION) return collectCustomResource(doc, value, crds);
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
      crds.push({ namespace: value.metadata });
      return { skip: 'Kubernetes Namespace (its labels are read for mesh membership)' };
    }
    return { skip: `Kubernetes ${String(kind ?? 'object')} (${apiVersion}) is not an App Mesh resource` };
  }
  const cfn = cloudFormationResources(value);
  if (cfn !== undefined) {
    return {
      skip:
        `CloudFormation template (${cfn} AWS::AppMesh::* resources): this load has no CloudFormation reader ` +
        '(the plexus CLI and daemon read templates with @plexus/import)',
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
  crds: FileLoad['crds'],
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
  const cr: CustomResource = {
    doc,
    kind: kind as CrdKind,
    name: metadata.name,
    namespace: namespaced ? namespace : '',
    labels: labelsOf(metadata),
    spec,
  };
  crds.push({ cr });
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
