/** A proxy: the virtual node or virtual gateway an Envoy or gRPC client speaks for. */
export interface ProxyRef {
  kind: 'virtualNode' | 'virtualGateway';
  mesh: string;
  name: string;
}

const SHORT = /^mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/;
const ARN = /^arn:aws[a-z-]*:appmesh:[^:]*:[^:]*:mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/;

/**
 * `mesh/<m>/virtualNode/<n>`, `mesh/<m>/virtualGateway/<n>` or the App Mesh ARN of either; null otherwise.
 * A shared mesh's `<mesh>@<owner>` segment names the mesh `<mesh>`.
 */
export function parseProxyId(nodeId: string): ProxyRef | null {
  const m = SHORT.exec(nodeId) ?? ARN.exec(nodeId);
  if (!m) return null;
  const mesh = m[1]!.split('@')[0]!;
  if (!mesh || !m[3]) return null;
  return { kind: m[2] as ProxyRef['kind'], mesh, name: m[3] };
}

/** The canonical id of a proxy: `mesh/<m>/<kind>/<n>`. */
export function proxyKey(ref: ProxyRef): string {
  return `mesh/${ref.mesh}/${ref.kind}/${ref.name}`;
}
