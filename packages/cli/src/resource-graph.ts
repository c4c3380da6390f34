import { resourceId, type SpecResource } from '@plexus/spec';

export interface GraphNode {
  kind: string;
  mesh: string;
  name: string;
  file: string;
  line: number;
  /** Multi-source: the source (team repository) that defines it. */
  source?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  type: 'backend' | 'provider' | 'route' | 'target';
}

export interface ResourceGraph {
  nodes: Array<GraphNode & { id: string }>;
  edges: GraphEdge[];
}

const ROUTE_KEYS = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;

type Loose = Record<string, unknown> | undefined;
const obj = (v: unknown): Loose =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Resources and the references between them, ids `Kind/mesh/name` (Route and GatewayRoute carry their
 * parent: `Route/mesh/router/name`). Edges: node→service `backend`, service→node|router `provider`,
 * router→route and gateway→gateway route `route`, route→node and gateway route→service `target`.
 * An edge may point at a resource that is not in the input (validate reports those).
 */
export function buildResourceGraph(resources: SpecResource[]): ResourceGraph {
  const nodes = resources.map((r) => ({
    id: resourceId(r),
    kind: r.kind,
    mesh: r.mesh,
    name: r.name,
    file: r.position.file,
    line: r.position.line,
    ...(r.source ? { source: r.source } : {}),
  }));
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, type: GraphEdge['type']) => {
    const key = `${from}\n${to}\n${type}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, type });
  };
  for (const r of resources) {
    const id = resourceId(r);
    const spec = obj(r.spec) ?? {};
    const ref = (kind: SpecResource['kind'], name: string) => resourceId({ kind, mesh: r.mesh, name });
    switch (r.kind) {
      case 'VirtualNode':
        for (const b of Array.isArray(spec.backends) ? spec.backends : []) {
          const name = str(obj(obj(b)?.virtualService)?.virtualServiceName);
          if (name) add(id, ref('VirtualService', name), 'backend');
        }
        break;
      case 'VirtualService': {
        const provider = obj(spec.provider);
        const node = str(obj(provider?.virtualNode)?.virtualNodeName);
        const router = str(obj(provider?.virtualRouter)?.virtualRouterName);
        if (node) add(id, ref('VirtualNode', node), 'provider');
        if (router) add(id, ref('VirtualRouter', router), 'provider');
        break;
      }
      case 'Route':
        if (r.virtualRouter) add(ref('VirtualRouter', r.virtualRouter), id, 'route');
        for (const key of ROUTE_KEYS) {
          const targets = obj(obj(spec[key])?.action)?.weightedTargets;
          for (const t of Array.isArray(targets) ? targets : []) {
            const name = str(obj(t)?.virtualNode);
            if (name) add(id, ref('VirtualNode', name), 'target');
          }
        }
        break;
      case 'GatewayRoute':
        if (r.virtualGateway) add(ref('VirtualGateway', r.virtualGateway), id, 'route');
        for (const key of ROUTE_KEYS) {
          const name = str(obj(obj(obj(obj(spec[key])?.action)?.target)?.virtualService)?.virtualServiceName);
          if (name) add(id, ref('VirtualService', name), 'target');
        }
        break;
      default:
        break;
    }
  }
  return { nodes, edges };
}

/** The JSON shape of DESIGN.md: `{"nodes":[{kind,mesh,name,file,line}],"edges":[{from,to,type}]}`. */
export function graphToJson(graph: ResourceGraph): string {
  return JSON.stringify(
    {
      nodes: graph.nodes.map(({ kind, mesh, name, file, line, source }) => ({
        kind,
        mesh,
        name,
        file,
        line,
        ...(source ? { source } : {}),
      })),
      edges: graph.edges,
    },
    null,
    2,
  );
}

export function graphToDot(graph: ResourceGraph): string {
  const esc = (s: string) => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  const q = (s: string) => `"${esc(s)}"`;
  const lines = ['digraph plexus {', '  rankdir=LR;', '  node [shape=box];'];
  // `\n` inside a DOT string is Graphviz's own line break escape.
  for (const n of graph.nodes)
    lines.push(
      `  ${q(n.id)} [label="${esc(n.kind)}\\n${esc(`${n.mesh}/${n.name}`)}${n.source ? `\\n${esc(`source ${n.source}`)}` : ''}"];`,
    );
  for (const e of graph.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.type)}];`);
  lines.push('}');
  return lines.join('\n');
}

export function graphToMermaid(graph: ResourceGraph): string {
  const ids = new Map<string, string>();
  const idOf = (id: string) => {
    let short = ids.get(id);
    if (!short) {
      short = `n${ids.size}`;
      ids.set(id, short);
    }
    return short;
  };
  const label = (s: string) => `"${s.replaceAll('"', '#quot;')}"`;
  const lines = ['graph LR'];
  for (const n of graph.nodes) {
    const from = n.source ? ` (source ${n.source})` : '';
    lines.push(`  ${idOf(n.id)}[${label(`${n.kind} ${n.mesh}/${n.name}${from}`)}]`);
  }
  for (const e of graph.edges) {
    if (!ids.has(e.to)) lines.push(`  ${idOf(e.to)}[${label(`${e.to} (not in input)`)}]`);
    if (!ids.has(e.from)) lines.push(`  ${idOf(e.from)}[${label(`${e.from} (not in input)`)}]`);
    lines.push(`  ${idOf(e.from)} -->|${e.type}| ${idOf(e.to)}`);
  }
  return lines.join('\n');
}
