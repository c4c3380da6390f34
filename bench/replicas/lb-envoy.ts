/**
 * A real Envoy as the TCP load balancer in front of the replicas (what an NLB or a Kubernetes Service is in
 * production): one listener, tcp_proxy to a round-robin cluster of every replica's xDS port, active TCP health
 * checks so a dead replica leaves the rotation within a quarter second, and connect retries for the moments
 * before it does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envoyBinary, freePort, type Started, startProcess, waitFor } from '@plexus/testkit';
import { stringify } from 'yaml';

export interface LbEnvoy {
  address: string;
  adminPort: number;
  proc: Started;
  /** Upstream hosts (replica xDS ports) the balancer currently sees as healthy. */
  healthy(): Promise<number[]>;
  stop(): Promise<void>;
}

export function lbBootstrap(listenPort: number, adminPort: number, replicaPorts: number[]): object {
  return {
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    static_resources: {
      listeners: [
        {
          name: 'xds_lb',
          address: { socket_address: { address: '127.0.0.1', port_value: listenPort } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.tcp_proxy',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
                    stat_prefix: 'xds_lb',
                    cluster: 'replicas',
                    max_connect_attempts: 3,
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: 'replicas',
          type: 'STATIC',
          connect_timeout: '0.5s',
          lb_policy: 'ROUND_ROBIN',
          close_connections_on_host_health_failure: true,
          common_lb_config: { healthy_panic_threshold: { value: 0 } },
          health_checks: [
            {
              timeout: '0.2s',
              interval: '0.25s',
              no_traffic_interval: '0.25s',
              unhealthy_threshold: 1,
              healthy_threshold: 1,
              tcp_health_check: {},
            },
          ],
          load_assignment: {
            cluster_name: 'replicas',
            endpoints: [
              {
                lb_endpoints: replicaPorts.map((port) => ({
                  endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } },
                })),
              },
            ],
          },
        },
      ],
    },
  };
}

export async function startLbEnvoy(workDir: string, replicaPorts: number[]): Promise<LbEnvoy> {
  const listenPort = await freePort();
  const adminPort = await freePort();
  const file = join(workDir, 'lb-envoy.yaml');
  writeFileSync(file, stringify(lbBootstrap(listenPort, adminPort, replicaPorts)));
  const proc = startProcess(envoyBinary(), [
    '-c',
    file,
    '--disable-hot-restart',
    '--concurrency',
    '1',
    '-l',
    'warning',
  ]);
  const healthy = async () => {
    const res = await fetch(`http://127.0.0.1:${adminPort}/clusters?format=json`);
    const doc = (await res.json()) as {
      cluster_statuses?: {
        name: string;
        host_statuses?: {
          address: { socket_address: { port_value: number } };
          health_status: Record<string, unknown>;
        }[];
      }[];
    };
    const hosts = doc.cluster_statuses?.find((c) => c.name === 'replicas')?.host_statuses ?? [];
    return hosts
      .filter((h) => !h.health_status.failed_active_health_check)
      .map((h) => h.address.socket_address.port_value);
  };
  try {
    await waitFor(async () => (await healthy()).length === replicaPorts.length, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'the load balancer Envoy to see every replica healthy',
    });
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n${proc.output().slice(-2000)}`);
  }
  return { address: `127.0.0.1:${listenPort}`, adminPort, proc, healthy, stop: () => proc.stop() };
}
