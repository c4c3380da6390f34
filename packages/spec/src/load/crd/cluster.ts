import type { ParsedDocument } from '../parse.ts';
import { isRecord } from '../paths.ts';
import { type Labels, labelsOf, selectorMatches } from './selector.ts';

export const CRD_API_VERSION = 'appmesh.k8s.aws/v1beta2';
export const CRD_KINDS = [
  'Mesh',
  'VirtualNode',
  'VirtualService',
  'VirtualRouter',
  'VirtualGateway',
  'GatewayRoute',
  'BackendGroup',
] as const;
export type CrdKind = (typeof CRD_KINDS)[number];

/** kubectl's namespace when a manifest names none. */
export const DEFAULT_NAMESPACE = 'default';

export interface CustomResource {
  doc: ParsedDocument;
  kind: CrdKind;
  name: string;
  /** '' for the cluster-scoped Mesh. */
  namespace: string;
  labels: Labels;
  spec: Record<string, unknown>;
}

export type Resolution = { name: string } | { problem: string };

/** The controller webhook's awsName default when spec.awsName is empty (webhooks/appmesh/*_mutator.go). */
export function defaultAwsName(kind: CrdKind, name: string, namespace: string): string {
  if (kind === 'Mesh') return name;
  if (kind === 'VirtualService') return `${name}.${namespace}`;
  return `${name}_${namespace}`;
}

/** Every App Mesh custom resource and Namespace of the input, as the controller would see them in one cluster. */
export class CrdCluster {
  private readonly byKey = new Map<string, CustomResource>();
  private readonly byKind = new Map<CrdKind, CustomResource[]>();
  private readonly namespaces = new Map<string, Labels>();

  add(cr: CustomResource): void {
    this.byKey.set(key(cr.kind, cr.namespace, cr.name), cr);
    const list = this.byKind.get(cr.kind) ?? [];
    list.push(cr);
    this.byKind.set(cr.kind, list);
  }

  addNamespace(metadata: unknown): void {
    if (isRecord(metadata) && typeof metadata.name === 'string') {
      this.namespaces.set(metadata.name, labelsOf(metadata));
    }
  }

  list(kind: CrdKind): CustomResource[] {
    return this.byKind.get(kind) ?? [];
  }

  get(kind: CrdKind, namespace: string, name: string): CustomResource | undefined {
    return this.byKey.get(key(kind, kind === 'Mesh' ? '' : namespace, name));
  }

  awsName(cr: CustomResource): string {
    const explicit = cr.spec.awsName;
    if (typeof explicit === 'string' && explicit !== '') return explicit;
    return defaultAwsName(cr.kind, cr.name, cr.namespace);
  }

  /**
   * A `*Ref{name, namespace}` resolves to the referenced CR's awsName; the namespace defaults to the
   * referencing object's. A CR outside the input gets the default awsName the webhook would give it.
   */
  refName(kind: CrdKind, ref: { name: string; namespace?: string }, fromNamespace: string): string {
    const namespace = ref.namespace || fromNamespace;
    const target = this.get(kind, namespace, ref.name);
    return target ? this.awsName(target) : defaultAwsName(kind, ref.name, namespace);
  }

  /** spec.meshRef, else the Mesh whose namespaceSelector selects the namespace, else the input's only Mesh. */
  meshOf(cr: CustomResource): Resolution {
    const meshRef = cr.spec.meshRef;
    if (isRecord(meshRef) && typeof meshRef.name === 'string') {
      const mesh = this.get('Mesh', '', meshRef.name);
      return { name: mesh ? this.awsName(mesh) : meshRef.name };
    }
    // One name per mesh: a shared mesh's owner and a consumer cluster (meshOwner) each have a Mesh of that name.
    const names = (crs: CustomResource[]) => [...new Set(crs.map((m) => this.awsName(m)))];
    const meshes = this.list('Mesh');
    const labels = this.namespaces.get(cr.namespace);
    if (labels) {
      const selecting = names(meshes.filter((m) => selectorMatches(m.spec.namespaceSelector, labels)));
      if (selecting.length === 1) return { name: selecting[0] };
      if (selecting.length > 1) {
        return {
          problem: `namespace '${cr.namespace}' is selected by several meshes (${selecting.join(', ')}): set spec.meshRef.name`,
        };
      }
    }
    if (names(meshes).length === 1) return { name: this.awsName(meshes[0]) };
    if (meshes.length === 0) {
      return {
        problem: `cannot tell the mesh of ${cr.kind} '${cr.name}': the input has no Mesh selecting namespace '${cr.namespace}' (add the Mesh with a namespaceSelector, or set spec.meshRef.name)`,
      };
    }
    return {
      problem: `cannot tell the mesh of ${cr.kind} '${cr.name}': no Mesh namespaceSelector matches namespace '${cr.namespace}'${labels ? '' : ' (its Namespace is not in the input)'}; set spec.meshRef.name`,
    };
  }

  /** spec.virtualGatewayRef, else the VirtualGateway whose selectors pick the route, else the input's only one. */
  gatewayOf(route: CustomResource): Resolution {
    const ref = route.spec.virtualGatewayRef;
    if (isRecord(ref) && typeof ref.name === 'string') {
      const namespace = typeof ref.namespace === 'string' ? ref.namespace : undefined;
      return { name: this.refName('VirtualGateway', { name: ref.name, namespace }, route.namespace) };
    }
    const gateways = this.list('VirtualGateway');
    const nsLabels = this.namespaces.get(route.namespace);
    const selecting = gateways.filter((gw) => {
      const nsSel = gw.spec.namespaceSelector;
      const inNamespace = isRecord(nsSel)
        ? nsLabels !== undefined && selectorMatches(nsSel, nsLabels)
        : gw.namespace === route.namespace;
      const routeSel = gw.spec.gatewayRouteSelector;
      return inNamespace && (!isRecord(routeSel) || selectorMatches(routeSel, route.labels));
    });
    if (selecting.length === 1) return { name: this.awsName(selecting[0]) };
    if (selecting.length > 1) {
      return {
        problem: `GatewayRoute '${route.name}' is selected by several virtual gateways (${selecting.map((g) => g.name).join(', ')}): set spec.virtualGatewayRef`,
      };
    }
    if (gateways.length === 1) return { name: this.awsName(gateways[0]) };
    return {
      problem: `cannot tell the virtual gateway of GatewayRoute '${route.name}': ${gateways.length === 0 ? 'the input has no VirtualGateway' : 'no VirtualGateway selects it'} (set spec.virtualGatewayRef.name)`,
    };
  }
}

function key(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
