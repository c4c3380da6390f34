import type { ReachableService } from '@plexus/graph';
import {
  hcmFilter,
  ORIGINAL_DST_FILTER,
  socketAddress,
  TLS_INSPECTOR_FILTER,
  tcpProxyFilter,
} from '../common/hcm.ts';
import { type Ctx, type PortProtocol, servicePorts } from '../context.ts';
import { egressFilter } from '../egress-filter.ts';
import { isHttpFamily, names } from '../names.ts';
import { serviceHttpRoutes, serviceTcpTarget } from '../routes/service-routes.ts';
import { DEFAULT_IDLE_TIMEOUT } from '../routes/timeouts.ts';
import { type Json, TYPE } from '../types.ts';

export interface EgressPorts {
  /** HTTP-family services per port, each with the route config that holds their virtual hosts. */
  http: Map<number, { via: ReachableService; pp: PortProtocol }[]>;
  tcp: Map<number, { via: ReachableService; pp: PortProtocol }>;
}

export function egressPorts(ctx: Ctx): EgressPorts {
  const out: EgressPorts = { http: new Map(), tcp: new Map() };
  for (const via of ctx.view.services) {
    for (const pp of servicePorts(ctx, via.name)) {
      if (isHttpFamily(pp.protocol)) {
        const list = out.http.get(pp.port) ?? [];
        list.push({ via, pp });
        out.http.set(pp.port, list);
      } else if (!out.tcp.has(pp.port)) {
        // App Mesh: TCP carries no name, so one TCP backend per port.
        out.tcp.set(pp.port, { via, pp });
      }
    }
  }
  return out;
}

/** The egress route config of one port: a virtual host per backend virtual service (`name`, `name:port`). */
export function egressRouteConfig(
  ctx: Ctx,
  port: number,
  entries: { via: ReachableService; pp: PortProtocol }[],
  allowAllCluster?: string,
): Json {
  const vhosts: Json[] = [];
  for (const { via, pp } of entries) {
    const routes = serviceHttpRoutes(ctx, via, pp);
    if (routes.length)
      vhosts.push({ name: `${via.name}:${port}`, domains: [via.name, `${via.name}:${port}`], routes });
  }
  if (allowAllCluster) {
    vhosts.push({
      name: 'allow_all',
      domains: ['*'],
      routes: [{ match: { prefix: '/' }, route: { cluster: allowAllCluster } }],
    });
  }
  return { '@type': TYPE.route, name: names.egressRoutes(port), virtual_hosts: vhosts };
}

/** `lds_egress_0.0.0.0_15001`: per destination port an HCM (HTTP family) or tcp_proxy (TCP), plus the egress filter. */
export function egressListener(ctx: Ctx, ports: EgressPorts): void {
  const filter = egressFilter(ctx);
  const chains: Json[] = [];
  const idle = ctx.opts.idleTimeout ? DEFAULT_IDLE_TIMEOUT : undefined;
  for (const [port, entries] of [...ports.http].sort((a, b) => a[0] - b[0])) {
    const rc = egressRouteConfig(ctx, port, entries, filter.allowAllCluster);
    ctx.routeConfigs.push(rc);
    chains.push({
      name: `egress_http_${port}`,
      filter_chain_match: { destination_port: port },
      filters: [
        hcmFilter(ctx, {
          statPrefix: 'egress',
          routeConfigName: rc.name as string,
          idleTimeout: idle,
          egress: true,
        }),
      ],
    });
  }
  for (const [port, { via, pp }] of [...ports.tcp].sort((a, b) => a[0] - b[0])) {
    if (ports.http.has(port)) continue;
    const target = serviceTcpTarget(ctx, via, pp);
    if (!target) continue;
    chains.push({
      name: `egress_tcp_${port}`,
      filter_chain_match: { destination_port: port },
      filters: [tcpProxyFilter(ctx, 'egress', target.destination, target.idle ?? idle, via.name)],
    });
  }
  if (filter.amazonawsCluster) {
    chains.push({
      name: 'egress_amazonaws',
      filter_chain_match: { server_names: ['*.amazonaws.com'], transport_protocol: 'tls' },
      filters: [tcpProxyFilter(ctx, 'egress.amazonaws', { cluster: filter.amazonawsCluster })],
    });
  }
  const port = ctx.opts.egressPort;
  const listener: Json = {
    '@type': TYPE.listener,
    name: names.listener('egress', ctx.opts.listenAddress, port),
    address: socketAddress(ctx.opts.listenAddress, port),
    listener_filters: [ORIGINAL_DST_FILTER, TLS_INSPECTOR_FILTER],
    filter_chains: chains,
  };
  if (filter.allowAllCluster) {
    listener.default_filter_chain = {
      name: 'egress_allow_all',
      filters: [tcpProxyFilter(ctx, 'egress.allow_all', { cluster: filter.allowAllCluster })],
    };
  }
  ctx.listeners.push(listener);
}
