import type { FieldPath, Kind, SourcePosition, SpecResource } from '../../src/index.ts';

export interface ResourceOptions {
  mesh?: string;
  virtualRouter?: string;
  virtualGateway?: string;
  file?: string;
}

/**
 * A SpecResource as a loader would produce it, with fake but faithful positions: the resource starts at line 1,
 * `spec` at line 2 and every field and list element of the spec gets its own line (depth-first, like YAML),
 * column 2·depth+1. Missing paths fall back to the nearest ancestor.
 */
export function resource(kind: Kind, name: string, spec: unknown, opts: ResourceOptions = {}): SpecResource {
  const file = opts.file ?? `${kind.toLowerCase()}-${name}.yaml`;
  const lines = new Map<string, SourcePosition>();
  let line = 2;
  const walk = (value: unknown, path: Array<string | number>) => {
    lines.set(JSON.stringify(path), { file, line: line++, col: 2 * path.length + 1 });
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], [...path, i]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  walk(spec, []);
  const position = { file, line: 1, col: 1 };
  return {
    kind,
    mesh: kind === 'Mesh' ? name : (opts.mesh ?? 'm'),
    name,
    ...(opts.virtualRouter !== undefined ? { virtualRouter: opts.virtualRouter } : {}),
    ...(opts.virtualGateway !== undefined ? { virtualGateway: opts.virtualGateway } : {}),
    spec,
    format: 'native',
    position,
    positionOf(path: FieldPath): SourcePosition {
      for (let n = path.length; n >= 0; n--) {
        const hit = lines.get(JSON.stringify(path.slice(0, n)));
        if (hit) return hit;
      }
      return position;
    },
  };
}

/** `file:line:col` of a spec field of a resource, from the resource's own position map. */
export function at(r: SpecResource, ...path: Array<string | number>): string {
  const p = r.positionOf(path);
  return `${p.file}:${p.line}:${p.col}`;
}

const httpListener = (port = 8080, protocol = 'http') => ({ portMapping: { port, protocol } });

/** A small, fully valid mesh: every kind, every reference resolvable. Fresh objects on each call. */
export function validMesh(): SpecResource[] {
  return [
    resource('Mesh', 'm', { egressFilter: { type: 'DROP_ALL' } }),
    resource('VirtualNode', 'red', {
      listeners: [httpListener()],
      serviceDiscovery: { static: { endpoints: [{ address: '127.0.0.1' }] } },
    }),
    resource('VirtualNode', 'blue', {
      listeners: [httpListener()],
      serviceDiscovery: { dns: { hostname: 'blue.m.local' } },
    }),
    resource('VirtualRouter', 'color', { listeners: [httpListener()] }),
    resource(
      'Route',
      'color-route',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: {
            weightedTargets: [
              { virtualNode: 'red', weight: 1 },
              { virtualNode: 'blue', weight: 0 },
            ],
          },
        },
      },
      { virtualRouter: 'color' },
    ),
    resource('VirtualService', 'color.m.local', {
      provider: { virtualRouter: { virtualRouterName: 'color' } },
    }),
    resource('VirtualService', 'red.m.local', { provider: { virtualNode: { virtualNodeName: 'red' } } }),
    resource('VirtualNode', 'front', {
      listeners: [httpListener(9080)],
      serviceDiscovery: { dns: { hostname: 'front.m.local' } },
      backends: [{ virtualService: { virtualServiceName: 'color.m.local' } }],
    }),
    resource('VirtualGateway', 'gw', { listeners: [httpListener(8088)] }),
    resource(
      'GatewayRoute',
      'to-color',
      {
        httpRoute: {
          match: { prefix: '/color' },
          action: { target: { virtualService: { virtualServiceName: 'color.m.local' } } },
        },
      },
      { virtualGateway: 'gw' },
    ),
  ];
}

/** Replaces the resource of that kind and name in a set (keeps order). */
export function replace(resources: SpecResource[], next: SpecResource): SpecResource[] {
  return resources.map((r) =>
    r.kind === next.kind && r.name === next.name && r.mesh === next.mesh ? next : r,
  );
}
