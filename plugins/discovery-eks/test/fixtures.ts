import type { KubeObject } from '@plexus/testkit';

/** One endpoint of a test EndpointSlice. */
export interface EndpointSpec {
  ip: string;
  pod?: string;
  zone?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** An EndpointSlice of Service `service` as the EndpointSlice controller writes it. */
export function endpointSlice(
  namespace: string,
  name: string,
  service: string,
  endpoints: EndpointSpec[],
  ports: Array<{ name?: string; port: number }> = [{ name: 'http', port: 8080 }],
): KubeObject {
  return {
    addressType: 'IPv4',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } },
    ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
      ...(e.zone ? { zone: e.zone } : {}),
      ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace } } : {}),
      nodeName: 'node-1',
    })),
  };
}

export function pod(namespace: string, name: string, labels: Record<string, string>, ip: string): KubeObject {
  return {
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'app' }] },
    status: { phase: 'Running', podIP: ip },
  };
}

/** `address:port health zone` lines: compact, readable assertions. */
export function summary(
  endpoints: Array<{ address: string; port: number; health: string; zone?: string }>,
): string[] {
  return endpoints.map((e) => `${e.address}:${e.port} ${e.health}${e.zone ? ` ${e.zone}` : ''}`);
}
