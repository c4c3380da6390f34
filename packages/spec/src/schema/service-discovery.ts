import { isIP } from 'node:net';
import type { FieldPath } from '../model/resource.ts';
import { IpPreferenceSchema, portNumber } from './common.ts';
import { enumOf, type Infer, list, object, optional, type Path, type SchemaIssue, string } from './dsl.ts';

export const DNS_RESPONSE_TYPES = ['ENDPOINTS', 'LOADBALANCER'] as const;

export const DnsServiceDiscoverySchema = object({
  hostname: string(),
  responseType: optional(enumOf(DNS_RESPONSE_TYPES)),
  ipPreference: optional(IpPreferenceSchema),
});
export type DnsServiceDiscovery = Infer<typeof DnsServiceDiscoverySchema>;

export const AwsCloudMapServiceDiscoverySchema = object({
  namespaceName: string({ min: 1, max: 1024 }),
  serviceName: string({ min: 1, max: 1024 }),
  attributes: optional(
    list(
      object({
        key: string({ min: 1, max: 255, pattern: /^[a-zA-Z0-9!-~]+$/ }),
        value: string({
          min: 1,
          max: 1024,
          pattern: /^([a-zA-Z0-9!-~][  a-zA-Z0-9!-~]*){0,1}[a-zA-Z0-9!-~]{0,1}$/,
        }),
      }),
    ),
  ),
  ipPreference: optional(IpPreferenceSchema),
});
export type AwsCloudMapServiceDiscovery = Infer<typeof AwsCloudMapServiceDiscoverySchema>;
export type AwsCloudMapInstanceAttribute = NonNullable<AwsCloudMapServiceDiscovery['attributes']>[number];

/** Plexus' embedded discovery (DESIGN.md): fixed endpoints, port defaulting to the node's listener port. */
export const StaticServiceDiscoverySchema = object({
  endpoints: list(
    object({
      address: string({ refine: (v) => (isIP(v) === 0 ? 'must be an IP address literal' : undefined) }),
      port: optional(portNumber()),
      zone: optional(string({ min: 1 })),
    }),
    { min: 1 },
  ),
});
export type StaticServiceDiscovery = Infer<typeof StaticServiceDiscoverySchema>;
export type StaticEndpoint = StaticServiceDiscovery['endpoints'][number];

/** Validates a plugin's discovery config; `path` is the absolute field path of the config. Returns issues with absolute paths. */
export type ServiceDiscoveryValidator = (
  config: unknown,
  path: FieldPath,
) => ReadonlyArray<{ path: FieldPath; message: string }>;

const pluginKeys = new Map<string, ServiceDiscoveryValidator>();
const BUILT_IN_KEYS = ['dns', 'awsCloudMap', 'static'] as const;

/**
 * Lets a discovery plugin own a further key of `spec.serviceDiscovery` (e.g. `ecs`). Returns a function that
 * removes the registration. Registering a built-in key or a key twice throws.
 */
export function registerServiceDiscoveryKey(key: string, validate: ServiceDiscoveryValidator): () => void {
  if ((BUILT_IN_KEYS as readonly string[]).includes(key) || pluginKeys.has(key)) {
    throw new Error(`service discovery key "${key}" is already registered`);
  }
  pluginKeys.set(key, validate);
  return () => {
    if (pluginKeys.get(key) === validate) pluginKeys.delete(key);
  };
}

/** Every key `spec.serviceDiscovery` accepts right now: built-ins then plugin keys. */
export function serviceDiscoveryKeys(): string[] {
  return [...BUILT_IN_KEYS, ...pluginKeys.keys()];
}

function checkPluginKey(key: string, value: unknown, path: Path, issues: SchemaIssue[]): boolean {
  const validate = pluginKeys.get(key);
  if (!validate) return false;
  if (value === undefined || value === null) return true;
  try {
    for (const issue of validate(value, [...path])) issues.push({ path: issue.path, message: issue.message });
  } catch (err) {
    issues.push({ path: [...path], message: `discovery plugin validator failed: ${(err as Error).message}` });
  }
  return true;
}

/** App Mesh's `dns` | `awsCloudMap` union, widened with `static` and plugin keys; exactly one must be set. */
export const ServiceDiscoverySchema = object(
  {
    dns: optional(DnsServiceDiscoverySchema),
    awsCloudMap: optional(AwsCloudMapServiceDiscoverySchema),
    static: optional(StaticServiceDiscoverySchema),
  },
  {
    exactlyOne: BUILT_IN_KEYS,
    extraKey: checkPluginKey,
    extraNames: () => [...pluginKeys.keys()],
  },
);
export type ServiceDiscovery = Infer<typeof ServiceDiscoverySchema> & { [pluginKey: string]: unknown };
