import { parseArgs } from 'node:util';
import { appMeshStatsConfig, envoyBootstrap, grpcBootstrap } from '@plexus/daemon';
import { stringify } from 'yaml';
import type { Command } from '../main.ts';

const usage = `usage: plexus bootstrap --node ID --xds-address HOST:PORT [--grpc] [--cluster NAME]
                         [--admin-port PORT] [--admin-address ADDR] [--appmesh-stats-tags]

Prints an Envoy bootstrap (YAML: admin on 9901, ADS over gRPC to the daemon, LDS/CDS via ADS), or with --grpc
a gRPC xDS bootstrap (JSON, for GRPC_XDS_BOOTSTRAP) for a proxyless gRPC app.
ID is mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or an App Mesh ARN.
The Envoy bootstrap's xds_cluster also carries the proxy's access logs to the daemon (mesh telemetry).
--appmesh-stats-tags tags Envoy's own stats like App Mesh's ENABLE_ENVOY_STATS_TAGS=1 (appmesh.mesh,
appmesh.virtual_node / appmesh.virtual_gateway, listener protocol and port, route config).`;

export const command: Command = {
  summary: 'print an Envoy bootstrap YAML (or --grpc: a gRPC xDS bootstrap JSON) for a node',
  usage,
  async run(argv) {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          node: { type: 'string' },
          'xds-address': { type: 'string' },
          grpc: { type: 'boolean' },
          cluster: { type: 'string' },
          'admin-port': { type: 'string' },
          'admin-address': { type: 'string' },
          'appmesh-stats-tags': { type: 'boolean' },
        },
        strict: true,
      }));
    } catch (err) {
      console.error(`plexus bootstrap: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    const node = values.node as string | undefined;
    const xdsAddress = values['xds-address'] as string | undefined;
    if (!node || !xdsAddress) {
      console.error(`plexus bootstrap: --node and --xds-address are required\n${usage}`);
      return 2;
    }
    const adminPort = values['admin-port'] === undefined ? undefined : Number(values['admin-port']);
    if (adminPort !== undefined && !(Number.isInteger(adminPort) && adminPort > 0 && adminPort < 65536)) {
      console.error(`plexus bootstrap: --admin-port: expected 1..65535, got '${values['admin-port']}'`);
      return 2;
    }
    const options = {
      node,
      xdsAddress,
      cluster: values.cluster as string | undefined,
      adminPort,
      adminAddress: values['admin-address'] as string | undefined,
      appMeshStatsTags: values['appmesh-stats-tags'] === true,
    };
    if (options.appMeshStatsTags) {
      try {
        appMeshStatsConfig(node);
      } catch (err) {
        console.error(`plexus bootstrap: --appmesh-stats-tags: ${(err as Error).message}`);
        return 2;
      }
    }
    try {
      if (values.grpc) console.log(JSON.stringify(grpcBootstrap(options), null, 2));
      else console.log(stringify(envoyBootstrap(options), { aliasDuplicateObjects: false }).trimEnd());
    } catch (err) {
      console.error(`plexus bootstrap: --xds-address: ${(err as Error).message}`);
      return 2;
    }
    return 0;
  },
};
