import {
  BackendDefaultsSchema,
  GATEWAY_PROTOCOLS,
  HealthCheckPolicySchema,
  ListenerTlsSchema,
  LoggingSchema,
  portNumber,
} from './common.ts';
import { enumOf, type Infer, integer, list, object, optional } from './dsl.ts';

const GatewayProtocolSchema = enumOf(GATEWAY_PROTOCOLS);
export type VirtualGatewayPortProtocol = Infer<typeof GatewayProtocolSchema>;

export const VirtualGatewayPortMappingSchema = object({
  port: portNumber(),
  protocol: GatewayProtocolSchema,
});
export type VirtualGatewayPortMapping = Infer<typeof VirtualGatewayPortMappingSchema>;

export const VirtualGatewayHealthCheckPolicySchema = object({
  ...HealthCheckPolicySchema.shape,
  protocol: GatewayProtocolSchema,
});
export type VirtualGatewayHealthCheckPolicy = Infer<typeof VirtualGatewayHealthCheckPolicySchema>;

export const VirtualGatewayConnectionPoolSchema = object(
  {
    http: optional(
      object({ maxConnections: integer({ min: 1 }), maxPendingRequests: optional(integer({ min: 1 })) }),
    ),
    http2: optional(object({ maxRequests: integer({ min: 1 }) })),
    grpc: optional(object({ maxRequests: integer({ min: 1 }) })),
  },
  { exactlyOne: ['http', 'http2', 'grpc'] },
);
export type VirtualGatewayConnectionPool = Infer<typeof VirtualGatewayConnectionPoolSchema>;

export const VirtualGatewayListenerSchema = object({
  portMapping: VirtualGatewayPortMappingSchema,
  tls: optional(ListenerTlsSchema),
  healthCheck: optional(VirtualGatewayHealthCheckPolicySchema),
  connectionPool: optional(VirtualGatewayConnectionPoolSchema),
});
export type VirtualGatewayListener = Infer<typeof VirtualGatewayListenerSchema>;

export const VirtualGatewaySpecSchema = object({
  listeners: list(VirtualGatewayListenerSchema),
  backendDefaults: optional(BackendDefaultsSchema),
  logging: optional(LoggingSchema),
});
export type VirtualGatewaySpec = Infer<typeof VirtualGatewaySpecSchema>;
