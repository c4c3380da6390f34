/** A proxyless gRPC corner of the colorapp mesh: two gRPC servers, a router, and a grpc-js-xds client. */
import * as grpc from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { grpcBootstrap } from '@plexus/daemon';

const identity = (b: Buffer) => b;
const GET = '/color.Color/Get';

export async function startGrpcColor(color: string): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService(
    {
      Get: {
        path: GET,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Get: (_call: unknown, cb: (err: null, value: Buffer) => void) => cb(null, Buffer.from(color)),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { port, server };
}

/** Spec for the gRPC part, with the servers' real ports. */
export function grpcSpec(
  ports: { red: number; blue: number; router: number },
  weights: [number, number],
): string {
  const node = (color: string, port: number) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: grpc-${color}, mesh: colorapp }
spec:
  listeners: [{ portMapping: { port: ${port}, protocol: grpc } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1, port: ${port} }] } }
`;
  return [
    node('red', ports.red),
    node('blue', ports.blue),
    `apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: grpc-colors, mesh: colorapp }
spec:
  listeners: [{ portMapping: { port: ${ports.router}, protocol: grpc } }]
`,
    `apiVersion: plexus/v1
kind: Route
metadata: { name: grpc-colors, mesh: colorapp, virtualRouter: grpc-colors }
spec:
  grpcRoute:
    match: { serviceName: color.Color }
    action:
      weightedTargets:
        - { virtualNode: grpc-red, weight: ${weights[0]} }
        - { virtualNode: grpc-blue, weight: ${weights[1]} }
`,
    `apiVersion: plexus/v1
kind: VirtualService
metadata: { name: grpc-colors.colorapp.local, mesh: colorapp }
spec:
  provider: { virtualRouter: { virtualRouterName: grpc-colors } }
`,
    `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: grpc-client, mesh: colorapp }
spec:
  backends: [{ virtualService: { virtualServiceName: grpc-colors.colorapp.local } }]
`,
  ].join('---\n');
}

/** A grpc-js-xds client speaking for virtual node grpc-client, dialing the virtual service through xDS. */
export function grpcColorClient(xdsPort: number, routerPort: number) {
  register();
  const bootstrap = grpcBootstrap({
    node: 'mesh/colorapp/virtualNode/grpc-client',
    xdsAddress: `127.0.0.1:${xdsPort}`,
  });
  const client = new grpc.Client(
    `xds:///grpc-colors.colorapp.local:${routerPort}`,
    grpc.credentials.createInsecure(),
    { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) },
  );
  let closed = false;
  const call = () =>
    new Promise<string>((resolve) => {
      if (closed) return resolve('closed');
      client.makeUnaryRequest(
        GET,
        identity,
        identity,
        Buffer.alloc(0),
        { deadline: Date.now() + 3000 },
        (err, value) => resolve(err ? `error: ${err.message}` : String(value)),
      );
    });
  return {
    async tally(n: number): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      for (let i = 0; i < n && !closed; i++) {
        const k = await call();
        counts[k] = (counts[k] ?? 0) + 1;
      }
      return counts;
    },
    close: () => {
      closed = true;
      client.close();
    },
  };
}
