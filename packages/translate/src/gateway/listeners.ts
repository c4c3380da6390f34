import type { GatewayEntry } from '@plexus/graph';
import { circuitBreakers } from '../clusters/circuit-breakers.ts';
import { hcmFilter, socketAddress, TLS_INSPECTOR_FILTER } from '../common/hcm.ts';
import type { Ctx } from '../context.ts';
import { names } from '../names.ts';
import { DEFAULT_IDLE_TIMEOUT } from '../routes/timeouts.ts';
import { listenerTlsVariants } from '../tls/listener.ts';
import { type Json, TYPE } from '../types.ts';
import { gatewayRouteConfig } from './routes.ts';
import { selfRedirect } from './self-redirect.ts';

/** A virtual gateway: one listener per port mapping (`lds_ingress_0.0.0.0_<port>`) plus the self-redirect hop. */
export function gatewayListeners(ctx: Ctx, gw: GatewayEntry): void {
  const listeners = gw.resource.spec?.listeners ?? [];
  const multi = listeners.length > 1;
  const targets = new Set<string>();
  const pool = listeners.find((l) => l.connectionPool)?.connectionPool;
  ctx.egressCircuitBreakers = circuitBreakers(pool, ctx.opts.unlimitedCircuitBreakers);
  listeners.forEach((l, i) => {
    const { port, protocol } = l.portMapping;
    const rcName = names.ingressRoutes(protocol, port);
    ctx.routeConfigs.push(gatewayRouteConfig(ctx, gw, rcName, protocol, port, multi, targets));
    const hc = l.healthCheck;
    const filters: Json[] = [];
    if (hc && protocol !== 'grpc' && hc.path) {
      // App Mesh's gateway health check probes the gateway itself: Envoy answers it.
      filters.push({
        name: 'envoy.filters.http.health_check',
        typed_config: {
          '@type': TYPE.healthCheckFilter,
          pass_through_mode: false,
          headers: [{ name: ':path', string_match: { exact: hc.path } }],
        },
      });
    }
    const hcm = hcmFilter(ctx, {
      statPrefix: multi ? `ingress.${protocol}.${port}` : 'ingress',
      routeConfigName: rcName,
      idleTimeout: ctx.opts.idleTimeout ? DEFAULT_IDLE_TIMEOUT : undefined,
      filters,
    });
    const variants = listenerTlsVariants(ctx, l.tls, gw.resource, ['listeners', i, 'tls']);
    const chains = variants.map((v) => {
      const chain: Json = {
        name: `ingress_${protocol}_${port}${v.transportProtocol ? `_${v.transportProtocol}` : ''}`,
        filters: [hcm],
      };
      if (v.transportProtocol) chain.filter_chain_match = { transport_protocol: v.transportProtocol };
      if (v.transportSocket) chain.transport_socket = v.transportSocket;
      return chain;
    });
    const listener: Json = {
      '@type': TYPE.listener,
      name: names.listener('ingress', ctx.opts.listenAddress, port),
      address: socketAddress(ctx.opts.listenAddress, port),
      filter_chains: chains,
    };
    if (variants.some((v) => v.transportProtocol)) listener.listener_filters = [TLS_INSPECTOR_FILTER];
    ctx.listeners.push(listener);
  });
  selfRedirect(ctx, targets);
}
