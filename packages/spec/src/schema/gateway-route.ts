import {
  HeaderMatchSchema,
  HttpMethodSchema,
  HttpPathMatchSchema,
  HttpQueryParameterSchema,
  portNumber,
} from './common.ts';
import { enumOf, type Infer, integer, list, object, optional, string } from './dsl.ts';

export const ENABLED_DISABLED = ['DISABLED', 'ENABLED'] as const;

export const GatewayRouteHostnameMatchSchema = object(
  { exact: optional(string({ min: 1, max: 253 })), suffix: optional(string({ min: 1, max: 253 })) },
  { atMostOne: [['exact', 'suffix']] },
);
export type GatewayRouteHostnameMatch = Infer<typeof GatewayRouteHostnameMatchSchema>;

export const GatewayRouteTargetSchema = object({
  virtualService: object({ virtualServiceName: string({ min: 1, max: 255 }) }),
  port: optional(portNumber()),
});
export type GatewayRouteTarget = Infer<typeof GatewayRouteTargetSchema>;

const HostnameRewriteSchema = object({ defaultTargetHostname: optional(enumOf(ENABLED_DISABLED)) });
export type GatewayRouteHostnameRewrite = Infer<typeof HostnameRewriteSchema>;

export const HttpGatewayRouteMatchSchema = object(
  {
    prefix: optional(string()),
    path: optional(HttpPathMatchSchema),
    queryParameters: optional(list(HttpQueryParameterSchema, { min: 1, max: 10 })),
    method: optional(HttpMethodSchema),
    hostname: optional(GatewayRouteHostnameMatchSchema),
    headers: optional(list(HeaderMatchSchema, { min: 1, max: 10 })),
    port: optional(portNumber()),
  },
  { atMostOne: [['prefix', 'path']] },
);
export type HttpGatewayRouteMatch = Infer<typeof HttpGatewayRouteMatchSchema>;

export const HttpGatewayRouteRewriteSchema = object(
  {
    prefix: optional(
      object({
        defaultPrefix: optional(enumOf(ENABLED_DISABLED)),
        value: optional(string({ min: 1, max: 255 })),
      }),
    ),
    path: optional(object({ exact: optional(string({ min: 1, max: 255 })) })),
    hostname: optional(HostnameRewriteSchema),
  },
  { atMostOne: [['prefix', 'path']] },
);
export type HttpGatewayRouteRewrite = Infer<typeof HttpGatewayRouteRewriteSchema>;

export const HttpGatewayRouteSchema = object({
  match: HttpGatewayRouteMatchSchema,
  action: object({ target: GatewayRouteTargetSchema, rewrite: optional(HttpGatewayRouteRewriteSchema) }),
});
export type HttpGatewayRoute = Infer<typeof HttpGatewayRouteSchema>;

export const GrpcGatewayRouteMatchSchema = object({
  serviceName: optional(string()),
  hostname: optional(GatewayRouteHostnameMatchSchema),
  metadata: optional(list(HeaderMatchSchema, { min: 1, max: 10 })),
  port: optional(portNumber()),
});
export type GrpcGatewayRouteMatch = Infer<typeof GrpcGatewayRouteMatchSchema>;

export const GrpcGatewayRouteSchema = object({
  match: GrpcGatewayRouteMatchSchema,
  action: object({
    target: GatewayRouteTargetSchema,
    rewrite: optional(object({ hostname: optional(HostnameRewriteSchema) })),
  }),
});
export type GrpcGatewayRoute = Infer<typeof GrpcGatewayRouteSchema>;

export const GATEWAY_ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute'] as const;
export type GatewayRouteType = (typeof GATEWAY_ROUTE_TYPES)[number];

export const GatewayRouteSpecSchema = object(
  {
    priority: optional(integer({ min: 0, max: 1000 })),
    httpRoute: optional(HttpGatewayRouteSchema),
    http2Route: optional(HttpGatewayRouteSchema),
    grpcRoute: optional(GrpcGatewayRouteSchema),
  },
  { exactlyOne: GATEWAY_ROUTE_TYPES },
);
export type GatewayRouteSpec = Infer<typeof GatewayRouteSpecSchema>;
