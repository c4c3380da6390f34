import { graphKey } from '@plexus/graph';
import type { Endpoint } from '@plexus/plugin-api';
import { TRACING_DEFAULT_PORTS, type Tracing } from '@plexus/spec';
import { dnsCluster } from '../clusters/dns.ts';
import { edsCluster } from '../clusters/eds.ts';
import { loadAssignment, staticEndpoints } from '../clusters/load-assignment.ts';
import { applyUpstreamProtocol } from '../clusters/upstream-protocol.ts';
import { socketAddress } from '../common/hcm.ts';
import { type Ctx, nodeOf } from '../context.ts';
import { type Json, TYPE } from '../types.ts';

/** The cluster every proxy of a traced mesh sends its spans through (not X-Ray, which sends UDP). */
export const TRACING_CLUSTER = 'plexus_tracing_collector';

interface Collector {
  port: number;
  /** Endpoints when the collector is a virtual node with EDS-style discovery. */
  endpoints?: Endpoint[];
  /** A DNS name or address to connect to. */
  host?: string;
  dns?: Parameters<typeof dnsCluster>[1];
}

function collectorOf(ctx: Ctx, t: Tracing): Collector {
  const c = t.collector;
  if (c.address) return { host: c.address, port: c.port ?? TRACING_DEFAULT_PORTS[t.provider] };
  const node = nodeOf(ctx, c.virtualNode!);
  const port = c.port ?? node?.spec?.listeners?.[0]?.portMapping.port ?? TRACING_DEFAULT_PORTS[t.provider];
  const sd = node?.spec?.serviceDiscovery;
  if (sd?.dns) return { port, dns: sd.dns };
  const set = ctx.endpoints(ctx.proxy.mesh, c.virtualNode!);
  const endpoints = set
    ? set.endpoints.map((e) => ({ ...e, port: c.port ?? e.port }))
    : staticEndpoints(sd?.static?.endpoints ?? [], port);
  return { port, endpoints };
}

function collectorCluster(ctx: Ctx, t: Tracing, c: Collector): void {
  let cluster: Json;
  if (c.dns) {
    const pref = ctx.graph.meshes.get(ctx.proxy.mesh)?.resource.spec?.serviceDiscovery?.ipPreference;
    cluster = dnsCluster(TRACING_CLUSTER, c.dns, c.port, pref);
  } else if (c.endpoints) {
    cluster = edsCluster(TRACING_CLUSTER);
    ctx.loadAssignments.set(TRACING_CLUSTER, loadAssignment(TRACING_CLUSTER, c.endpoints));
  } else {
    const isIp = /^[\d.]+$|:/.test(c.host!);
    cluster = {
      name: TRACING_CLUSTER,
      type: isIp ? 'STATIC' : 'STRICT_DNS',
      connect_timeout: '1s',
      load_assignment: {
        cluster_name: TRACING_CLUSTER,
        endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(c.host!, c.port) } }] }],
      },
    };
  }
  // OTLP is gRPC; Zipkin and the Datadog agent take HTTP/1.1.
  if (t.provider === 'openTelemetry') applyUpstreamProtocol(cluster, 'grpc');
  ctx.clusters.set(TRACING_CLUSTER, cluster);
}

function provider(ctx: Ctx, t: Tracing, c: Collector): Json {
  const service = `${ctx.proxy.mesh}/${ctx.proxy.name}`;
  switch (t.provider) {
    case 'openTelemetry':
      return {
        name: 'envoy.tracers.opentelemetry',
        typed_config: {
          '@type': TYPE.openTelemetryTracer,
          grpc_service: { envoy_grpc: { cluster_name: TRACING_CLUSTER }, timeout: '1s' },
          service_name: service,
        },
      };
    case 'zipkin':
      return {
        name: 'envoy.tracers.zipkin',
        typed_config: {
          '@type': TYPE.zipkinTracer,
          collector_cluster: TRACING_CLUSTER,
          collector_endpoint: t.zipkinEndpoint ?? '/api/v2/spans',
          collector_endpoint_version: 'HTTP_JSON',
          trace_id_128bit: true,
        },
      };
    case 'datadog':
      return {
        name: 'envoy.tracers.datadog',
        typed_config: {
          '@type': TYPE.datadogTracer,
          collector_cluster: TRACING_CLUSTER,
          service_name: service,
        },
      };
    case 'xray': {
      const address = c.host ?? c.endpoints?.[0]?.address ?? '127.0.0.1';
      return {
        name: 'envoy.tracers.xray',
        typed_config: {
          '@type': TYPE.xrayTracer,
          daemon_endpoint: { protocol: 'UDP', address, port_value: c.port },
          segment_name: service,
        },
      };
    }
  }
}

/**
 * The mesh's tracing extension → the `tracing` block every HCM of this proxy carries (provider and sampling),
 * plus the collector cluster. Sampling 0 keeps the provider but starts no trace.
 */
export function applyTracing(ctx: Ctx): void {
  const t = ctx.graph.meshes.get(ctx.proxy.mesh)?.tracing;
  if (!t) return;
  if (
    t.collector.virtualNode &&
    !ctx.graph.virtualNodes.has(graphKey(ctx.proxy.mesh, t.collector.virtualNode))
  )
    return;
  const c = collectorOf(ctx, t);
  if (t.provider !== 'xray') collectorCluster(ctx, t, c);
  ctx.tracing = {
    provider: provider(ctx, t, c),
    random_sampling: { value: t.samplingPercentage ?? 100 },
  };
}
