import { isPolicyKind, type Kind, type SpecResource } from '@plexus/spec';
import { stringify } from 'yaml';
import {
  fileName,
  type OutputFile,
  originOf,
  resourcePath,
  type WriteProblem,
  type WriteResult,
} from './files.ts';

const API_VERSION = 'appmesh.k8s.aws/v1beta2';
/** The label a written Mesh selects its namespace by, and GatewayRoutes their gateway by. */
const MESH_LABEL = 'appmesh.k8s.aws/mesh';
const GATEWAY_LABEL = 'plexus.io/virtual-gateway';

/** A Kubernetes object name (DNS-1123 subdomain) for an App Mesh name; the exact name stays in spec.awsName. */
function k8sName(name: string, max = 253): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return (s || 'x').slice(0, max).replace(/[^a-z0-9]+$/, '') || 'x';
}

function namespaceOf(mesh: string): string {
  return k8sName(mesh, 63).replace(/\./g, '-');
}

/** Object names per kind and namespace, unique (a suffix when two App Mesh names map to one). */
class Names {
  private readonly used = new Map<string, Set<string>>();
  private readonly byResource = new Map<string, string>();
  assign(kind: Kind, ns: string, awsName: string): string {
    const key = `${kind}/${ns}`;
    const taken = this.used.get(key) ?? new Set<string>();
    this.used.set(key, taken);
    let name = k8sName(awsName);
    for (let i = 2; taken.has(name); i++) name = `${k8sName(awsName, 250)}-${i}`;
    taken.add(name);
    this.byResource.set(`${key}/${awsName}`, name);
    return name;
  }
  get(kind: Kind, ns: string, awsName: string): string | undefined {
    return this.byResource.get(`${kind}/${ns}/${awsName}`);
  }
}

/** API fields the controller's CRDs cannot hold (crd-mapping.md): refused with a pointer to the native format. */
function unrepresentable(r: SpecResource): string | undefined {
  if (isPolicyKind(r.kind))
    return `${r.kind} is a Plexus kind the App Mesh CRDs have no form for: write it with --format native`;
  const sd = (r.spec as { serviceDiscovery?: Record<string, { ipPreference?: string } | undefined> })
    .serviceDiscovery;
  if (r.kind === 'VirtualNode' && (sd?.dns?.ipPreference || sd?.awsCloudMap?.ipPreference)) {
    return 'serviceDiscovery.*.ipPreference has no field in the App Mesh controller CRDs: write it with --format native';
  }
  if (r.kind === 'Mesh') {
    const pref = (r.spec as { serviceDiscovery?: { ipPreference?: string } }).serviceDiscovery?.ipPreference;
    if (pref && pref !== 'IPv4_ONLY' && pref !== 'IPv6_ONLY') {
      return `the CRD's meshServiceDiscovery.ipPreference takes only IPv4_ONLY or IPv6_ONLY (got ${pref}): write it with --format native`;
    }
  }
  return undefined;
}

/**
 * App Mesh controller CRDs (appmesh.k8s.aws/v1beta2): one namespace per mesh (a Namespace object labelled for
 * the Mesh's namespaceSelector), spec.awsName keeping every exact name, references as *Ref to the written
 * objects (or *ARN when the target is not among them), routes embedded in their VirtualRouter's file.
 */
export function writeCrds(
  resources: readonly SpecResource[],
  arnPrefix = 'arn:aws:appmesh:us-east-1:000000000000',
): WriteResult {
  const files: OutputFile[] = [];
  const problems: WriteProblem[] = [];
  const names = new Names();
  const ok = resources.filter((r) => {
    const why = unrepresentable(r);
    if (why) problems.push({ resource: r, message: why });
    return !why;
  });
  for (const r of ok)
    if (r.kind !== 'Route') names.assign(r.kind, r.kind === 'Mesh' ? '' : namespaceOf(r.mesh), r.name);
  const ref = (kind: Kind, mesh: string, name: string, arnType: string) => {
    const target = names.get(kind, namespaceOf(mesh), name);
    return target ? { ref: { name: target } } : { arn: `${arnPrefix}:mesh/${mesh}/${arnType}/${name}` };
  };
  const convert = (r: SpecResource, value: unknown, path: string[]): unknown => {
    if (Array.isArray(value)) return value.map((v) => convert(r, v, path));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const here = [...path, k];
      if (k === 'virtualServiceName' && typeof v === 'string' && path[path.length - 1] === 'virtualService') {
        const x = ref('VirtualService', r.mesh, v, 'virtualService');
        if (x.ref) out.virtualServiceRef = x.ref;
        else out.virtualServiceARN = x.arn;
      } else if (k === 'virtualNodeName' && typeof v === 'string') {
        const x = ref('VirtualNode', r.mesh, v, 'virtualNode');
        if (x.ref) out.virtualNodeRef = x.ref;
        else out.virtualNodeARN = x.arn;
      } else if (k === 'virtualRouterName' && typeof v === 'string') {
        const x = ref('VirtualRouter', r.mesh, v, 'virtualRouter');
        if (x.ref) out.virtualRouterRef = x.ref;
        else out.virtualRouterARN = x.arn;
      } else if (k === 'virtualNode' && typeof v === 'string' && path.includes('weightedTargets')) {
        const x = ref('VirtualNode', r.mesh, v, 'virtualNode');
        if (x.ref) out.virtualNodeRef = x.ref;
        else out.virtualNodeARN = x.arn;
      } else if (k === 'certificateArn') out.certificateARN = v;
      else if (k === 'certificateAuthorityArns') out.certificateAuthorityARNs = v;
      else out[k] = convert(r, v, here);
    }
    return out;
  };
  const header = (list: SpecResource[]) =>
    list.map((r) => `# Imported by plexus import from ${originOf(r)}\n`).join('');
  const meshes = new Set(ok.map((r) => r.mesh));
  for (const mesh of meshes) {
    const ns = namespaceOf(mesh);
    files.push({
      path: `${fileName(mesh)}/namespace.yaml`,
      content: `# The namespace of mesh ${mesh}, written by plexus import\n${stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [MESH_LABEL]: k8sName(mesh, 63) } } })}`,
    });
  }
  for (const r of ok) {
    if (r.kind === 'Route') continue;
    const ns = namespaceOf(r.mesh);
    const spec = convert(r, r.spec ?? {}, []) as Record<string, unknown>;
    const metadata: Record<string, unknown> = {
      name: names.get(r.kind, r.kind === 'Mesh' ? '' : ns, r.name),
    };
    let body: Record<string, unknown> = { awsName: r.name };
    let comments = header([r]);
    if (r.kind === 'Mesh') {
      const { serviceDiscovery, ...rest } = spec;
      body = { ...body, namespaceSelector: { matchLabels: { [MESH_LABEL]: k8sName(r.mesh, 63) } }, ...rest };
      if (serviceDiscovery) body.meshServiceDiscovery = serviceDiscovery;
    } else {
      metadata.namespace = ns;
      body = { ...body, ...spec };
    }
    if (r.kind === 'VirtualRouter') {
      const routes = ok.filter((x) => x.kind === 'Route' && x.mesh === r.mesh && x.virtualRouter === r.name);
      if (routes.length)
        body.routes = routes.map((x) => ({ name: x.name, ...(convert(x, x.spec ?? {}, []) as object) }));
      comments += header(routes);
    }
    if (r.kind === 'VirtualGateway')
      body.gatewayRouteSelector = { matchLabels: { [GATEWAY_LABEL]: metadata.name } };
    if (r.kind === 'GatewayRoute') {
      const gw = names.get('VirtualGateway', ns, r.virtualGateway!);
      if (gw) metadata.labels = { [GATEWAY_LABEL]: gw };
      else
        problems.push({
          resource: r,
          message: `its virtual gateway ${r.virtualGateway} is not among the imported resources`,
        });
    }
    files.push({
      path: resourcePath(r, 'yaml'),
      content:
        comments +
        stringify({ apiVersion: API_VERSION, kind: r.kind, metadata, spec: body }, { lineWidth: 0 }),
    });
  }
  for (const r of ok) {
    if (r.kind === 'Route' && !names.get('VirtualRouter', namespaceOf(r.mesh), r.virtualRouter!)) {
      problems.push({
        resource: r,
        message: `routes are embedded in their VirtualRouter in CRDs, and ${r.virtualRouter} is not among the imported resources`,
      });
    }
  }
  return { files, problems };
}
