import type { SpecResource } from '@plexus/spec';

/** A minimal VirtualNode resource for tests. */
export function virtualNode(
  mesh: string,
  name: string,
  serviceDiscovery: Record<string, unknown> | undefined,
  ports: number[] = [8080],
): SpecResource {
  const position = { file: `${name}.yaml`, line: 1, col: 1 };
  return {
    kind: 'VirtualNode',
    mesh,
    name,
    spec: {
      listeners: ports.map((port) => ({ portMapping: { port, protocol: 'http' } })),
      ...(serviceDiscovery ? { serviceDiscovery } : {}),
    },
    format: 'native',
    position,
    positionOf: () => position,
  };
}
