import type { EndpointSet } from '@plexus/plugin-api';

export type Json = Record<string, unknown>;

/** One proxy's Envoy v3 resources, each in proto3 JSON with `"@type"`. */
export interface EnvoyConfig {
  listeners: Json[];
  routes: Json[];
  clusters: Json[];
  endpoints: Json[];
  secrets: Json[];
}

/** Endpoints of one virtual node as discovery reported them; undefined when no source has reported. */
export type EndpointLookup = (mesh: string, virtualNode: string) => EndpointSet | undefined;

export interface TranslateOptions {
  /** App Mesh's documented defaults; each can be switched off (or, for the account-age ones, on). */
  appMeshDefaults?: {
    /** Route and listener per-request timeout 15 s when none is given (App Mesh default). Default true. */
    requestTimeout?: boolean;
    /** Connection idle timeout 300 s when none is given (App Mesh default). Default true. */
    idleTimeout?: boolean;
    /** App Mesh's hidden retry policy (2 retries on 503/UNAVAILABLE/connect-failure/refused-stream/reset)
     * for routes without one. App Mesh applied it to accounts older than 2020-07-29. Default false. */
    retries?: boolean;
    /** Circuit breakers at 2147483647 where no connection pool is given (same account-age rule). Default false. */
    unlimitedCircuitBreakers?: boolean;
  };
  /** Also emit proxyless gRPC api_listeners for a virtual node. Default true. */
  proxyless?: boolean;
  /** Unix socket of the local SDS agent (App Mesh: APPMESH_SDS_SOCKET_PATH). */
  sdsSocketPath?: string;
  /** Where the local application listens (ingress clusters). Default 127.0.0.1. */
  localAppAddress?: string;
  /** Address the ingress/egress/gateway listeners bind (and their names carry). Default 0.0.0.0. */
  listenAddress?: string;
  /** Egress (outbound) listener port. Default 15001. */
  egressPort?: number;
  /** Ingress (inbound) listener port of a virtual node. Default 15000. */
  ingressPort?: number;
  /**
   * Stream every egress request and TCP connection to the daemon's access log service (@plexus/telemetry).
   * `grpcCluster` must exist in the proxy's bootstrap (`plexus bootstrap` writes `xds_cluster`). Default off.
   */
  telemetry?: TelemetryOptions;
  /** The proxy's own locality (Envoy node.locality, which App Mesh's sidecar reports): zone-aware policies. */
  locality?: { zone?: string; region?: string };
  /**
   * Checks a resource against Envoy's protos, returning a problem or undefined. Resources a ProxyPatch changed
   * are refused when it reports one (the daemon and CLI pass @plexus/xds's encoder; translate stays pure).
   */
  checkResource?: (resource: Json) => string | undefined;
  /**
   * The Plexus mesh CA (@plexus/ca), when the daemon runs one: ACM certificate fields become the proxy's
   * Plexus-issued certificate and the mesh trust bundle, served as SDS secrets over ADS. Unset: ACM refused.
   */
  meshCa?: MeshCaOptions;
}

export interface MeshCaOptions {
  trustDomain: string;
  /** ACM Private CA ARNs (`validation.trust.acm.certificateAuthorityArns`) the mesh CA stands in for. */
  acmCertificateAuthorityArns?: string[];
  /**
   * Also turn ACM TLS into mutual TLS: a listener with `certificate.acm` and no `validation` requires client
   * certificates from the mesh CA, and a client policy trusting an ACM CA without a `certificate` presents the
   * proxy's own. Default false (what App Mesh did: server-side TLS only).
   */
  mutualTls?: boolean;
}

export interface TelemetryOptions {
  grpcCluster: string;
  /** How often each proxy sends what it buffered. Default 1s. */
  flushInterval?: string;
  /** How often a long TCP connection reports its bytes. Default 10s. */
  tcpReportInterval?: string;
}

export interface ResolvedOptions {
  requestTimeout: boolean;
  idleTimeout: boolean;
  retries: boolean;
  unlimitedCircuitBreakers: boolean;
  proxyless: boolean;
  sdsSocketPath: string;
  localAppAddress: string;
  listenAddress: string;
  egressPort: number;
  ingressPort: number;
  telemetry?: Required<TelemetryOptions>;
  locality?: { zone?: string; region?: string };
  checkResource?: (resource: Json) => string | undefined;
  meshCa?: MeshCaOptions;
}

export function resolveOptions(o: TranslateOptions = {}): ResolvedOptions {
  return {
    requestTimeout: o.appMeshDefaults?.requestTimeout ?? true,
    idleTimeout: o.appMeshDefaults?.idleTimeout ?? true,
    retries: o.appMeshDefaults?.retries ?? false,
    unlimitedCircuitBreakers: o.appMeshDefaults?.unlimitedCircuitBreakers ?? false,
    proxyless: o.proxyless ?? true,
    sdsSocketPath: o.sdsSocketPath ?? '/run/spire/sockets/agent.sock',
    localAppAddress: o.localAppAddress ?? '127.0.0.1',
    listenAddress: o.listenAddress ?? '0.0.0.0',
    egressPort: o.egressPort ?? 15001,
    ingressPort: o.ingressPort ?? 15000,
    telemetry: o.telemetry?.grpcCluster
      ? {
          grpcCluster: o.telemetry.grpcCluster,
          flushInterval: o.telemetry.flushInterval ?? '1s',
          tcpReportInterval: o.telemetry.tcpReportInterval ?? '10s',
        }
      : undefined,
    locality: o.locality,
    checkResource: o.checkResource,
    meshCa: o.meshCa,
  };
}

const V3 = 'type.googleapis.com/envoy';
export const TYPE = {
  listener: `${V3}.config.listener.v3.Listener`,
  route: `${V3}.config.route.v3.RouteConfiguration`,
  cluster: `${V3}.config.cluster.v3.Cluster`,
  endpoint: `${V3}.config.endpoint.v3.ClusterLoadAssignment`,
  secret: `${V3}.extensions.transport_sockets.tls.v3.Secret`,
  hcm: `${V3}.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  tcpProxy: `${V3}.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
  router: `${V3}.extensions.filters.http.router.v3.Router`,
  healthCheckFilter: `${V3}.extensions.filters.http.health_check.v3.HealthCheck`,
  fileAccessLog: `${V3}.extensions.access_loggers.file.v3.FileAccessLog`,
  httpGrpcAccessLog: `${V3}.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig`,
  tcpGrpcAccessLog: `${V3}.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig`,
  openTelemetryTracer: `${V3}.config.trace.v3.OpenTelemetryConfig`,
  zipkinTracer: `${V3}.config.trace.v3.ZipkinConfig`,
  xrayTracer: `${V3}.config.trace.v3.XRayConfig`,
  datadogTracer: `${V3}.config.trace.v3.DatadogConfig`,
  downstreamTls: `${V3}.extensions.transport_sockets.tls.v3.DownstreamTlsContext`,
  upstreamTls: `${V3}.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  httpProtocolOptions: `${V3}.extensions.upstreams.http.v3.HttpProtocolOptions`,
  originalDst: `${V3}.extensions.filters.listener.original_dst.v3.OriginalDst`,
  tlsInspector: `${V3}.extensions.filters.listener.tls_inspector.v3.TlsInspector`,
} as const;

/** ADS as the config source of RDS/EDS. */
export const ADS_SOURCE = { ads: {}, resource_api_version: 'V3' };
