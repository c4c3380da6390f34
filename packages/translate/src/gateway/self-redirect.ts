import { applyUpstreamProtocol } from '../clusters/upstream-protocol.ts';
import { hcmFilter, socketAddress } from '../common/hcm.ts';
import { type Ctx, servicePorts } from '../context.ts';
import { isHttpFamily, names } from '../names.ts';
import { serviceHttpRoutes } from '../routes/service-routes.ts';
import { DEFAULT_IDLE_TIMEOUT } from '../routes/timeouts.ts';
import { type Json, TYPE } from '../types.ts';

/** Header naming the target virtual service (`name` or `name:port`) on the gateway's self-redirect hop. */
export const TARGET_HEADER = 'x-plexus-virtual-service';

/**
 * App Mesh's gateway sends a gateway route's traffic back to itself (the self-redirect cluster) where the target
 * virtual service's own routes apply. Here the hop is a loopback listener whose single route config holds
 * every target service's routes, each guarded by the target header the gateway route set.
 */
export function selfRedirect(ctx: Ctx, targets: Set<string>): void {
  const port = ctx.opts.egressPort;
  const routes: Json[] = [];
  for (const via of ctx.view.services) {
    for (const pp of servicePorts(ctx, via.name)) {
      if (!isHttpFamily(pp.protocol)) continue;
      const values = [`${via.name}:${pp.port}`];
      if (targets.has(via.name)) values.push(via.name);
      for (const value of values) {
        if (!targets.has(value)) continue;
        const guard = { name: TARGET_HEADER, string_match: { exact: value } };
        routes.push(...serviceHttpRoutes(ctx, via, pp, [guard]));
      }
    }
  }
  const rcName = names.selfRedirectRoutes(port);
  ctx.routeConfigs.push({
    '@type': TYPE.route,
    name: rcName,
    virtual_hosts: [{ name: 'self_redirect', domains: ['*'], routes }],
    request_headers_to_remove: [TARGET_HEADER],
  });
  ctx.listeners.push({
    '@type': TYPE.listener,
    name: names.listener('egress', '127.0.0.1', port),
    address: socketAddress('127.0.0.1', port),
    filter_chains: [
      {
        name: 'self_redirect',
        filters: [
          hcmFilter(ctx, {
            statPrefix: 'egress',
            routeConfigName: rcName,
            idleTimeout: ctx.opts.idleTimeout ? DEFAULT_IDLE_TIMEOUT : undefined,
            egress: true,
          }),
        ],
      },
    ],
  });
}

/** `cds_ingress_<mesh>_<vg>_self_redirect_<protocol>_<port>`: loopback to the self-redirect listener. */
export function selfRedirectCluster(
  ctx: Ctx,
  protocol: 'http' | 'http2' | 'grpc',
  listenerPort: number,
  multi: boolean,
): string {
  const port = ctx.opts.egressPort;
  const name = multi
    ? names.selfRedirectCluster(ctx.proxy.mesh, ctx.proxy.name, `${listenerPort}_${protocol}`, port)
    : names.selfRedirectCluster(ctx.proxy.mesh, ctx.proxy.name, protocol, port);
  if (ctx.clusters.has(name)) return name;
  const cluster: Json = {
    name,
    type: 'STATIC',
    connect_timeout: '1s',
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress('127.0.0.1', port) } }] }],
    },
  };
  applyUpstreamProtocol(cluster, protocol);
  ctx.clusters.set(name, cluster);
  return name;
}
