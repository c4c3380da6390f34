/**
 * A handful of proxyless @grpc/grpc-js-xds clients beside the load clients. Each names its node by App Mesh ARN
 * (same proxy key as `mesh/bench/virtualNode/node-i`, but a node.id of its own), so the daemon's CSDS
 * (FetchClientStatus with an exact node matcher) shows what that one client ACKed and when.
 */
import { Client, credentials } from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { grpcBootstrap } from '@plexus/daemon';
import { AdsClient, XdsTypes } from '@plexus/testkit';

export interface GrpcProbe {
  nodeIndex: number;
  node: string;
  /** The versions this client ACKed of a type, as CSDS reports them ('' before any). */
  acked(typeUrl: string): Promise<string>;
  close(): void;
}

export function startGrpcProbes(xdsPort: number, nodeIndexes: number[], services: number): GrpcProbe[] {
  register();
  const csds = new AdsClient(`127.0.0.1:${xdsPort}`);
  return nodeIndexes.map((i) => {
    const node = `arn:aws:appmesh:us-west-2:000000000000:mesh/bench/virtualNode/node-${i}`;
    const bootstrap = grpcBootstrap({ node, xdsAddress: `127.0.0.1:${xdsPort}` });
    const target = `xds:///svc-${(7 * i + 1) % services}.bench.local:8080`;
    const client = new Client(target, credentials.createInsecure(), {
      'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
    });
    client.getChannel().getConnectivityState(true); // resolve now: subscribes LDS → RDS → CDS → EDS
    return {
      nodeIndex: i,
      node,
      async acked(typeUrl) {
        const res = (await csds.fetchClientStatus({
          node_matchers: [{ node_id: { exact: node } }],
          exclude_resource_contents: true,
        })) as {
          config?: {
            generic_xds_configs?: { type_url: string; version_info: string; client_status: string }[];
          }[];
        };
        const entries = (res.config ?? []).flatMap((c) => c.generic_xds_configs ?? []);
        return entries
          .filter((e) => e.type_url === typeUrl && e.client_status === 'ACKED')
          .map((e) => e.version_info)
          .join(',');
      },
      close() {
        client.close();
      },
    };
  });
}

/** Polls until the ACKed versions of a type change from `before`; returns the time it saw the change. */
export async function waitAckedChange(
  p: GrpcProbe,
  typeUrl: string,
  before: string,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await p.acked(typeUrl).catch(() => '');
    if (now && now !== before) return Date.now();
    if (Date.now() > deadline)
      throw new Error(`gRPC client ${p.node}: ${typeUrl} ACK unchanged after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { XdsTypes };
