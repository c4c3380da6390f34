import {
  BackendDefaultsSchema,
  ClientPolicySchema,
  DurationSchema,
  HealthCheckPolicySchema,
  HttpTimeoutSchema,
  ListenerTlsSchema,
  LoggingSchema,
  PortMappingSchema,
  TcpTimeoutSchema,
} from './common.ts';
import { type Infer, integer, list, object, optional, string } from './dsl.ts';
import { type ServiceDiscovery, ServiceDiscoverySchema } from './service-discovery.ts';

export const OutlierDetectionSchema = object({
  maxServerErrors: integer({ min: 1 }),
  interval: DurationSchema,
  baseEjectionDuration: DurationSchema,
  maxEjectionPercent: integer({ min: 0, max: 100 }),
});
export type OutlierDetection = Infer<typeof OutlierDetectionSchema>;

export const ListenerTimeoutSchema = object(
  {
    tcp: optional(TcpTimeoutSchema),
    http: optional(HttpTimeoutSchema),
    http2: optional(HttpTimeoutSchema),
    grpc: optional(HttpTimeoutSchema),
  },
  { exactlyOne: ['tcp', 'http', 'http2', 'grpc'] },
);
export type ListenerTimeout = Infer<typeof ListenerTimeoutSchema>;

export const VirtualNodeConnectionPoolSchema = object(
  {
    tcp: optional(object({ maxConnections: integer({ min: 1 }) })),
    http: optional(
      object({ maxConnections: integer({ min: 1 }), maxPendingRequests: optional(integer({ min: 1 })) }),
    ),
    http2: optional(object({ maxRequests: integer({ min: 1 }) })),
    grpc: optional(object({ maxRequests: integer({ min: 1 }) })),
  },
  { exactlyOne: ['tcp', 'http', 'http2', 'grpc'] },
);
export type VirtualNodeConnectionPool = Infer<typeof VirtualNodeConnectionPoolSchema>;

export const ListenerSchema = object({
  portMapping: PortMappingSchema,
  tls: optional(ListenerTlsSchema),
  healthCheck: optional(HealthCheckPolicySchema),
  timeout: optional(ListenerTimeoutSchema),
  outlierDetection: optional(OutlierDetectionSchema),
  connectionPool: optional(VirtualNodeConnectionPoolSchema),
});
export type Listener = Infer<typeof ListenerSchema>;

export const VirtualServiceBackendSchema = object({
  virtualServiceName: string(),
  clientPolicy: optional(ClientPolicySchema),
});
export type VirtualServiceBackend = Infer<typeof VirtualServiceBackendSchema>;

export const BackendSchema = object(
  { virtualService: optional(VirtualServiceBackendSchema) },
  { exactlyOne: ['virtualService'] },
);
export type Backend = Infer<typeof BackendSchema>;

export const VirtualNodeSpecSchema = object({
  serviceDiscovery: optional(ServiceDiscoverySchema),
  listeners: optional(list(ListenerSchema)),
  backends: optional(list(BackendSchema)),
  backendDefaults: optional(BackendDefaultsSchema),
  logging: optional(LoggingSchema),
});
export type VirtualNodeSpec = Omit<Infer<typeof VirtualNodeSpecSchema>, 'serviceDiscovery'> & {
  serviceDiscovery?: ServiceDiscovery;
};
