import { buildGraph, type MeshGraph } from '@plexus/graph';
import { loadAndValidate } from '@plexus/spec';
import { expect } from 'vitest';

/** Native spec documents of mesh `m`, for the traffic tests: `yaml(...docs)` prepends the Mesh; import as `* as mesh`. */
export function yaml(...docs: string[]): string {
  return `\n${[head('Mesh', '{ name: m }'), 'spec: {}\n', ...docs].join('')}`;
}

function head(kind: string, metadata: string): string {
  return `apiVersion: plexus/v1\nkind: ${kind}\nmetadata: ${metadata}\n`;
}

/** A virtual node with one listener and one static endpoint. */
export function listeningNode(n: {
  name: string;
  port: number;
  protocol: 'http' | 'grpc';
  address: string;
  zone?: string;
}): string {
  const zone = n.zone ? `, zone: ${n.zone}` : '';
  return `---\n${head('VirtualNode', `{ name: ${n.name}, mesh: m }`)}spec:
  listeners: [{ portMapping: { port: ${n.port}, protocol: ${n.protocol} } }]
  serviceDiscovery: { static: { endpoints: [{ address: ${n.address}${zone} }] } }
`;
}

/** A virtual node that only calls `service`. */
export function clientNode(name: string, service: string): string {
  return `---\n${head('VirtualNode', `{ name: ${name}, mesh: m }`)}spec:
  backends: [{ virtualService: { virtualServiceName: ${service} } }]
`;
}

export function virtualRouter(name: string, port: number, protocol: 'http' | 'grpc'): string {
  return `---\n${head('VirtualRouter', `{ name: ${name}, mesh: m }`)}spec:
  listeners: [{ portMapping: { port: ${port}, protocol: ${protocol} } }]
`;
}

/** A route of `router`; `body` is its `httpRoute:`/`grpcRoute:` block, indented two spaces. */
export function route(name: string, router: string, priority: number, body: string): string {
  return `---\n${head('Route', `{ name: ${name}, mesh: m, virtualRouter: ${router} }`)}spec:
  priority: ${priority}
${body}`;
}

/** A virtual service provided by `router`. */
export function routerService(name: string, router: string): string {
  return `---\n${head('VirtualService', `{ name: ${name}, mesh: m }`)}spec: { provider: { virtualRouter: { virtualRouterName: ${router} } } }
`;
}

/** Loads `yaml` as mesh.yaml, expects no error diagnostics, builds the graph. */
export function validGraph(yaml: string): MeshGraph {
  const loaded = loadAndValidate([{ path: 'mesh.yaml', content: yaml }]);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildGraph(loaded.resources);
}
