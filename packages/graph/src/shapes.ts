/**
 * The parts of the App Mesh spec shape the graph and translate stages read. Structural and permissive on purpose:
 * the spec stage validates; these types only describe what was validated.
 */
export interface Duration {
  value?: number;
  unit?: 'ms' | 's';
}
export type Protocol = 'http' | 'http2' | 'grpc' | 'tcp';
export interface PortMapping {
  port: number;
  protocol: Protocol;
}
export interface TlsValidation {
  trust?: {
    file?: { certificateChain: string };
    sds?: { secretName: string };
    acm?: { certificateAuthorityArns: string[] };
  };
  subjectAlternativeNames?: { match?: { exact?: string[] } };
}
export interface ListenerTls {
  mode: 'DISABLED' | 'PERMISSIVE' | 'STRICT';
  certificate?: {
    acm?: { certificateArn: string };
    file?: { certificateChain: string; privateKey: string };
    sds?: { secretName: string };
  };
  validation?: TlsValidation;
}
export interface HealthCheck {
  timeoutMillis: number;
  intervalMillis: number;
  protocol: Protocol;
  port?: number;
  path?: string;
  healthyThreshold: number;
  unhealthyThreshold: number;
}
export interface ListenerTimeout {
  tcp?: { idle?: Duration };
  http?: { perRequest?: Duration; idle?: Duration };
  http2?: { perRequest?: Duration; idle?: Duration };
  grpc?: { perRequest?: Duration; idle?: Duration };
}
export interface OutlierDetection {
  maxServerErrors: number;
  interval?: Duration;
  baseEjectionDuration?: Duration;
  maxEjectionPercent: number;
}
export interface ConnectionPool {
  tcp?: { maxConnections: number };
  http?: { maxConnections: number; maxPendingRequests?: number };
  http2?: { maxRequests: number };
  grpc?: { maxRequests: number };
}
export interface NodeListener {
  portMapping: PortMapping;
  tls?: ListenerTls;
  healthCheck?: HealthCheck;
  timeout?: ListenerTimeout;
  outlierDetection?: OutlierDetection;
  connectionPool?: ConnectionPool;
}
export interface ClientPolicy {
  tls?: {
    enforce?: boolean;
    ports?: number[];
    certificate?: { file?: { certificateChain: string; privateKey: string }; sds?: { secretName: string } };
    validation: TlsValidation;
  };
}
export interface StaticEndpoint {
  address: string;
  port?: number;
  zone?: string;
}
export interface ServiceDiscovery {
  dns?: { hostname: string; responseType?: 'ENDPOINTS' | 'LOADBALANCER'; ipPreference?: string };
  awsCloudMap?: {
    namespaceName: string;
    serviceName: string;
    attributes?: { key: string; value: string }[];
    ipPreference?: string;
  };
  static?: { endpoints: StaticEndpoint[] };
  [plugin: string]: unknown;
}
export interface AccessLogging {
  accessLog?: {
    file?: { path: string; format?: { text?: string; json?: { key: string; value: string }[] } };
  };
}
export interface VirtualNodeShape {
  serviceDiscovery?: ServiceDiscovery;
  listeners?: NodeListener[];
  backends?: { virtualService?: { virtualServiceName: string; clientPolicy?: ClientPolicy } }[];
  backendDefaults?: { clientPolicy?: ClientPolicy };
  logging?: AccessLogging;
}
export interface MeshShape {
  egressFilter?: { type: 'ALLOW_ALL' | 'DROP_ALL' };
  serviceDiscovery?: { ipPreference?: string };
}
export interface VirtualServiceShape {
  provider?: {
    virtualNode?: { virtualNodeName: string };
    virtualRouter?: { virtualRouterName: string };
  };
}
export interface VirtualRouterShape {
  listeners?: { portMapping: PortMapping }[];
}
export interface StringMatch {
  exact?: string;
  regex?: string;
  range?: { start: number; end: number };
  prefix?: string;
  suffix?: string;
}
export interface HeaderMatch {
  name: string;
  invert?: boolean;
  match?: StringMatch;
}
export interface WeightedTarget {
  virtualNode: string;
  weight: number;
  port?: number;
}
export interface RetryPolicy {
  perRetryTimeout: Duration;
  maxRetries: number;
  httpRetryEvents?: string[];
  tcpRetryEvents?: string[];
  grpcRetryEvents?: string[];
}
export interface HttpRouteShape {
  match: {
    prefix?: string;
    path?: { exact?: string; regex?: string };
    queryParameters?: { name: string; match?: { exact?: string } }[];
    method?: string;
    scheme?: 'http' | 'https';
    headers?: HeaderMatch[];
    port?: number;
  };
  action: { weightedTargets: WeightedTarget[] };
  retryPolicy?: RetryPolicy;
  timeout?: { perRequest?: Duration; idle?: Duration };
}
export interface GrpcRouteShape {
  match: {
    serviceName?: string;
    methodName?: string;
    metadata?: HeaderMatch[];
    port?: number;
  };
  action: { weightedTargets: WeightedTarget[] };
  retryPolicy?: RetryPolicy;
  timeout?: { perRequest?: Duration; idle?: Duration };
}
export interface TcpRouteShape {
  match?: { port?: number };
  action: { weightedTargets: WeightedTarget[] };
  timeout?: { idle?: Duration };
}
export interface RouteShape {
  priority?: number;
  httpRoute?: HttpRouteShape;
  http2Route?: HttpRouteShape;
  grpcRoute?: GrpcRouteShape;
  tcpRoute?: TcpRouteShape;
}
export interface GatewayListenerShape {
  portMapping: { port: number; protocol: 'http' | 'http2' | 'grpc' };
  tls?: ListenerTls;
  healthCheck?: HealthCheck;
  connectionPool?: ConnectionPool;
}
export interface VirtualGatewayShape {
  listeners?: GatewayListenerShape[];
  backendDefaults?: { clientPolicy?: ClientPolicy };
  logging?: AccessLogging;
}
export interface GatewayTarget {
  virtualService: { virtualServiceName: string };
  port?: number;
}
export interface GatewayHttpRouteShape {
  match: {
    prefix?: string;
    path?: { exact?: string; regex?: string };
    queryParameters?: { name: string; match?: { exact?: string } }[];
    method?: string;
    hostname?: { exact?: string; suffix?: string };
    headers?: HeaderMatch[];
    port?: number;
  };
  action: {
    target: GatewayTarget;
    rewrite?: {
      prefix?: { defaultPrefix?: 'ENABLED' | 'DISABLED'; value?: string };
      path?: { exact?: string };
      hostname?: { defaultTargetHostname?: 'ENABLED' | 'DISABLED' };
    };
  };
}
export interface GatewayGrpcRouteShape {
  match: {
    serviceName?: string;
    hostname?: { exact?: string; suffix?: string };
    metadata?: HeaderMatch[];
    port?: number;
  };
  action: {
    target: GatewayTarget;
    rewrite?: { hostname?: { defaultTargetHostname?: 'ENABLED' | 'DISABLED' } };
  };
}
export interface GatewayRouteShape {
  priority?: number;
  httpRoute?: GatewayHttpRouteShape;
  http2Route?: GatewayHttpRouteShape;
  grpcRoute?: GatewayGrpcRouteShape;
}
