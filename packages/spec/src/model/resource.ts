/** The seven App Mesh resource kinds. */
export const APP_MESH_KINDS = [
  'Mesh',
  'VirtualNode',
  'VirtualService',
  'VirtualRouter',
  'Route',
  'VirtualGateway',
  'GatewayRoute',
] as const;
export type AppMeshKind = (typeof APP_MESH_KINDS)[number];

/**
 * Plexus's own kinds (native YAML only): policies that attach by reference to an App Mesh resource, so the App
 * Mesh shapes (and their CLI JSON and CRD forms) stay exactly App Mesh's. See docs/policies.md (Rollout:
 * docs/rollouts.md).
 */
export const POLICY_KINDS = ['AuthPolicy', 'TrafficPolicy', 'ProxyPatch', 'Rollout'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** Every kind a native document may name. */
export const KINDS = [...APP_MESH_KINDS, ...POLICY_KINDS] as const;
export type Kind = (typeof KINDS)[number];

export function isPolicyKind(kind: string): kind is PolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(kind);
}

/** 1-based line and column in a source file (path relative to the loaded root). */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** A file as a source hands it to the spec stage: no I/O past this point. */
export interface SourceFile {
  path: string;
  content: string;
}

export type SpecFormat =
  | 'native'
  | 'cli-json'
  | 'k8s-crd'
  | 'cloudformation'
  | 'terraform'
  | 'terraform-json'
  | 'appmesh-api';

/** Field path inside a resource's spec, e.g. ['listeners', 0, 'portMapping', 'port']. */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * One App Mesh resource after loading, in the App Mesh API shape (camelCase, as api-fields.md),
 * whatever format it was written in.
 */
export interface SpecResource<S = unknown> {
  kind: Kind;
  /** Mesh name; for a Mesh, its own name. */
  mesh: string;
  name: string;
  /** Route only: the virtual router it belongs to. */
  virtualRouter?: string;
  /** GatewayRoute only: the virtual gateway it belongs to. */
  virtualGateway?: string;
  spec: S;
  format: SpecFormat;
  /** Where the resource starts. */
  position: SourcePosition;
  /**
   * Where an imported resource came from, for people (`CloudFormation stack colorapp, resource ColorRoute`,
   * `aws_appmesh_route.colors`); the position still names the file and line.
   */
  origin?: string;
  /** Best known position of a field under `spec` (falls back to the nearest ancestor, then the resource). */
  positionOf(path: FieldPath): SourcePosition;
  /**
   * Plexus extensions written beside `spec` (native YAML only; see schema/extensions.ts): settings App Mesh's
   * API has no field for, such as a mesh's tracing.
   */
  extensions?: Record<string, unknown>;
  /** Position of a field under `extensions` (falls back like positionOf). */
  positionOfExtension?(path: FieldPath): SourcePosition;
  /** App Mesh tags (native `metadata.tags`, CLI input JSON `tags`), as the API's TagRef list. */
  tags?: Array<{ key: string; value: string }>;
  /**
   * App Mesh's owner fields (account ids, or team names in Plexus): the mesh's owner and the resource's
   * owner, as written (CLI JSON `meshOwner`/`resourceOwner`, CloudFormation `MeshOwner`, a CRD Mesh's
   * `spec.meshOwner`, native `metadata.meshOwner`/`metadata.resourceOwner`). A multi-source daemon checks them
   * against the owner of the source the resource came from.
   */
  owners?: ResourceOwners;
  /** Multi-source daemons: the name of the configured source (team repository) the resource came from. */
  source?: string;
  /** Kubernetes-only data kept for the eks discovery plugin (CRD format). */
  k8s?: {
    namespace?: string;
    podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    namespaceSelector?: { matchLabels?: Record<string, string> };
  };
}

/** One owner field as written: its value and where. */
export interface OwnerField {
  value: string;
  position: SourcePosition;
  /** The field as the file spells it (`meshOwner`, `metadata.resourceOwner`, `Properties.MeshOwner`, ...). */
  field: string;
}

export interface ResourceOwners {
  meshOwner?: OwnerField;
  resourceOwner?: OwnerField;
}

export type Severity = 'error' | 'warning';

/** One finding, always positioned. Printed as `file:line:col: Kind mesh/name: field.path: message`. */
export interface Diagnostic {
  severity: Severity;
  file: string;
  line: number;
  col: number;
  kind?: Kind;
  mesh?: string;
  name?: string;
  /** Dotted field path from the spec root, e.g. `spec.listeners[0].portMapping.port`; '' when about the file. */
  path: string;
  message: string;
}

export interface SkippedDocument {
  file: string;
  line: number;
  reason: string;
}

export interface LoadResult {
  resources: SpecResource[];
  diagnostics: Diagnostic[];
  skipped: SkippedDocument[];
}

/** Stable id used by graph, CLI and status: `Kind/mesh/name` (Route/GatewayRoute: `Kind/mesh/parent/name`). */
export function resourceId(
  r: Pick<SpecResource, 'kind' | 'mesh' | 'name' | 'virtualRouter' | 'virtualGateway'>,
): string {
  const parent =
    r.kind === 'Route' ? r.virtualRouter : r.kind === 'GatewayRoute' ? r.virtualGateway : undefined;
  return parent ? `${r.kind}/${r.mesh}/${parent}/${r.name}` : `${r.kind}/${r.mesh}/${r.name}`;
}
