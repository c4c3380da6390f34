import type { Diagnostic, FieldPath, Kind, Severity, SpecResource } from '../../model/resource.ts';
import { buildResource, type OwnerPart } from '../build-resource.ts';
import { isRecord, mapApiPath } from '../paths.ts';
import { documentDiagnostic } from '../report.ts';
import type { CrdCluster, CustomResource } from './cluster.ts';
import { type ConvertContext, CRD_ALIASES, convertCrdSpec } from './convert.ts';

/** Mesh or gateway name given to a CRD resource whose membership the input does not settle. */
export const UNRESOLVED_NAME = '(unresolved)';

export interface CrdReadResult {
  resources: SpecResource[];
  diagnostics: Diagnostic[];
}

/**
 * Turns the input's App Mesh custom resources into API-shaped resources, as the controller would:
 * awsName naming, mesh membership, references, routes embedded in routers, BackendGroup expansion.
 */
export function readCustomResources(cluster: CrdCluster, opts: { partial?: boolean }): CrdReadResult {
  const resources: SpecResource[] = [];
  const diagnostics: Diagnostic[] = [];
  const outside: Severity = opts.partial ? 'warning' : 'error';
  for (const kind of [
    'Mesh',
    'VirtualNode',
    'VirtualService',
    'VirtualRouter',
    'VirtualGateway',
    'GatewayRoute',
  ] as const) {
    for (const cr of cluster.list(kind)) {
      readOne(cluster, cr, kind, outside, resources, diagnostics);
    }
  }
  return { resources, diagnostics };
}

function readOne(
  cluster: CrdCluster,
  cr: CustomResource,
  kind: Kind,
  outside: Severity,
  resources: SpecResource[],
  diagnostics: Diagnostic[],
): void {
  const name = cluster.awsName(cr);
  let mesh = name;
  if (kind !== 'Mesh') {
    const resolved = cluster.meshOf(cr);
    if ('problem' in resolved) {
      mesh = UNRESOLVED_NAME;
      diagnostics.push(
        documentDiagnostic(cr.doc, ['metadata'], outside, resolved.problem, { kind, mesh, name }),
      );
    } else {
      mesh = resolved.name;
    }
  }
  const subject = { kind, mesh, name };
  const ctx: ConvertContext = {
    cluster,
    namespace: cr.namespace,
    report: (rawPath, severity, message) =>
      diagnostics.push(documentDiagnostic(cr.doc, rawPath, severity, message, subject)),
  };
  const spec = convertCrdSpec(kind, cr.spec, ['spec'], ctx);
  let sourcePathOf = (path: FieldPath): FieldPath => ['spec', ...mapApiPath(path, cr.spec, CRD_ALIASES)];

  let virtualGateway: string | undefined;
  if (kind === 'GatewayRoute') {
    const resolved = cluster.gatewayOf(cr);
    if ('problem' in resolved) {
      virtualGateway = UNRESOLVED_NAME;
      diagnostics.push(documentDiagnostic(cr.doc, ['metadata'], outside, resolved.problem, subject));
    } else {
      virtualGateway = resolved.name;
    }
  }
  if (kind === 'VirtualNode' && Array.isArray(cr.spec.backendGroups)) {
    const expanded = expandBackendGroups(cluster, cr, spec, outside, ctx);
    const direct = sourcePathOf;
    sourcePathOf = (path) => {
      const groupIndex =
        path[0] === 'backends' && typeof path[1] === 'number' ? expanded.get(path[1]) : undefined;
      return groupIndex === undefined ? direct(path) : ['spec', 'backendGroups', groupIndex];
    };
  }

  const k8s: NonNullable<SpecResource['k8s']> = {};
  if (cr.namespace) k8s.namespace = cr.namespace;
  if (isRecord(cr.spec.podSelector)) k8s.podSelector = cr.spec.podSelector;
  if (isRecord(cr.spec.namespaceSelector)) k8s.namespaceSelector = cr.spec.namespaceSelector;

  resources.push(
    buildResource({
      kind,
      mesh,
      name,
      spec,
      format: 'k8s-crd',
      doc: cr.doc,
      at: [],
      sourcePathOf,
      k8s,
      owners: { meshOwner: crdMeshOwner(kind === 'Mesh' ? cr : meshCr(cluster, mesh)) },
      ...(virtualGateway !== undefined ? { virtualGateway } : {}),
    }),
  );
  if (kind === 'VirtualRouter') readEmbeddedRoutes(cr, mesh, name, ctx, resources, diagnostics);
}

/** `VirtualRouter.spec.routes[]` become Route resources named verbatim (routes_manager.go). */
function readEmbeddedRoutes(
  cr: CustomResource,
  mesh: string,
  router: string,
  ctx: ConvertContext,
  resources: SpecResource[],
  diagnostics: Diagnostic[],
): void {
  const routes = cr.spec.routes;
  if (routes === undefined) return;
  if (!Array.isArray(routes)) {
    diagnostics.push(
      documentDiagnostic(cr.doc, ['spec', 'routes'], 'error', 'routes must be a list', {
        kind: 'VirtualRouter',
        mesh,
        name: router,
      }),
    );
    return;
  }
  const seen = new Set<string>();
  routes.forEach((route, i) => {
    const at: FieldPath = ['spec', 'routes', i];
    const name =
      isRecord(route) && typeof route.name === 'string' && route.name !== '' ? route.name : undefined;
    const subject = { kind: 'Route' as const, mesh, name };
    if (!isRecord(route) || name === undefined) {
      diagnostics.push(documentDiagnostic(cr.doc, at, 'error', 'each route needs a name', subject));
      return;
    }
    if (seen.has(name)) {
      diagnostics.push(
        documentDiagnostic(
          cr.doc,
          [...at, 'name'],
          'error',
          `duplicate route name '${name}' in this VirtualRouter`,
          subject,
        ),
      );
      return;
    }
    seen.add(name);
    const routeCtx: ConvertContext = {
      ...ctx,
      report: (rawPath, severity, message) =>
        diagnostics.push(documentDiagnostic(cr.doc, rawPath, severity, message, subject)),
    };
    resources.push(
      buildResource({
        kind: 'Route',
        mesh,
        name,
        virtualRouter: router,
        spec: convertCrdSpec('Route', route, at, routeCtx),
        format: 'k8s-crd',
        doc: cr.doc,
        at,
        sourcePathOf: (path) => [...at, ...mapApiPath(path, route, CRD_ALIASES)],
        k8s: cr.namespace ? { namespace: cr.namespace } : {},
      }),
    );
  });
}

/**
 * Adds the virtual services of `spec.backendGroups[]` to `backends[]` (resource_manager.go with
 * enableBackendGroups). Returns, for each added backend index, the index of the group it came from.
 */
function expandBackendGroups(
  cluster: CrdCluster,
  cr: CustomResource,
  spec: Record<string, unknown>,
  outside: Severity,
  ctx: ConvertContext,
): Map<number, number> {
  const origin = new Map<number, number>();
  const backends: unknown[] = Array.isArray(spec.backends) ? spec.backends : [];
  const present = new Set(
    backends.map((b) =>
      isRecord(b) && isRecord(b.virtualService) ? b.virtualService.virtualServiceName : undefined,
    ),
  );
  const groups = cr.spec.backendGroups as unknown[];
  groups.forEach((group, gi) => {
    const at: FieldPath = ['spec', 'backendGroups', gi];
    if (!isRecord(group) || typeof group.name !== 'string' || group.name === '') {
      ctx.report(at, 'error', 'a backendGroups entry needs a name');
      return;
    }
    const namespace = typeof group.namespace === 'string' && group.namespace ? group.namespace : cr.namespace;
    let names: string[];
    if (group.name === '*') {
      names = cluster
        .list('VirtualService')
        .filter((vs) => vs.namespace === namespace)
        .map((vs) => cluster.awsName(vs));
    } else {
      const bg = cluster.get('BackendGroup', namespace, group.name);
      if (!bg) {
        ctx.report(at, outside, `BackendGroup '${namespace}/${group.name}' is not in the input`);
        return;
      }
      const refs = Array.isArray(bg.spec.virtualservices) ? bg.spec.virtualservices : [];
      names = refs
        .filter((r): r is { name: string; namespace?: string } => isRecord(r) && typeof r.name === 'string')
        .map((r) => cluster.refName('VirtualService', r, bg.namespace));
    }
    for (const virtualServiceName of names) {
      if (present.has(virtualServiceName)) continue;
      present.add(virtualServiceName);
      origin.set(backends.length, gi);
      backends.push({ virtualService: { virtualServiceName } });
    }
  });
  if (backends.length > 0) spec.backends = backends;
  return origin;
}

/** The Mesh CR named (by awsName) `mesh`, when the input holds it. */
function meshCr(cluster: CrdCluster, mesh: string): CustomResource | undefined {
  return cluster.list('Mesh').find((m) => cluster.awsName(m) === mesh);
}

/**
 * A shared mesh's `spec.meshOwner` (the owning account): the controller passes it as MeshOwner for every
 * resource of the mesh, so members inherit it, positioned at the Mesh's field.
 */
function crdMeshOwner(mesh: CustomResource | undefined): OwnerPart | undefined {
  const v = mesh?.spec.meshOwner;
  return typeof v === 'string' && v !== '' && mesh
    ? { value: v, at: ['spec', 'meshOwner'], doc: mesh.doc }
    : undefined;
}
