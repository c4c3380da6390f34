import type { EgressPorts } from '../listeners/egress.ts';
import { names } from '../names.ts';
import { ADS_SOURCE, type Json, TYPE } from '../types.ts';

/**
 * For proxyless gRPC: an `api_listener` named after each reachable virtual service (`name` and `name:port`),
 * its HCM fetching the egress route config of that port over ADS, router filter last. `name` alone uses the
 * service's lowest HTTP-family port.
 */
export function proxylessListeners(ports: EgressPorts): Json[] {
  const byService = new Map<string, number[]>();
  for (const [port, entries] of ports.http) {
    for (const { via } of entries) byService.set(via.name, [...(byService.get(via.name) ?? []), port]);
  }
  const out: Json[] = [];
  for (const [service, list] of [...byService].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const sorted = [...list].sort((a, b) => a - b);
    out.push(apiListener(service, sorted[0]!));
    for (const port of sorted) out.push(apiListener(`${service}:${port}`, port));
  }
  return out;
}

function apiListener(name: string, port: number): Json {
  return {
    '@type': TYPE.listener,
    name,
    api_listener: {
      api_listener: {
        '@type': TYPE.hcm,
        stat_prefix: name,
        rds: { route_config_name: names.egressRoutes(port), config_source: ADS_SOURCE },
        http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TYPE.router } }],
      },
    },
  };
}

/** True for the proxyless listeners (an Envoy sidecar subscribing by wildcard can be spared them). */
export function isApiListener(listener: Json): boolean {
  return listener.api_listener !== undefined;
}

/**
 * The config without proxyless api_listeners, for an Envoy sidecar: Envoy's server build has no API listener
 * extension and rejects an LDS update that carries one.
 */
export function withoutApiListeners<C extends { listeners: Json[] }>(config: C): C {
  return { ...config, listeners: config.listeners.filter((l) => !isApiListener(l)) };
}
