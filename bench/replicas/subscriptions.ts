/** What an Envoy-like client subscribes to next: the route names its listeners name, its EDS clusters' names. */
import { envoyType } from '@plexus/xds';

const Listener = envoyType('envoy.config.listener.v3.Listener');
const Cluster = envoyType('envoy.config.cluster.v3.Cluster');
const Hcm = envoyType('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager');
const HCM_URL = `type.googleapis.com/${Hcm.fullName.slice(1)}`;

type AnyMsg = { type_url: string; value: Uint8Array };

export function routeNamesOf(bytes: Uint8Array): string[] {
  const l = Listener.decode(bytes) as unknown as {
    filter_chains?: { filters?: { typed_config?: AnyMsg }[] }[];
  };
  const out: string[] = [];
  for (const fc of l.filter_chains ?? [])
    for (const f of fc.filters ?? []) {
      const a = f.typed_config;
      if (a?.type_url !== HCM_URL) continue;
      const h = Hcm.decode(a.value) as unknown as { rds?: { route_config_name?: string } };
      if (h.rds?.route_config_name) out.push(h.rds.route_config_name);
    }
  return out;
}

/** The cluster's name if it takes its endpoints from EDS. */
export function edsClusterName(bytes: Uint8Array): string | undefined {
  const c = Cluster.decode(bytes) as unknown as { name: string; type?: number };
  return c.type === 3 ? c.name : undefined;
}
