/**
 * Synthetic mesh generator for benchmarks: a valid, complete mesh of any size, as spec files in the
 * native YAML format or as App Mesh CLI input JSON (one resource per file).
 *
 * Shape: one Mesh; `services` virtual services, each provided by its own virtual router with
 * `routesPerRouter` routes, each route splitting traffic over two nodes; `nodes` virtual nodes with an http
 * listener, static discovery with `endpoints` endpoints and up to 3 backends; optionally one virtual gateway
 * with `gatewayRoutes` gateway routes to the services.
 */
import type { SourceFile } from '@plexus/spec';

export interface MeshShape {
  mesh?: string;
  nodes: number;
  services: number;
  routesPerRouter: number;
  /** Static endpoints per node. */
  endpoints: number;
  /** 0 for no virtual gateway. */
  gatewayRoutes?: number;
}

export type GeneratedFormat = 'yaml' | 'json';

export interface GeneratedMesh {
  files: SourceFile[];
  /** App Mesh resources in the files. */
  resources: number;
  shape: Required<MeshShape>;
}

/** Resources a shape produces. */
export function resourceCount(shape: MeshShape): number {
  const gw = shape.gatewayRoutes ?? 0;
  return 1 + shape.nodes + shape.services * (2 + shape.routesPerRouter) + (gw > 0 ? 1 + gw : 0);
}

/** A shape with exactly `total` resources (≥ 20): 10% services with 4 routes each, 1% gateway routes, rest nodes. */
export function shapeFor(total: number, endpoints = 3): Required<MeshShape> {
  const services = Math.max(1, Math.floor(total / 10));
  const gatewayRoutes = Math.max(1, Math.floor(total / 100));
  const nodes = total - resourceCount({ nodes: 0, services, routesPerRouter: 4, endpoints, gatewayRoutes });
  if (nodes < 2) throw new Error(`shapeFor: ${total} resources is too few`);
  return { mesh: 'bench', nodes, services, routesPerRouter: 4, endpoints, gatewayRoutes };
}

interface Res {
  kind: string;
  name: string;
  parent?: { key: 'virtualRouter' | 'virtualGateway'; name: string };
  spec: unknown;
}

export function generateMesh(input: MeshShape, format: GeneratedFormat = 'yaml'): GeneratedMesh {
  const shape: Required<MeshShape> = { mesh: 'bench', gatewayRoutes: 0, ...input };
  const { mesh, nodes, services, routesPerRouter, endpoints, gatewayRoutes } = shape;
  const groups: Array<{ file: string; resources: Res[] }> = [];
  const node = (i: number) => `node-${i}`;
  const service = (i: number) => `svc-${i}.${mesh}.local`;
  const port = (i: number) => 20000 + (i % 40000);

  groups.push({
    file: 'mesh.yaml',
    resources: [{ kind: 'Mesh', name: mesh, spec: { egressFilter: { type: 'DROP_ALL' } } }],
  });
  for (let i = 0; i < nodes; i++) {
    const backends = [1, 2, 3]
      .map((k) => (i * 7 + k) % services)
      .filter((s, k, all) => all.indexOf(s) === k)
      .map((s) => ({ virtualService: { virtualServiceName: service(s) } }));
    groups.push({
      file: `nodes/${node(i)}.yaml`,
      resources: [
        {
          kind: 'VirtualNode',
          name: node(i),
          spec: {
            listeners: [
              {
                portMapping: { port: port(i), protocol: 'http' },
                healthCheck: {
                  protocol: 'http',
                  path: '/ping',
                  healthyThreshold: 2,
                  unhealthyThreshold: 2,
                  timeoutMillis: 2000,
                  intervalMillis: 5000,
                },
              },
            ],
            backends,
            serviceDiscovery: {
              static: {
                endpoints: Array.from({ length: endpoints }, (_, e) => ({
                  address: `127.${(e >> 8) & 255}.${e & 255}.${1 + (i % 250)}`,
                  port: port(i),
                })),
              },
            },
          },
        },
      ],
    });
  }
  for (let s = 0; s < services; s++) {
    const router = `router-${s}`;
    const resources: Res[] = [
      {
        kind: 'VirtualService',
        name: service(s),
        spec: { provider: { virtualRouter: { virtualRouterName: router } } },
      },
      {
        kind: 'VirtualRouter',
        name: router,
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
      },
    ];
    for (let r = 0; r < routesPerRouter; r++) {
      const a = (s * routesPerRouter + r) % nodes;
      const b = (a + 1) % nodes;
      resources.push({
        kind: 'Route',
        name: `route-${r}`,
        parent: { key: 'virtualRouter', name: router },
        spec: {
          priority: r,
          httpRoute: {
            match: { prefix: `/r${r}` },
            action: {
              weightedTargets: [
                { virtualNode: node(a), weight: 80 },
                { virtualNode: node(b), weight: 20 },
              ],
            },
            retryPolicy: {
              maxRetries: 2,
              perRetryTimeout: { unit: 'ms', value: 500 },
              httpRetryEvents: ['server-error'],
            },
          },
        },
      });
    }
    groups.push({ file: `services/svc-${s}.yaml`, resources });
  }
  if (gatewayRoutes > 0) {
    const resources: Res[] = [
      {
        kind: 'VirtualGateway',
        name: 'ingress',
        spec: { listeners: [{ portMapping: { port: 8088, protocol: 'http' } }] },
      },
    ];
    for (let g = 0; g < gatewayRoutes; g++) {
      resources.push({
        kind: 'GatewayRoute',
        name: `gr-${g}`,
        parent: { key: 'virtualGateway', name: 'ingress' },
        spec: {
          httpRoute: {
            match: { prefix: `/g${g}/` },
            action: { target: { virtualService: { virtualServiceName: service(g % services) } } },
          },
        },
      });
    }
    groups.push({ file: 'gateway.yaml', resources });
  }
  const files =
    format === 'yaml' ? groups.map((g) => toNativeYaml(mesh, g)) : groups.flatMap((g) => toCliJson(mesh, g));
  return { files, resources: resourceCount(shape), shape };
}

function toNativeYaml(mesh: string, group: { file: string; resources: Res[] }): SourceFile {
  const docs = group.resources.map((r) => {
    const metadata: Record<string, string> = { name: r.name };
    if (r.kind !== 'Mesh') metadata.mesh = mesh;
    if (r.parent) metadata[r.parent.key] = r.parent.name;
    return `apiVersion: plexus/v1\nkind: ${r.kind}\nmetadata:\n${yamlBlock(metadata, 1)}spec:\n${yamlBlock(r.spec, 1)}`;
  });
  return { path: group.file, content: docs.join('---\n') };
}

const CLI_NAME_KEY: Record<string, string> = {
  VirtualNode: 'virtualNodeName',
  VirtualService: 'virtualServiceName',
  VirtualRouter: 'virtualRouterName',
  Route: 'routeName',
  VirtualGateway: 'virtualGatewayName',
  GatewayRoute: 'gatewayRouteName',
};

function toCliJson(mesh: string, group: { file: string; resources: Res[] }): SourceFile[] {
  const base = group.file.replace(/\.yaml$/, '');
  return group.resources.map((r, i) => {
    const names: Record<string, string> = { meshName: mesh };
    if (r.parent) names[`${r.parent.key}Name`] = r.parent.name;
    if (r.kind !== 'Mesh') names[CLI_NAME_KEY[r.kind]] = r.name;
    const path = group.resources.length === 1 ? `${base}.json` : `${base}/${i}-${r.kind}.json`;
    return { path, content: JSON.stringify({ ...names, spec: r.spec }, null, 2) };
  });
}

/** Minimal YAML emitter for the generator's plain data (strings here never need quoting but for safety). */
function yamlBlock(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((item) => {
        const inner = yamlBlock(item, depth + 1);
        return isScalar(item) ? `${pad}- ${scalar(item)}\n` : `${pad}- ${inner.slice(pad.length + 2)}`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => {
        if (isScalar(v)) return `${pad}${k}: ${scalar(v)}\n`;
        if (Array.isArray(v) && v.length === 0) return `${pad}${k}: []\n`;
        return `${pad}${k}:\n${yamlBlock(v, depth + 1)}`;
      })
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function scalar(v: unknown): string {
  return typeof v === 'string' && !/^[\w./-]+$/.test(v) ? JSON.stringify(v) : String(v);
}
