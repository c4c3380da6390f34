import type { MeshGraph, WeightedTarget } from '@plexus/graph';
import type { EdgesDocument } from '@plexus/telemetry';

export type ConsoleNodeKind = 'virtualGateway' | 'virtualService' | 'virtualRouter' | 'virtualNode';

export interface ConsoleNode {
  id: string;
  kind: ConsoleNodeKind;
  mesh: string;
  name: string;
  /** Where it is written (`file:line`). */
  source: string;
  /** Multi-source daemons: the source (team repository) that defines it. */
  fromSource?: string;
  /** Proxies only: the proxy key Envoy connects as. */
  proxyKey?: string;
}

export interface ConsoleEdge {
  id: string;
  from: string;
  to: string;
  kind: 'gatewayRoute' | 'backend' | 'provider' | 'route';
  /** Routes: the route's name; gateway routes: their names, comma separated. */
  label: string;
  /** Route targets: weight and its share of the route's total (0..100). */
  weight?: number;
  share?: number;
}

export interface ConsoleGraph {
  revision: string;
  nodes: ConsoleNode[];
  edges: ConsoleEdge[];
}

export interface EdgeTraffic {
  requests: number;
  /** Per second over the window. */
  rate: number;
  errors: number;
  errorRate: number;
  byFlag: Record<string, number>;
  p99Ms: number | null;
  /** Route targets: this target's part of the route's requests in the window (0..100). */
  trafficShare?: number;
}

const id = (kind: string, mesh: string, name: string) => `${kind}:${mesh}/${name}`;

function targetsOf(spec: {
  httpRoute?: { action?: { weightedTargets?: WeightedTarget[] } };
  http2Route?: { action?: { weightedTargets?: WeightedTarget[] } };
  grpcRoute?: { action?: { weightedTargets?: WeightedTarget[] } };
  tcpRoute?: { action?: { weightedTargets?: WeightedTarget[] } };
}): WeightedTarget[] {
  const r = spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute ?? spec.tcpRoute;
  return r?.action?.weightedTargets ?? [];
}

function where(r: { position: { file: string; line: number }; source?: string }): {
  source: string;
  fromSource?: string;
} {
  return { source: `${r.position.file}:${r.position.line}`, ...(r.source ? { fromSource: r.source } : {}) };
}

/** The mesh as the console draws it: gateways, services, routers with their live weights, virtual nodes. */
export function consoleGraph(revision: string, g: MeshGraph): ConsoleGraph {
  const nodes: ConsoleNode[] = [];
  const edges: ConsoleEdge[] = [];
  for (const [, gw] of g.gateways) {
    const gid = id('vg', gw.mesh, gw.name);
    nodes.push({
      id: gid,
      kind: 'virtualGateway',
      mesh: gw.mesh,
      name: gw.name,
      ...where(gw.resource),
      proxyKey: `mesh/${gw.mesh}/virtualGateway/${gw.name}`,
    });
    const byService = new Map<string, string[]>();
    for (const r of gw.gatewayRoutes) {
      const s = r.spec;
      const vs = (s?.httpRoute ?? s?.http2Route ?? s?.grpcRoute)?.action?.target?.virtualService
        ?.virtualServiceName;
      if (!vs) continue;
      byService.set(vs, [...(byService.get(vs) ?? []), r.name]);
    }
    for (const [vs, routes] of byService) {
      edges.push({
        id: `${gid}->${id('vs', gw.mesh, vs)}`,
        from: gid,
        to: id('vs', gw.mesh, vs),
        kind: 'gatewayRoute',
        label: routes.join(', '),
      });
    }
  }
  for (const [, vn] of g.virtualNodes) {
    const nid = id('vn', vn.mesh, vn.name);
    nodes.push({
      id: nid,
      kind: 'virtualNode',
      mesh: vn.mesh,
      name: vn.name,
      ...where(vn),
      proxyKey: `mesh/${vn.mesh}/virtualNode/${vn.name}`,
    });
    for (const b of vn.spec?.backends ?? []) {
      const vs = b.virtualService?.virtualServiceName;
      if (!vs || !g.services.has(`${vn.mesh}/${vs}`)) continue;
      edges.push({
        id: `${nid}->${id('vs', vn.mesh, vs)}`,
        from: nid,
        to: id('vs', vn.mesh, vs),
        kind: 'backend',
        label: '',
      });
    }
  }
  for (const [, s] of g.services) {
    const sid = id('vs', s.mesh, s.name);
    nodes.push({ id: sid, kind: 'virtualService', mesh: s.mesh, name: s.name, ...where(s.resource) });
    if (s.provider) {
      const to = id(s.provider.kind === 'virtualNode' ? 'vn' : 'vr', s.mesh, s.provider.name);
      edges.push({ id: `${sid}->${to}`, from: sid, to, kind: 'provider', label: '' });
    }
  }
  for (const [, r] of g.routers) {
    const rid = id('vr', r.mesh, r.name);
    nodes.push({ id: rid, kind: 'virtualRouter', mesh: r.mesh, name: r.name, ...where(r.resource) });
    for (const route of r.routes) {
      const targets = targetsOf((route.spec ?? {}) as Parameters<typeof targetsOf>[0]);
      const total = targets.reduce((a, t) => a + t.weight, 0);
      for (const t of targets) {
        const to = id('vn', r.mesh, t.virtualNode);
        edges.push({
          id: `${rid}/${route.name}->${to}`,
          from: rid,
          to,
          kind: 'route',
          label: route.name,
          weight: t.weight,
          share: total > 0 ? Math.round((1000 * t.weight) / total) / 10 : 0,
        });
      }
    }
  }
  nodes.sort((a, b) => a.id.localeCompare(b.id));
  edges.sort((a, b) => a.id.localeCompare(b.id));
  return { revision, nodes, edges };
}

/**
 * Telemetry edges (source → service → route → target) laid onto the drawn edges: the caller's edge to the
 * service, and the router's (or the node provider's) edge to the target.
 */
export function edgeTraffic(graph: ConsoleGraph, doc: EdgesDocument): Record<string, EdgeTraffic> {
  const drawn = new Set(graph.edges.map((e) => e.id));
  const out: Record<string, EdgeTraffic & { p99Weight: number }> = {};
  const add = (edgeId: string, e: EdgesDocument['edges'][number]) => {
    if (!drawn.has(edgeId)) return;
    out[edgeId] ??= {
      requests: 0,
      rate: 0,
      errors: 0,
      errorRate: 0,
      byFlag: {},
      p99Ms: null,
      p99Weight: 0,
    };
    const t = out[edgeId];
    t.requests += e.window.requests;
    t.rate += e.window.rate;
    t.errors += e.window.errors;
    for (const [f, n] of Object.entries(e.window.byFlag)) t.byFlag[f] = (t.byFlag[f] ?? 0) + n;
    const p99 = e.window.latencyMs?.p99;
    if (p99 !== undefined && e.window.requests > 0) {
      // The slowest contributor's p99: an honest upper bound where sketches are not merged.
      t.p99Ms = Math.max(t.p99Ms ?? 0, p99);
    }
  };
  for (const e of doc.edges) {
    const src = id(e.source.kind === 'virtualNode' ? 'vn' : 'vg', e.mesh, e.source.name);
    const vs = id('vs', e.mesh, e.virtualService);
    add(`${src}->${vs}`, e);
    if (e.virtualRouter) add(`${vs}->${id('vr', e.mesh, e.virtualRouter)}`, e);
    if (!e.targetVirtualNode) continue;
    const target = id('vn', e.mesh, e.targetVirtualNode);
    if (e.virtualRouter) add(`${id('vr', e.mesh, e.virtualRouter)}/${e.route}->${target}`, e);
    else add(`${vs}->${target}`, e);
  }
  const result: Record<string, EdgeTraffic> = {};
  for (const [k, { p99Weight: _, ...t }] of Object.entries(out)) {
    t.rate = Math.round(t.rate * 1000) / 1000;
    t.errorRate = t.requests > 0 ? Math.round((t.errors / t.requests) * 10_000) / 10_000 : 0;
    result[k] = t;
  }
  const perRoute = new Map<string, number>();
  const routeOf = (e: ConsoleEdge) => `${e.from}/${e.label}`;
  for (const e of graph.edges) {
    if (e.kind === 'route')
      perRoute.set(routeOf(e), (perRoute.get(routeOf(e)) ?? 0) + (result[e.id]?.requests ?? 0));
  }
  for (const e of graph.edges) {
    const t = result[e.id];
    const total = perRoute.get(routeOf(e));
    if (e.kind === 'route' && t && total) t.trafficShare = Math.round((1000 * t.requests) / total) / 10;
  }
  return result;
}
