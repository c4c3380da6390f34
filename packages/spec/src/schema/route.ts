import {
  DurationSchema,
  HeaderMatchSchema,
  HttpMethodSchema,
  HttpPathMatchSchema,
  HttpQueryParameterSchema,
  HttpTimeoutSchema,
  portNumber,
  TcpTimeoutSchema,
} from './common.ts';
import { enumOf, type Infer, integer, list, object, optional, string } from './dsl.ts';

export const TCP_RETRY_EVENTS = ['connection-error'] as const;
export const GRPC_RETRY_EVENTS = [
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const;
export const HTTP_SCHEMES = ['http', 'https'] as const;

export const WeightedTargetSchema = object({
  virtualNode: string({ min: 1, max: 255 }),
  weight: integer({ min: 0, max: 100 }),
  port: optional(portNumber()),
});
export type WeightedTarget = Infer<typeof WeightedTargetSchema>;

const RouteActionSchema = object({ weightedTargets: list(WeightedTargetSchema, { min: 1, max: 10 }) });
export type HttpRouteAction = Infer<typeof RouteActionSchema>;
export type TcpRouteAction = HttpRouteAction;
export type GrpcRouteAction = HttpRouteAction;

const retryShape = {
  perRetryTimeout: DurationSchema,
  maxRetries: integer({ min: 0 }),
  httpRetryEvents: optional(list(string({ min: 1, max: 25 }), { min: 1, max: 25 })),
  tcpRetryEvents: optional(list(enumOf(TCP_RETRY_EVENTS), { min: 1, max: 1 })),
};
export const HttpRetryPolicySchema = object(retryShape);
export type HttpRetryPolicy = Infer<typeof HttpRetryPolicySchema>;
export const GrpcRetryPolicySchema = object({
  ...retryShape,
  grpcRetryEvents: optional(list(enumOf(GRPC_RETRY_EVENTS), { min: 1, max: 5 })),
});
export type GrpcRetryPolicy = Infer<typeof GrpcRetryPolicySchema>;

export const HttpRouteMatchSchema = object(
  {
    prefix: optional(string()),
    path: optional(HttpPathMatchSchema),
    queryParameters: optional(list(HttpQueryParameterSchema, { min: 1, max: 10 })),
    method: optional(HttpMethodSchema),
    scheme: optional(enumOf(HTTP_SCHEMES)),
    headers: optional(list(HeaderMatchSchema, { min: 1, max: 10 })),
    port: optional(portNumber()),
  },
  { atMostOne: [['prefix', 'path']] },
);
export type HttpRouteMatch = Infer<typeof HttpRouteMatchSchema>;

export const HttpRouteSchema = object({
  match: HttpRouteMatchSchema,
  action: RouteActionSchema,
  retryPolicy: optional(HttpRetryPolicySchema),
  timeout: optional(HttpTimeoutSchema),
});
export type HttpRoute = Infer<typeof HttpRouteSchema>;

export const TcpRouteSchema = object({
  action: RouteActionSchema,
  timeout: optional(TcpTimeoutSchema),
  match: optional(object({ port: optional(portNumber()) })),
});
export type TcpRoute = Infer<typeof TcpRouteSchema>;
export type TcpRouteMatch = NonNullable<TcpRoute['match']>;

export const GrpcRouteMatchSchema = object({
  serviceName: optional(string()),
  methodName: optional(string({ min: 1, max: 50 })),
  metadata: optional(list(HeaderMatchSchema, { min: 1, max: 10 })),
  port: optional(portNumber()),
});
export type GrpcRouteMatch = Infer<typeof GrpcRouteMatchSchema>;

export const GrpcRouteSchema = object({
  match: GrpcRouteMatchSchema,
  action: RouteActionSchema,
  retryPolicy: optional(GrpcRetryPolicySchema),
  timeout: optional(HttpTimeoutSchema),
});
export type GrpcRoute = Infer<typeof GrpcRouteSchema>;

/** The four route types; App Mesh takes exactly one per route. */
export const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

export const RouteSpecSchema = object(
  {
    priority: optional(integer({ min: 0, max: 1000 })),
    httpRoute: optional(HttpRouteSchema),
    http2Route: optional(HttpRouteSchema),
    grpcRoute: optional(GrpcRouteSchema),
    tcpRoute: optional(TcpRouteSchema),
  },
  { exactlyOne: ROUTE_TYPES },
);
export type RouteSpec = Infer<typeof RouteSpecSchema>;
