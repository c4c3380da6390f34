/**
 * TrafficPolicy: how traffic flows. Rate limits, mirroring, session stickiness, slow start, zone preference and
 * fault injection, attached to a virtual node, virtual gateway, route or gateway route (each field says which).
 */
import { boolean, decimal, enumOf, type Infer, integer, list, object, optional, string } from '../dsl.ts';
import { PERCENT_RULES, PolicyServiceRefSchema, PolicyTargetRefSchema, policyDuration } from './common.ts';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export const RATE_UNITS = ['second', 'minute', 'hour'] as const;
export type RateUnit = (typeof RATE_UNITS)[number];

export const LocalRateLimitBucketSchema = object(
  {
    /** Requests whose header has this value share this bucket. */
    header: optional(string({ min: 1, max: 255, pattern: HEADER_NAME })),
    /** Requests from this client address share this bucket. */
    sourceAddress: optional(string({ min: 2, max: 45 })),
    value: optional(string({ min: 1, max: 255 })),
    requests: integer({ min: 1, max: 1_000_000_000 }),
    unit: enumOf(RATE_UNITS),
  },
  { exactlyOne: ['header', 'sourceAddress'] },
);
export type LocalRateLimitBucket = Infer<typeof LocalRateLimitBucketSchema>;

export const LocalRateLimitSchema = object({
  /** Token bucket: `requests` tokens per `unit`, refilled each unit. */
  requests: integer({ min: 1, max: 1_000_000_000 }),
  unit: enumOf(RATE_UNITS),
  /** Extra tokens a quiet bucket may save up beyond `requests`. Default 0. */
  burst: optional(integer({ min: 0, max: 1_000_000_000 })),
  /** One bucket per client connection instead of one per proxy. */
  perConnection: optional(boolean()),
  /** Separate buckets for given header values or client addresses; other requests use the main bucket. */
  buckets: optional(list(LocalRateLimitBucketSchema, { max: 64 })),
});
export type LocalRateLimit = Infer<typeof LocalRateLimitSchema>;

export const GlobalRateLimitDescriptorSchema = object(
  {
    /** Descriptor entry `<key>=<value of this request header>` (no entry, so no limit, when absent). */
    header: optional(string({ min: 1, max: 255, pattern: HEADER_NAME })),
    /** Descriptor entry `remote_address=<client address>`. */
    sourceAddress: optional(boolean()),
    /** A fixed descriptor entry `generic_key=<value>`. */
    generic: optional(string({ min: 1, max: 255 })),
    /** The entry's key for `header` (default the header name). */
    key: optional(string({ min: 1, max: 255 })),
  },
  { exactlyOne: ['header', 'sourceAddress', 'generic'] },
);
export type GlobalRateLimitDescriptor = Infer<typeof GlobalRateLimitDescriptorSchema>;

export const GlobalRateLimitSchema = object({
  /** A gRPC service speaking Envoy's rate limit service protocol (envoy.service.ratelimit.v3). */
  service: PolicyServiceRefSchema,
  domain: string({ min: 1, max: 255 }),
  /** One descriptor per request, entries in this order. */
  descriptors: list(GlobalRateLimitDescriptorSchema, { min: 1, max: 16 }),
  /** Default 1s. */
  timeout: optional(policyDuration()),
  /** Refuse requests (500) when the service is unreachable. Default false: let them through. */
  failClosed: optional(boolean()),
});
export type GlobalRateLimit = Infer<typeof GlobalRateLimitSchema>;

export const MirrorSchema = object({
  /** A virtual node of the mesh that gets a copy of the route's requests (responses are dropped). */
  virtualNode: string({ min: 1, max: 255 }),
  /** Which of its listener ports (default: its first listener). */
  port: optional(integer({ min: 1, max: 65535 })),
  /** Share of requests copied, default 100. */
  percentage: optional(decimal(PERCENT_RULES)),
});
export type Mirror = Infer<typeof MirrorSchema>;

export const SessionAffinitySchema = object(
  {
    /** Keep a client on one target by this cookie; Plexus sets it when the request has none. */
    cookie: optional(
      object({
        name: string({ min: 1, max: 255, pattern: /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/ }),
        /** Cookie lifetime; a session cookie when unset. */
        ttl: optional(policyDuration()),
        path: optional(string({ min: 1, max: 255, pattern: /^\// })),
      }),
    ),
    /** Keep requests with the same value of this header on one target. */
    header: optional(object({ name: string({ min: 1, max: 255, pattern: HEADER_NAME }) })),
  },
  { exactlyOne: ['cookie', 'header'] },
);
export type SessionAffinity = Infer<typeof SessionAffinitySchema>;

export const SlowStartSchema = object({
  /** How long a new endpoint takes to reach its full share. */
  window: policyDuration(),
  /** Ramp shape: 1 is linear, above 1 slower at first. Default 1. */
  aggression: optional(decimal({ min: 0.1, max: 10 })),
  /** Share of its full weight a new endpoint starts at, percent. Default 10. */
  minWeightPercent: optional(decimal(PERCENT_RULES)),
});
export type SlowStart = Infer<typeof SlowStartSchema>;

export const ZoneAwareSchema = object({
  /** Prefer endpoints in the calling proxy's zone (its node locality), others only when those fail. */
  preferLocalZone: boolean(),
  /** Then the proxy's region before other regions. Default true. */
  preferLocalRegion: optional(boolean()),
});
export type ZoneAware = Infer<typeof ZoneAwareSchema>;

export const FaultSchema = object({
  delay: optional(object({ fixed: policyDuration(), percentage: optional(decimal(PERCENT_RULES)) })),
  abort: optional(
    object(
      {
        httpStatus: optional(integer({ min: 200, max: 599 })),
        grpcStatus: optional(integer({ min: 0, max: 16 })),
        percentage: optional(decimal(PERCENT_RULES)),
      },
      { exactlyOne: ['httpStatus', 'grpcStatus'] },
    ),
  ),
});
export type Fault = Infer<typeof FaultSchema>;

export const TrafficPolicySpecSchema = object({
  targetRef: PolicyTargetRefSchema,
  localRateLimit: optional(LocalRateLimitSchema),
  globalRateLimit: optional(GlobalRateLimitSchema),
  /** Route and gateway route targets. */
  mirror: optional(MirrorSchema),
  /** Route and gateway route targets. */
  sessionAffinity: optional(SessionAffinitySchema),
  /** Virtual node targets: applies to every cluster of that node, in every proxy that calls it. */
  slowStart: optional(SlowStartSchema),
  /** Virtual node and virtual gateway targets: the calling proxy's own outbound clusters. */
  zoneAware: optional(ZoneAwareSchema),
  faults: optional(FaultSchema),
});
export type TrafficPolicySpec = Infer<typeof TrafficPolicySpecSchema>;
