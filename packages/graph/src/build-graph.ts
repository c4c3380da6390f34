import { type MeshExtensions, resourceId, type SpecResource } from '@plexus/spec';
import { type GatewayEntry, key, type MeshGraph, type ProxyView, type ReachableService } from './model.ts';
import { byPriority } from './order.ts';
import { indexPolicies, policyIds, policyUpstreams } from './policies.ts';
import { type ProxyRef, proxyKey } from './proxy-id.ts';
import type {
  GatewayRouteShape,
  MeshShape,
  RouteShape,
  VirtualGatewayShape,
  VirtualNodeShape,
  VirtualRouterShape,
  VirtualServiceShape,
} from './shapes.ts';
import { hashText, stableStringify } from './stable-hash.ts';

/** Specs are immutable once loaded: a resource object kept across revisions is hashed once. */
const hashCache = new WeakMap<SpecResource, string>();
function contentHash(r: SpecResource): string {
  let h = hashCache.get(r);
  if (h === undefined) {
    h = hashText(stableStringify({ spec: r.spec, k8s: r.k8s, extensions: r.extensions }));
    hashCache.set(r, h);
  }
  return h;
}

/** Specs are immutable once loaded: a resource kept across revisions builds its id once. */
const idCache = new WeakMap<SpecResource, string>();
function idOf(r: SpecResource): string {
  let id = idCache.get(r);
  if (id === undefined) {
    id = resourceId(r);
    idCache.set(r, id);
  }
  return id;
}

/**
 * What a build remembers for the next one: the resources by id, what each proxy's view added to unresolved,
 * and which proxies' views hold each input id. The users index is handed on, not copied: the next build that
 * starts from this memo takes it (and updates it for the views it rebuilds), so a second build from the same
 * previous graph finds it gone and rebuilds every view, as a build without `previous` would.
 */
interface BuildMemo {
  byId: Map<string, SpecResource>;
  unresolved: Map<string, string[]>;
  users: Map<string, Set<string>> | undefined;
}
const memos = new WeakMap<MeshGraph, BuildMemo>();

/**
 * The proxies whose view holds input `id` (a resource id), from the index the latest build keeps for the next
 * one; undefined once a newer build has taken that index over (then the caller scans the graph instead).
 */
export function viewsHoldingInput(graph: MeshGraph, id: string): ReadonlySet<string> | undefined {
  const users = memos.get(graph)?.users;
  if (!users) return undefined;
  return users.get(id) ?? new Set();
}

/**
 * The ids whose resource is another object than in `before`, or undefined when ids were added or removed
 * (then references may resolve differently and every view is rebuilt).
 */
function replacedIds(
  before: Map<string, SpecResource>,
  byId: Map<string, SpecResource>,
): Set<string> | undefined {
  if (before.size !== byId.size) return undefined;
  const replaced = new Set<string>();
  for (const [id, r] of byId) {
    const was = before.get(id);
    if (was === undefined) return undefined;
    if (was !== r) replaced.add(id);
  }
  return replaced;
}

/** Adds (or removes) `view` as a user of each of its inputs. */
function indexUser(users: Map<string, Set<string>>, view: ProxyView, add: boolean): void {
  for (const id of view.inputs) {
    const set = users.get(id);
    if (!add) set?.delete(view.id);
    else if (set) set.add(view.id);
    else users.set(id, new Set([view.id]));
  }
}

/**
 * Resolves every reference between App Mesh resources and computes each proxy's view and input hash. Given the
 * graph of the previous revision, a proxy none of whose inputs changed keeps its view (and hash) instead of
 * having its closure walked again: the replaced resources' ids are looked up in the previous build's index of
 * input id → proxies, so the cost of finding the proxies to rebuild follows the change, not the fleet. When
 * resources were added or removed every view is rebuilt. The result is the same as without `previous`.
 */
export function buildGraph(resources: SpecResource[], previous?: MeshGraph): MeshGraph {
  const g: MeshGraph = {
    meshes: new Map(),
    virtualNodes: new Map(),
    services: new Map(),
    routers: new Map(),
    gateways: new Map(),
    proxies: new Map(),
    policies: indexPolicies(resources),
    unresolved: [],
  };
  const routes: SpecResource<RouteShape>[] = [];
  const gatewayRoutes: SpecResource<GatewayRouteShape>[] = [];
  const byId = new Map<string, SpecResource>();
  for (const r of resources) {
    byId.set(idOf(r), r);
    switch (r.kind) {
      case 'Mesh': {
        const m = r as SpecResource<MeshShape>;
        // A shared mesh's view from another source (it names the owner) never replaces the owner's definition.
        if (r.owners?.meshOwner && g.meshes.has(r.name)) break;
        g.meshes.set(r.name, {
          name: r.name,
          resource: m,
          egressFilter: m.spec?.egressFilter?.type === 'ALLOW_ALL' ? 'ALLOW_ALL' : 'DROP_ALL',
          tracing: (m.extensions as MeshExtensions | undefined)?.tracing,
        });
        break;
      }
      case 'VirtualNode':
        g.virtualNodes.set(key(r.mesh, r.name), r as SpecResource<VirtualNodeShape>);
        break;
      case 'VirtualService': {
        const s = r as SpecResource<VirtualServiceShape>;
        const p = s.spec?.provider;
        const provider = p?.virtualNode
          ? { kind: 'virtualNode' as const, name: p.virtualNode.virtualNodeName }
          : p?.virtualRouter
            ? { kind: 'virtualRouter' as const, name: p.virtualRouter.virtualRouterName }
            : undefined;
        g.services.set(key(r.mesh, r.name), { mesh: r.mesh, name: r.name, resource: s, provider });
        break;
      }
      case 'VirtualRouter':
        g.routers.set(key(r.mesh, r.name), {
          mesh: r.mesh,
          name: r.name,
          resource: r as SpecResource<VirtualRouterShape>,
          routes: [],
        });
        break;
      case 'Route':
        routes.push(r as SpecResource<RouteShape>);
        break;
      case 'VirtualGateway':
        g.gateways.set(key(r.mesh, r.name), {
          mesh: r.mesh,
          name: r.name,
          resource: r as SpecResource<VirtualGatewayShape>,
          gatewayRoutes: [],
        });
        break;
      case 'GatewayRoute':
        gatewayRoutes.push(r as SpecResource<GatewayRouteShape>);
        break;
    }
  }
  for (const r of routes) {
    const router = g.routers.get(key(r.mesh, r.virtualRouter ?? ''));
    if (router) router.routes.push(r);
    else g.unresolved.push(`${resourceId(r)} -> VirtualRouter/${r.mesh}/${r.virtualRouter}`);
  }
  for (const r of gatewayRoutes) {
    const gw = g.gateways.get(key(r.mesh, r.virtualGateway ?? ''));
    if (gw) gw.gatewayRoutes.push(r);
    else g.unresolved.push(`${resourceId(r)} -> VirtualGateway/${r.mesh}/${r.virtualGateway}`);
  }
  for (const router of g.routers.values()) router.routes.sort(byPriority);
  for (const gw of g.gateways.values()) gw.gatewayRoutes.sort(byPriority);
  for (const s of g.services.values()) {
    if (!s.provider) continue;
    const ok =
      s.provider.kind === 'virtualNode'
        ? g.virtualNodes.has(key(s.mesh, s.provider.name))
        : g.routers.has(key(s.mesh, s.provider.name));
    if (!ok) {
      const kind = s.provider.kind === 'virtualNode' ? 'VirtualNode' : 'VirtualRouter';
      g.unresolved.push(`VirtualService/${s.mesh}/${s.name} -> ${kind}/${s.mesh}/${s.provider.name}`);
      s.provider = undefined;
    }
  }

  const resourceHash = new Map<string, string>();
  const hashOf = (id: string): string => {
    let h = resourceHash.get(id);
    if (h === undefined) {
      const r = byId.get(id);
      h = r ? contentHash(r) : 'missing';
      resourceHash.set(id, h);
    }
    return h;
  };

  // ALLOW_ALL makes every service of the mesh reachable: group them once, not per node.
  const servicesByMesh = new Map<string, string[]>();
  for (const s of g.services.values()) {
    const list = servicesByMesh.get(s.mesh);
    if (list) list.push(s.name);
    else servicesByMesh.set(s.mesh, [s.name]);
  }
  const before = previous && memos.get(previous);
  const taken = before?.users;
  const replaced = before && taken ? replacedIds(before.byId, byId) : undefined;
  const reuse = replaced ? before : undefined;
  // Proxies whose view holds a replaced resource; every other proxy keeps its view.
  const stale = new Set<string>();
  if (reuse && replaced && taken)
    for (const id of replaced) for (const p of taken.get(id) ?? []) stale.add(p);
  if (before) before.users = undefined;
  const users = reuse && taken ? taken : new Map<string, Set<string>>();
  const memo: BuildMemo = { byId, unresolved: new Map(), users };
  const place = (ref: ProxyRef, build: () => ProxyView) => {
    const id = proxyKey(ref);
    const old = reuse && previous?.proxies.get(id);
    if (old && reuse && !stale.has(id)) {
      const lost = reuse.unresolved.get(id);
      if (lost) {
        g.unresolved.push(...lost);
        memo.unresolved.set(id, lost);
      }
      g.proxies.set(id, old);
      return;
    }
    const from = g.unresolved.length;
    const view = build();
    g.proxies.set(id, view);
    if (g.unresolved.length > from) memo.unresolved.set(id, g.unresolved.slice(from));
    if (old && reuse) indexUser(users, old, false);
    indexUser(users, view, true);
  };
  for (const node of g.virtualNodes.values()) {
    const ref: ProxyRef = { kind: 'virtualNode', mesh: node.mesh, name: node.name };
    place(ref, () => nodeView(g, ref, node, servicesByMesh.get(node.mesh) ?? [], hashOf));
  }
  for (const gw of g.gateways.values()) {
    const ref: ProxyRef = { kind: 'virtualGateway', mesh: gw.mesh, name: gw.name };
    place(ref, () => gatewayView(g, ref, gw, hashOf));
  }
  memos.set(g, memo);
  return g;
}

function nodeView(
  g: MeshGraph,
  ref: ProxyRef,
  node: SpecResource<VirtualNodeShape>,
  meshServices: readonly string[],
  hashOf: (id: string) => string,
): ProxyView {
  const services: ReachableService[] = [];
  const seen = new Set<string>();
  const defaults = node.spec?.backendDefaults?.clientPolicy;
  for (const b of node.spec?.backends ?? []) {
    const vs = b.virtualService;
    if (!vs || seen.has(vs.virtualServiceName)) continue;
    seen.add(vs.virtualServiceName);
    if (!g.services.has(key(ref.mesh, vs.virtualServiceName))) {
      g.unresolved.push(
        `VirtualNode/${ref.mesh}/${ref.name} -> VirtualService/${ref.mesh}/${vs.virtualServiceName}`,
      );
      continue;
    }
    services.push({
      name: vs.virtualServiceName,
      clientPolicy: vs.clientPolicy ?? defaults,
      implicit: false,
    });
  }
  if (g.meshes.get(ref.mesh)?.egressFilter === 'ALLOW_ALL') {
    for (const name of meshServices) {
      if (seen.has(name)) continue;
      seen.add(name);
      services.push({ name, clientPolicy: defaults, implicit: true });
    }
  }
  services.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return closeView(g, ref, `VirtualNode/${ref.mesh}/${ref.name}`, services, [], hashOf);
}

function gatewayView(
  g: MeshGraph,
  ref: ProxyRef,
  gw: GatewayEntry,
  hashOf: (id: string) => string,
): ProxyView {
  const names = new Set<string>();
  const extra: string[] = [];
  for (const r of gw.gatewayRoutes) {
    extra.push(resourceId(r));
    const spec = r.spec;
    const target = (spec?.httpRoute ?? spec?.http2Route ?? spec?.grpcRoute)?.action?.target;
    const name = target?.virtualService?.virtualServiceName;
    if (!name) continue;
    if (!g.services.has(key(ref.mesh, name))) {
      g.unresolved.push(`${resourceId(r)} -> VirtualService/${ref.mesh}/${name}`);
      continue;
    }
    names.add(name);
  }
  const defaults = gw.resource.spec?.backendDefaults?.clientPolicy;
  const services = [...names].sort().map((name) => ({ name, clientPolicy: defaults, implicit: false }));
  return closeView(g, ref, `VirtualGateway/${ref.mesh}/${ref.name}`, services, extra, hashOf);
}

/** Adds each service's provider chain to the closure and hashes it. */
function closeView(
  g: MeshGraph,
  ref: ProxyRef,
  selfId: string,
  services: ReachableService[],
  extra: string[],
  hashOf: (id: string) => string,
): ProxyView {
  const inputs = new Set<string>([`Mesh/${ref.mesh}/${ref.mesh}`, selfId, ...extra]);
  const upstream = new Set<string>();
  // Every proxy of a traced mesh holds a cluster to the tracing collector node.
  const collector = g.meshes.get(ref.mesh)?.tracing?.collector.virtualNode;
  if (collector && g.virtualNodes.has(key(ref.mesh, collector))) upstream.add(collector);
  for (const s of services) {
    inputs.add(`VirtualService/${ref.mesh}/${s.name}`);
    for (const n of upstreamOf(g, ref.mesh, s.name, inputs)) upstream.add(n);
  }
  // Policies attached to anything in the closure, and the nodes they call (mirrors, authorization, rate limits).
  for (const id of [...inputs]) {
    const attached = g.policies.get(id);
    if (!attached) continue;
    for (const p of policyIds(attached)) inputs.add(p);
    for (const n of policyUpstreams(g, attached, ref.mesh)) upstream.add(n);
  }
  for (const n of upstream) {
    inputs.add(`VirtualNode/${ref.mesh}/${n}`);
    const attached = g.policies.get(`VirtualNode/${ref.mesh}/${n}`);
    if (attached) for (const p of policyIds(attached)) inputs.add(p);
  }
  const sorted = [...inputs].sort();
  // The services and their client policies follow from the inputs (own spec, mesh, services), so the closure
  // of input hashes is the whole story.
  const closure = sorted.map((id) => `${id}=${hashOf(id)}`).join('\n');
  return {
    ref,
    id: proxyKey(ref),
    services,
    upstreamNodes: [...upstream].sort(),
    inputs: sorted,
    hash: hashText(closure),
  };
}

/**
 * Virtual nodes behind a virtual service; adds routers and routes it passes to `inputs`. Records unresolved
 * targets in `g.unresolved`, so it runs only while the graph is being built.
 */
function upstreamOf(g: MeshGraph, mesh: string, service: string, inputs?: Set<string>): string[] {
  const p = g.services.get(key(mesh, service))?.provider;
  if (!p) return [];
  if (p.kind === 'virtualNode') return [p.name];
  const router = g.routers.get(key(mesh, p.name));
  if (!router) return [];
  inputs?.add(`VirtualRouter/${mesh}/${router.name}`);
  const nodes = new Set<string>();
  for (const r of router.routes) {
    inputs?.add(resourceId(r));
    const s = r.spec;
    const targets =
      (s?.httpRoute ?? s?.http2Route ?? s?.grpcRoute ?? s?.tcpRoute)?.action?.weightedTargets ?? [];
    for (const t of targets) {
      if (g.virtualNodes.has(key(mesh, t.virtualNode))) nodes.add(t.virtualNode);
      else g.unresolved.push(`${resourceId(r)} -> VirtualNode/${mesh}/${t.virtualNode}`);
    }
  }
  return [...nodes];
}
