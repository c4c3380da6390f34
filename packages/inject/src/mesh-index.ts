/**
 * Which virtual node or gateway a pod belongs to, from the mesh specs Plexus serves (the same Git revision):
 * a CRD VirtualNode/VirtualGateway's `podSelector` in its namespace (the App Mesh controller's rule), a
 * native or CLI-JSON node's `serviceDiscovery.eks.podSelector`, or the pod's own legacy annotations
 * `appmesh.k8s.aws/mesh` + `appmesh.k8s.aws/virtualNode`.
 */
import { type SpecResource, selectorMatches } from '@plexus/spec';
import { A } from './annotations.ts';

export interface MeshMember {
  kind: 'virtualNode' | 'virtualGateway';
  mesh: string;
  /** The App Mesh name (a CRD's awsName). */
  name: string;
  /** Kubernetes namespace the selector applies in; undefined: any namespace. */
  namespace?: string;
  podSelector?: unknown;
  /** Listener ports: the ports proxy init redirects to the ingress listener. */
  ports: number[];
}

export type Designation = { member: MeshMember } | { none: string } | { error: string };

interface Listener {
  portMapping?: { port?: number };
}

function eksBlock(spec: unknown): { podSelector?: unknown; namespace?: string } | undefined {
  const sd = (spec as { serviceDiscovery?: { eks?: { podSelector?: unknown; namespace?: string } } })
    .serviceDiscovery;
  return sd?.eks;
}

export class MeshIndex {
  readonly members: MeshMember[];
  /** The revision the specs came from. */
  readonly revision: string;
  constructor(members: MeshMember[], revision: string) {
    this.members = members;
    this.revision = revision;
  }

  static fromResources(resources: readonly SpecResource[], revision: string): MeshIndex {
    const members: MeshMember[] = [];
    for (const r of resources) {
      if (r.kind !== 'VirtualNode' && r.kind !== 'VirtualGateway') continue;
      const listeners = ((r.spec as { listeners?: Listener[] }).listeners ?? []) as Listener[];
      const ports = listeners
        .map((l) => l.portMapping?.port)
        .filter((p): p is number => typeof p === 'number');
      const eks = r.kind === 'VirtualNode' ? eksBlock(r.spec) : undefined;
      members.push({
        kind: r.kind === 'VirtualNode' ? 'virtualNode' : 'virtualGateway',
        mesh: r.mesh,
        name: r.name,
        namespace: r.k8s?.namespace ?? eks?.namespace,
        podSelector: r.k8s?.podSelector ?? eks?.podSelector,
        ports,
      });
    }
    return new MeshIndex(members, revision);
  }

  /** The member a pod in `namespace` with these labels and annotations belongs to. */
  designate(
    namespace: string,
    labels: Record<string, string>,
    annotations: Record<string, string>,
  ): Designation {
    const named = annotations[A.virtualNode];
    if (named) return this.byAnnotation(namespace, named, annotations[A.mesh]);
    const candidates = this.members.filter(
      (m) =>
        m.podSelector !== undefined &&
        (m.namespace ?? namespace) === namespace &&
        selectorMatches(m.podSelector, labels),
    );
    if (candidates.length === 0) {
      return {
        none: `no VirtualNode or VirtualGateway podSelector in namespace ${namespace} matches the pod's labels`,
      };
    }
    if (candidates.length > 1) {
      const names = candidates.map((m) => `${m.kind} ${m.mesh}/${m.name}`).join(', ');
      return {
        error: `found multiple matching virtual nodes/gateways for the pod: ${names}; narrow their podSelectors`,
      };
    }
    return { member: candidates[0]! };
  }

  /** `appmesh.k8s.aws/virtualNode: <name>` (a CRD's Kubernetes name or awsName, or mesh/<m>/virtualNode/<n>). */
  private byAnnotation(namespace: string, value: string, mesh: string | undefined): Designation {
    const full = /^mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(value);
    const wantMesh = full?.[1] ?? mesh;
    const wantName = full?.[3] ?? value;
    const found = this.members.filter(
      (m) =>
        (!wantMesh || m.mesh === wantMesh) &&
        (full ? m.kind === full[2] : true) &&
        (m.name === wantName || m.name === `${wantName}_${namespace}`),
    );
    if (found.length === 1) return { member: found[0]! };
    if (found.length === 0) {
      return {
        error: `${A.virtualNode}: '${value}'${wantMesh ? ` in mesh ${wantMesh}` : ''} is not a virtual node or gateway of revision ${this.revision.slice(0, 12)}`,
      };
    }
    return { error: `${A.virtualNode}: '${value}' names ${found.length} meshes' nodes; add ${A.mesh}` };
  }
}
