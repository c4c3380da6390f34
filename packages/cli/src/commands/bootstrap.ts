import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { appMeshStatsConfig, envoyBootstrap, grpcBootstrap } from '@plexus/daemon';
import { stringify } from 'yaml';
import type { Command } from '../main.ts';

const usage = `usage: plexus bootstrap --node ID --xds-address HOST:PORT|unix:///PATH [--grpc] [--delta]
                         [--cluster NAME] [--admin-port PORT] [--admin-address ADDR] [--appmesh-stats-tags]
                         [--zone ZONE [--region REGION]]
                         [--xds-ca FILE [--server-name NAME] [--client-cert FILE --client-key FILE]
                          [--token-file FILE [--embed-token]]] [--google-default]

Prints an Envoy bootstrap (YAML: admin on 9901, ADS over gRPC to the daemon, LDS/CDS via ADS), or with --grpc
a gRPC xDS bootstrap (JSON, for GRPC_XDS_BOOTSTRAP) for a proxyless gRPC app.
ID is mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or an App Mesh ARN.
The Envoy bootstrap's xds_cluster also carries the proxy's access logs to the daemon (mesh telemetry), with
the proxy's token attached to each stream when it has one (--token-file: read at every stream start).
--appmesh-stats-tags tags Envoy's own stats like App Mesh's ENABLE_ENVOY_STATS_TAGS=1 (appmesh.mesh,
appmesh.virtual_node / appmesh.virtual_gateway, listener protocol and port, route config).
--zone/--region set node.locality (App Mesh's sidecar sets the task's): a node with a zone preference
(TrafficPolicy.zoneAware) is served the endpoints of its own zone first.
--xds-ca makes the client speak TLS and verify the daemon's certificate (SAN = --server-name, default the
host of --xds-address). The proxy proves who it is with --client-cert/--client-key (mTLS) or --token-file
(a node token or service-account token, sent as "authorization: Bearer"; Envoy re-reads the file at every
stream start, so a refreshed token needs no restart, and a trailing newline is dropped). For --grpc: TLS
channel credentials per gRFC A65 and jwt_token_file call credentials per gRFC A97. --embed-token copies the
file's token into the bootstrap (a static secret, redacted in Envoy's /config_dump) instead: a new token then
needs a new bootstrap.
--google-default (with --grpc): google_default channel credentials for @grpc/grpc-js-xds, which has no A65
support: run the app with GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=<the daemon's CA> and GOOGLE_APPLICATION_CREDENTIALS=
<a key file from plexus token create --google-credentials FILE>.`;

function readToken(file: string | undefined): string {
  if (!file) throw new Error('--embed-token needs --token-file');
  return readFileSync(file, 'utf8').trim();
}

function localityOf(zone: string | undefined, region: string | undefined) {
  if (region && !zone) throw new Error('--region needs --zone');
  return zone ? { zone, ...(region ? { region } : {}) } : undefined;
}

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
          delta: { type: 'boolean' },
          'xds-ca': { type: 'string' },
          'server-name': { type: 'string' },
          'client-cert': { type: 'string' },
          'client-key': { type: 'string' },
          'token-file': { type: 'string' },
          'embed-token': { type: 'boolean' },
          'google-default': { type: 'boolean' },
          zone: { type: 'string' },
          region: { type: 'string' },
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
    let options: Parameters<typeof envoyBootstrap>[0];
    try {
      options = {
        node,
        xdsAddress,
        cluster: values.cluster as string | undefined,
        adminPort,
        adminAddress: values['admin-address'] as string | undefined,
        appMeshStatsTags: values['appmesh-stats-tags'] === true,
        delta: values.delta as boolean | undefined,
        xdsCaFile: values['xds-ca'] as string | undefined,
        serverName: values['server-name'] as string | undefined,
        clientCertFile: values['client-cert'] as string | undefined,
        clientKeyFile: values['client-key'] as string | undefined,
        tokenFile: values['embed-token'] ? undefined : (values['token-file'] as string | undefined),
        token: values['embed-token'] ? readToken(values['token-file'] as string | undefined) : undefined,
        googleDefault: values['google-default'] === true,
        locality: localityOf(values.zone as string | undefined, values.region as string | undefined),
      };
      if (options.googleDefault && !values.grpc) throw new Error('--google-default needs --grpc');
      if (options.appMeshStatsTags) appMeshStatsConfig(node);
    } catch (err) {
      console.error(`plexus bootstrap: ${(err as Error).message}`);
      return 2;
    }
    try {
      if (values.grpc) console.log(JSON.stringify(grpcBootstrap(options), null, 2));
      else console.log(stringify(envoyBootstrap(options), { aliasDuplicateObjects: false }).trimEnd());
    } catch (err) {
      console.error(`plexus bootstrap: ${(err as Error).message}`);
      return 2;
    }
    return 0;
  },
};
