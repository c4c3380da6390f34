import type { NodeListener, VirtualNodeShape } from '@plexus/graph';
import type { SpecResource } from '@plexus/spec';
import { circuitBreakers } from '../clusters/circuit-breakers.ts';
import { applyUpstreamProtocol } from '../clusters/upstream-protocol.ts';
import { duration } from '../common/duration.ts';
import {
  hcmFilter,
  ORIGINAL_DST_FILTER,
  socketAddress,
  TLS_INSPECTOR_FILTER,
  tcpProxyFilter,
} from '../common/hcm.ts';
import type { Ctx } from '../context.ts';
import { healthCheck } from '../health-checks.ts';
import { names } from '../names.ts';
import { applyRouteTimeouts, DEFAULT_IDLE_TIMEOUT } from '../routes/timeouts.ts';
import { listenerTlsVariants } from '../tls/listener.ts';
import { type Json, TYPE } from '../types.ts';

/**
 * `lds_ingress_0.0.0.0_15000`: one filter chain per listener port mapping (matched on the original destination
 * port), each to the local app cluster `cds_ingress_<mesh>_<node>_<protocol>_<port>`.
 */
export function ingressListener(ctx: Ctx, node: SpecResource<VirtualNodeShape>): void {
  const listeners = node.spec?.listeners ?? [];
  if (listeners.length === 0) return;
  const chains: Json[] = [];
  let inspect = false;
  listeners.forEach((l, i) => {
    const { port, protocol } = l.portMapping;
    const cluster = localAppCluster(ctx, node, l);
    const statPrefix = listeners.length > 1 ? `ingress.${protocol}.${port}` : 'ingress';
    const t = l.timeout?.[protocol];
    const idle = duration(t?.idle) ?? (ctx.opts.idleTimeout ? DEFAULT_IDLE_TIMEOUT : undefined);
    let filter: Json;
    if (protocol === 'tcp') {
      filter = tcpProxyFilter(ctx, statPrefix, { cluster }, idle);
    } else {
      const rc = names.ingressRoutes(protocol, port);
      ctx.routeConfigs.push(ingressRouteConfig(ctx, rc, cluster, l));
      filter = hcmFilter(ctx, { statPrefix, routeConfigName: rc, idleTimeout: idle });
    }
    for (const v of listenerTlsVariants(ctx, l.tls, node, ['listeners', i, 'tls'])) {
      if (v.transportProtocol) inspect = true;
      const match: Json = { destination_port: port };
      if (v.transportProtocol) match.transport_protocol = v.transportProtocol;
      const chain: Json = {
        name: `ingress_${protocol}_${port}${v.transportProtocol ? `_${v.transportProtocol}` : ''}`,
        filter_chain_match: match,
        filters: [filter],
      };
      if (v.transportSocket) chain.transport_socket = v.transportSocket;
      chains.push(chain);
    }
  });
  const port = ctx.opts.ingressPort;
  ctx.listeners.push({
    '@type': TYPE.listener,
    name: names.listener('ingress', ctx.opts.listenAddress, port),
    address: socketAddress(ctx.opts.listenAddress, port),
    listener_filters: inspect ? [ORIGINAL_DST_FILTER, TLS_INSPECTOR_FILTER] : [ORIGINAL_DST_FILTER],
    filter_chains: chains,
  });
}

function ingressRouteConfig(ctx: Ctx, name: string, cluster: string, l: NodeListener): Json {
  const protocol = l.portMapping.protocol;
  const t = protocol === 'tcp' ? undefined : l.timeout?.[protocol];
  const action: Json = { cluster };
  // The listener's idle timeout belongs to its HCM, not to this route: only perRequest applies here.
  applyRouteTimeouts(ctx, action, { perRequest: t?.perRequest }, protocol === 'grpc');
  return {
    '@type': TYPE.route,
    name,
    virtual_hosts: [
      { name: `${name}_local`, domains: ['*'], routes: [{ match: { prefix: '/' }, route: action }] },
    ],
  };
}

function localAppCluster(ctx: Ctx, node: SpecResource<VirtualNodeShape>, l: NodeListener): string {
  const { port, protocol } = l.portMapping;
  const name = names.ingressCluster(ctx.proxy.mesh, node.name, protocol, port);
  const lbEndpoint: Json = { endpoint: { address: socketAddress(ctx.opts.localAppAddress, port) } };
  if (l.healthCheck?.port !== undefined && l.healthCheck.port !== port) {
    (lbEndpoint.endpoint as Json).health_check_config = { port_value: l.healthCheck.port };
  }
  const cluster: Json = {
    name,
    type: 'STATIC',
    connect_timeout: '1s',
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [lbEndpoint] }] },
  };
  applyUpstreamProtocol(cluster, protocol);
  const hc = healthCheck(l.healthCheck);
  if (hc) cluster.health_checks = hc;
  const cb = circuitBreakers(l.connectionPool, ctx.opts.unlimitedCircuitBreakers);
  if (cb) cluster.circuit_breakers = cb;
  ctx.clusters.set(name, cluster);
  return name;
}
