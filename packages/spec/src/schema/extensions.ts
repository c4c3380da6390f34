/**
 * Plexus extensions: settings App Mesh's API has no field for, written beside `spec` in native YAML
 * (`extensions:` on a Mesh). Validated like the API's fields, with positions. See docs/telemetry.md.
 */
import { portNumber } from './common.ts';
import { decimal, enumOf, type Infer, object, optional, string } from './dsl.ts';

export const TRACING_PROVIDERS = ['openTelemetry', 'zipkin', 'xray', 'datadog'] as const;
export type TracingProvider = (typeof TRACING_PROVIDERS)[number];

/** Where a provider's collector listens when no port is given. */
export const TRACING_DEFAULT_PORTS: Readonly<Record<TracingProvider, number>> = {
  openTelemetry: 4317,
  zipkin: 9411,
  xray: 2000,
  datadog: 8126,
};

export const TracingCollectorSchema = object(
  {
    /** A virtual node of this mesh whose endpoints (any discovery) receive the spans. */
    virtualNode: optional(string({ min: 1, max: 255 })),
    /** An IP address or DNS name. */
    address: optional(string({ min: 1, max: 255 })),
    /** Default: the virtual node's first listener port, else the provider's usual port. */
    port: optional(portNumber()),
  },
  { exactlyOne: ['virtualNode', 'address'] },
);
export type TracingCollector = Infer<typeof TracingCollectorSchema>;

export const TracingSchema = object({
  provider: enumOf(TRACING_PROVIDERS),
  /** Percentage of requests a proxy starts a trace for (0 turns tracing off), default 100. */
  samplingPercentage: optional(decimal({ min: 0, max: 100 })),
  collector: TracingCollectorSchema,
  /** Zipkin only: the collector's span endpoint, default /api/v2/spans. */
  zipkinEndpoint: optional(string({ min: 1, max: 255, pattern: /^\// })),
});
export type Tracing = Infer<typeof TracingSchema>;

export const MeshExtensionsSchema = object({ tracing: optional(TracingSchema) });
export type MeshExtensions = Infer<typeof MeshExtensionsSchema>;
