/** Hand-made Envoy resources in proto3 JSON (what the translate stage produces). */

const T = 'type.googleapis.com/';

export const ads = { ads: {}, resourceApiVersion: 'V3' };

export function edsCluster(name: string, extra: Record<string, unknown> = {}) {
  return {
    '@type': `${T}envoy.config.cluster.v3.Cluster`,
    name,
    type: 'EDS',
    edsClusterConfig: { edsConfig: ads },
    connectTimeout: '1s',
    lbPolicy: 'ROUND_ROBIN',
    ...extra,
  };
}

export function http2EdsCluster(name: string) {
  return edsCluster(name, {
    typedExtensionProtocolOptions: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': `${T}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
        explicitHttpConfig: { http2ProtocolOptions: {} },
      },
    },
  });
}

export function loadAssignment(clusterName: string, endpoints: { host: string; port: number }[]) {
  return {
    '@type': `${T}envoy.config.endpoint.v3.ClusterLoadAssignment`,
    clusterName,
    endpoints: [
      {
        locality: { region: 'local' },
        loadBalancingWeight: 1,
        lbEndpoints: endpoints.map((e) => ({
          endpoint: { address: { socketAddress: { address: e.host, portValue: e.port } } },
        })),
      },
    ],
  };
}

export function weightedRoute(name: string, domains: string[], split: [string, number][]) {
  return {
    '@type': `${T}envoy.config.route.v3.RouteConfiguration`,
    name,
    virtualHosts: [
      {
        name: `${name}-vh`,
        domains,
        routes: [
          {
            match: { prefix: '' },
            route: {
              weightedClusters: { clusters: split.map(([n, w]) => ({ name: n, weight: w })) },
              timeout: '5s',
            },
          },
        ],
      },
    ],
  };
}

function hcm(routeName: string, statPrefix: string) {
  return {
    '@type': `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
    statPrefix,
    rds: { configSource: ads, routeConfigName: routeName },
    httpFilters: [
      {
        name: 'envoy.filters.http.router',
        typedConfig: { '@type': `${T}envoy.extensions.filters.http.router.v3.Router` },
      },
    ],
  };
}

/** An Envoy listener on 127.0.0.1:port routing through RDS `routeName`. */
export function httpListener(name: string, port: number, routeName: string) {
  return {
    '@type': `${T}envoy.config.listener.v3.Listener`,
    name,
    address: { socketAddress: { address: '127.0.0.1', portValue: port } },
    filterChains: [
      {
        filters: [
          { name: 'envoy.filters.network.http_connection_manager', typedConfig: hcm(routeName, name) },
        ],
      },
    ],
  };
}

/** A proxyless gRPC client listener: an api_listener named after the dial target. */
export function apiListener(name: string, routeName: string) {
  return {
    '@type': `${T}envoy.config.listener.v3.Listener`,
    name,
    apiListener: { apiListener: hcm(routeName, name) },
  };
}

/** A small complete config: listener l1 → route r1 → clusters c1/c2 with endpoints. */
export function sampleConfig(opts: { clusters?: string[]; port?: number; split?: [string, number][] } = {}) {
  const clusters = opts.clusters ?? ['c1', 'c2'];
  return {
    listeners: [apiListener('l1', 'r1')],
    routes: [weightedRoute('r1', ['*'], opts.split ?? clusters.map((c) => [c, 1] as [string, number]))],
    clusters: clusters.map((c) => edsCluster(c)),
    endpoints: clusters.map((c) => loadAssignment(c, [{ host: '127.0.0.1', port: opts.port ?? 9000 }])),
  };
}
