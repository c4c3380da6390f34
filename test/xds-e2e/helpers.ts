import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  envoyAdminPort,
  envoyAdminPortZeroArgs,
  envoyBinary,
  type HttpReply,
  httpRequestLocal,
  type Started,
  startProcess,
} from '@plexus/testkit';

/** A plain HTTP backend answering with its name. */
export async function startBackend(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(name);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, server };
}

export function get(port: number, path = '/'): Promise<HttpReply> {
  return httpRequestLocal(port, path);
}

/** Sends `n` requests, `concurrency` at a time; counts bodies (non-200 and errors count as "error"). */
export async function tally(
  n: number,
  concurrency: number,
  one: () => Promise<string>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let left = n;
  const worker = async () => {
    while (left-- > 0) {
      let k: string;
      try {
        k = await one();
      } catch {
        k = 'error';
      }
      counts[k] = (counts[k] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return counts;
}

export interface EnvoyHandle {
  proc: Started;
  adminPort: number;
  admin(path: string): Promise<string>;
}

/** Real Envoy bootstrapped to our ADS server (apiType GRPC = SotW, DELTA_GRPC = incremental); `node` adds to its node. */
export async function startEnvoy(
  nodeId: string,
  xdsPort: number,
  apiType: 'GRPC' | 'DELTA_GRPC',
  node: { locality?: { zone?: string; region?: string } } = {},
): Promise<EnvoyHandle> {
  const bootstrap = {
    node: { id: nodeId, cluster: 'e2e', ...node },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    dynamic_resources: {
      ads_config: {
        api_type: apiType,
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds' } }],
      },
      lds_config: { ads: {}, resource_api_version: 'V3' },
      cds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [
        {
          name: 'xds',
          type: 'STATIC',
          connect_timeout: '1s',
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
          load_assignment: {
            cluster_name: 'xds',
            endpoints: [
              {
                lb_endpoints: [
                  {
                    endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: xdsPort } } },
                  },
                ],
              },
            ],
          },
        },
      ],
    },
  };
  // access logs may go to /dev/stdout, which Envoy cannot open on a socket: give it a file
  const logDir = mkdtempSync(join(tmpdir(), 'plexus-envoy-'));
  const stdout = openSync(join(logDir, 'stdout.log'), 'w');
  const proc = startProcess(
    envoyBinary(),
    [
      '--config-yaml',
      JSON.stringify(bootstrap),
      '--disable-hot-restart',
      '--concurrency',
      '1',
      '-l',
      'warning',
      ...envoyAdminPortZeroArgs(join(logDir, 'admin-address')),
    ],
    { stdio: ['ignore', stdout, 'pipe'] },
  );
  proc.proc.once('exit', () => {
    closeSync(stdout);
    rmSync(logDir, { recursive: true, force: true });
  });
  let adminPort: number;
  try {
    adminPort = await envoyAdminPort(join(logDir, 'admin-address'), proc);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const admin = async (path: string) => {
    const r = await fetch(`http://127.0.0.1:${adminPort}${path}`);
    return r.text();
  };
  return { proc, adminPort, admin };
}
