import {
  type ConfigIssue,
  expectEnum,
  expectKnownFields,
  expectObject,
  expectString,
  IP_PREFERENCES,
  type IpPreference,
} from '@plexus/plugin-api';

export const DNS_RESPONSE_TYPES = ['ENDPOINTS', 'LOADBALANCER'] as const;

/** `spec.serviceDiscovery.dns` exactly as App Mesh defines it. */
export interface DnsConfig {
  hostname: string;
  /** LOADBALANCER (default): one address, like Envoy's logical DNS; ENDPOINTS: every address (strict DNS). */
  responseType?: (typeof DNS_RESPONSE_TYPES)[number];
  /** Default: the mesh's preference, else IPv6_PREFERRED (App Mesh's DNS default). */
  ipPreference?: IpPreference;
}

export function validateDnsConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const obj = expectObject(config, '', issues);
  if (!obj) return issues;
  expectKnownFields(obj, ['hostname', 'responseType', 'ipPreference'], '', issues);
  expectString(obj, 'hostname', '', issues, { required: true });
  expectEnum(obj, 'responseType', DNS_RESPONSE_TYPES, '', issues);
  expectEnum(obj, 'ipPreference', IP_PREFERENCES, '', issues);
  return issues;
}
