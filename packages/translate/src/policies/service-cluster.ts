/** Clusters for the services policies call: a virtual service's provider node, an address, a JWKS URL. */
import { isIP } from 'node:net';
import { serviceNode } from '@plexus/graph';
import { type PolicyServiceRef, splitHostPort } from '@plexus/spec';
import { egressCluster } from '../clusters/egress.ts';
import { socketAddress } from '../common/hcm.ts';
import { type Ctx, targetListener } from '../context.ts';
import type { Json } from '../types.ts';
import { POLICY_TYPE } from './envoy-types.ts';

const HTTP2 = {
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
    '@type': POLICY_TYPE.httpProtocolOptions,
    explicit_http_config: { http2_protocol_options: {} },
  },
};

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]/g, '_');
}

/** A STATIC (IP) or STRICT_DNS (name) cluster for host:port, created once per proxy. */
export function addressCluster(
  ctx: Ctx,
  host: string,
  port: number,
  o: { http2?: boolean; tlsSni?: string } = {},
): string {
  const name = `plexus_policy_${safe(host)}_${port}${o.tlsSni ? '_tls' : ''}${o.http2 ? '_h2' : ''}`;
  if (ctx.clusters.has(name)) return name;
  const cluster: Json = {
    name,
    type: isIP(host) ? 'STATIC' : 'STRICT_DNS',
    connect_timeout: '1s',
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(host, port) } }] }],
    },
  };
  if (o.http2) cluster.typed_extension_protocol_options = HTTP2;
  if (o.tlsSni) {
    cluster.transport_socket = {
      name: 'envoy.transport_sockets.tls',
      typed_config: { '@type': POLICY_TYPE.upstreamTls, sni: o.tlsSni },
    };
  }
  ctx.clusters.set(name, cluster);
  return name;
}

/**
 * The cluster a policy service reference reaches: the provider node's egress cluster for a virtual service (its
 * endpoints from discovery, as for any backend), else an address cluster. gRPC services speak HTTP/2.
 */
export function serviceCluster(ctx: Ctx, ref: PolicyServiceRef, grpc: boolean): string | undefined {
  if (ref.address) {
    const { host, port } = splitHostPort(ref.address);
    return addressCluster(ctx, host, port, { http2: grpc });
  }
  const node = serviceNode(ctx.graph, ctx.proxy.mesh, ref);
  if (!node) return undefined;
  const l = targetListener(ctx, node, ref.port);
  if (!l) return undefined;
  const name = egressCluster(ctx, node, l, { name: ref.virtualService ?? node, implicit: false });
  const cluster = ctx.clusters.get(name);
  if (grpc && cluster && !cluster.typed_extension_protocol_options)
    cluster.typed_extension_protocol_options = HTTP2;
  return name;
}

/** The cluster that fetches a remote JWKS (`https://` gets TLS with the host as SNI). */
export function jwksCluster(ctx: Ctx, uri: string): string {
  const u = new URL(uri);
  const tls = u.protocol === 'https:';
  const port = u.port ? Number(u.port) : tls ? 443 : 80;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return addressCluster(ctx, host, port, tls ? { tlsSni: host } : {});
}
