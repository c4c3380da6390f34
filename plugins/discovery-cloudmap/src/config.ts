import {
  type ConfigIssue,
  expectEnum,
  expectKnownFields,
  expectObject,
  expectString,
  IP_PREFERENCES,
  type IpPreference,
  joinPath,
} from '@plexus/plugin-api';

/** `spec.serviceDiscovery.awsCloudMap` exactly as App Mesh defines it. */
export interface CloudMapConfig {
  namespaceName: string;
  serviceName: string;
  /** Only instances carrying every key/value are used (DiscoverInstances QueryParameters). */
  attributes?: Array<{ key: string; value: string }>;
  ipPreference?: IpPreference;
}

export function validateCloudMapConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const obj = expectObject(config, '', issues);
  if (!obj) return issues;
  expectKnownFields(obj, ['namespaceName', 'serviceName', 'attributes', 'ipPreference'], '', issues);
  expectString(obj, 'namespaceName', '', issues, { required: true });
  expectString(obj, 'serviceName', '', issues, { required: true });
  expectEnum(obj, 'ipPreference', IP_PREFERENCES, '', issues);
  if (obj.attributes !== undefined) {
    if (!Array.isArray(obj.attributes)) {
      issues.push({ path: 'attributes', message: 'expected a list of {key, value}' });
    } else {
      obj.attributes.forEach((a, i) => {
        const p = joinPath('attributes', i);
        const attr = expectObject(a, p, issues);
        if (!attr) return;
        expectKnownFields(attr, ['key', 'value'], p, issues);
        expectString(attr, 'key', p, issues, { required: true });
        expectString(attr, 'value', p, issues, { required: true });
      });
    }
  }
  return issues;
}
